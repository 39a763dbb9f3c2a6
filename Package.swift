// swift-tools-version: 6.1
// dse — design-space exploration for CNN inference accelerators.
// Module DAG (docs/architecture.md): Networks <- Tiling <- {Solver, FixedPoint, DRAM, Reports} <- DSE; DRAM <- Reports
// <- {DSETool, CDSE}; Solver links GLPK through the CGLPK system-library module.
import PackageDescription

let package = Package(
  name: "dse",
  products: [
    .executable(name: "dse", targets: ["DSETool"]),
    .executable(name: "dse-fuzz", targets: ["DSEFuzz"]),
    .library(name: "DSE", targets: ["DSE"]),
    // The C ABI (include/dse.h). SwiftPM names a library file after its product, and the name
    // `dse` is the executable's, so the build writes libDSEC.so and scripts/build links
    // libdse.so to it (README.md, "Calling dse from C and Python").
    .library(name: "DSEC", type: .dynamic, targets: ["CDSE"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
  ],
  targets: [
    // Layers, shapes, networks; YAML / Darknet cfg / SCALE-Sim CSV formats; transforms.
    .target(name: "Networks", dependencies: [.product(name: "Yams", package: "Yams")]),
    // GEMM tiles, loop orders, Scan, the walk, closed-form traffic, floors, search.
    .target(name: "Tiling", dependencies: ["Networks", .product(name: "Yams", package: "Yams")]),
    // GLPK's C API through a module map (Debian's libglpk-dev ships no pkg-config file).
    .systemLibrary(name: "CGLPK", providers: [.apt(["libglpk-dev"])]),
    // Candidate schedules, the MILP on GLPK, and the exact dynamic program that cross-checks it.
    .target(name: "Solver", dependencies: ["Tiling", "CGLPK"]),
    // Layer-wise fixed-point quantization, integer kernels, and the executor that runs schedules.
    .target(name: "FixedPoint", dependencies: ["Networks", "Tiling"]),
    // DRAM: tensor addresses, the walk's transfers as burst transactions, trace files, and a
    // device model with row buffers, command timing and datasheet energy.
    .target(name: "DRAM", dependencies: ["Networks", "Tiling", .product(name: "Yams", package: "Yams")]),
    // ONNX models read into networks: protobuf decoding (code generated once from onnx.proto by
    // scripts/generate-onnx-proto, committed), constant folding, operators mapped to layers.
    .target(name: "ONNX", dependencies: ["Networks", .product(name: "SwiftProtobuf", package: "swift-protobuf")]),
    // Renders finished values: Graphviz DOT, tables, CSV, JSON.
    .target(name: "Reports", dependencies: ["Networks", "Tiling", "DRAM"]),
    // The public library facade a simulator calls.
    .target(name: "DSE", dependencies: ["Networks", "Tiling", "Solver", "FixedPoint", "DRAM", "ONNX", "Reports"]),
    // include/dse.h as a Clang module, so the C ABI is written against the header's own types.
    .systemLibrary(name: "CDSEHeader"),
    // The C ABI over DSE: @_cdecl entry points behind opaque handles.
    .target(name: "CDSE", dependencies: ["DSE", "CDSEHeader"]),
    // The command-line tool `dse`.
    .executableTarget(
      name: "DSETool",
      dependencies: ["DSE", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
    // The fuzz suite `dse-fuzz`: hostile networks and command lines run against the built dse.
    .executableTarget(name: "DSEFuzz", dependencies: ["Networks"]),
    // Seeded randomness, random fused segments and child processes shared by the test targets.
    .target(name: "TestSupport", dependencies: ["Networks", "Tiling", "FixedPoint"], path: "Tests/TestSupport"),
    .testTarget(name: "NetworksTests", dependencies: ["Networks"]),
    .testTarget(name: "TilingTests", dependencies: ["Tiling", "TestSupport"]),
    .testTarget(name: "SolverTests", dependencies: ["Solver", "TestSupport"]),
    .testTarget(name: "FixedPointTests", dependencies: ["FixedPoint", "TestSupport"]),
    .testTarget(name: "DSEToolTests", dependencies: ["DSETool", "TestSupport"]),
    .testTarget(name: "ReportsTests", dependencies: ["Reports"]),
    .testTarget(name: "DRAMTests", dependencies: ["DRAM", "TestSupport"]),
    .testTarget(name: "ONNXTests", dependencies: ["ONNX", "FixedPoint"], exclude: ["Fixtures"]),
    // The Swift API, and the C ABI and Python module run the way their users run them.
    .testTarget(name: "LibraryTests", dependencies: ["DSE", "TestSupport"], exclude: ["C"]),
  ],
  swiftLanguageModes: [.v6]
)
