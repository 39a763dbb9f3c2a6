import DSE
import Foundation
import Testing

/// The C ABI as a C caller sees it: the header compiled alone and pedantic, the example
/// simulator built against libdse.so and checked against the Swift API, misuse answered with
/// error codes, eight threads, and the example under valgrind.
@Suite(.serialized) struct CABITests {
  static let include = packageRoot.appendingPathComponent("include").path
  static let sources = packageRoot.appendingPathComponent("Tests/LibraryTests/C")
  static let flags = ["-std=c99", "-Wall", "-Werror", "-pedantic"]

  /// Compiles `files` into an executable linked with -ldse from `library`.
  static func build(_ files: [String], named name: String, library: URL, extra: [String] = []) throws -> URL {
    let output = library.appendingPathComponent(name)
    let result = try run(
      "cc", flags + ["-I", include] + files + ["-o", output.path, "-L", library.path, "-ldse", "-Wl,-rpath," + library.path] + extra)
    guard result.status == 0 else { throw TestFailure("cc \(name): \(result.errors)") }
    return output
  }

  @Test func theHeaderCompilesAloneUnderPedanticC99() throws {
    let object = try scratchFolder().appendingPathComponent("header_only.o")
    let result = try run("cc", Self.flags + ["-I", Self.include, "-c", Self.sources.appendingPathComponent("header_only.c").path, "-o", object.path])
    #expect(result.status == 0, "\(result.errors)")
  }

  @Test func theExampleSimulatorsTotalsEqualTheSwiftAPIs() throws {
    let library = try libraryFolder()
    let simulator = try Self.build(
      [packageRoot.appendingPathComponent("examples/c-simulator/simulator.c").path], named: "simulator", library: library)
    let file = try writeSmallNetwork(in: library)
    let result = try run(simulator.path, [file, "4096", "fused-greedy"])
    #expect(result.status == 0, "\(result.errors)")
    let network = try NetworkAnalysis(file: file)
    for (name, analysis) in [("one-layer", try NetworkAnalysis(text: oneLayerYAML, format: .yaml)), ("small", network)] {
      let plan = try analysis.plan(.fusedGreedy, context: PlanContext(buffer: 4096))
      let cost = plan.cost
      let line = "plan:  dram_traffic \(cost.entries), dram_bits \(cost.bits), dram_bytes \(cost.bytes), dram_energy_pj \(formatFixed(cost.dramEnergyPicojoules, decimals: 1))"
      #expect(result.output.contains(line), "\(name): \(line)\n\(result.output)")
      let dram = try plan.dramReport(DRAMEvaluation(model: try DRAMModel(device: try DRAMDevice.load("ddr4-2400-x8"))))
      let bursts = "dram:  \(dram.plan.requests) bursts of 64 B, \(cost.bits) useful bits; ddr4-2400-x8: hit rate \(formatFixed(dram.plan.hitRate, decimals: 3)), \(dram.plan.activations) ACT"
      #expect(result.output.contains(bursts), "\(name): \(bursts)\n\(result.output)")
      #expect(result.output.contains("\(name) at 4096 entries, fused-greedy (greedy): \(plan.units.count) units"))
    }
  }

  @Test func badCallsReturnErrorCodesWithMessages() throws {
    let library = try libraryFolder()
    let misuse = try Self.build([Self.sources.appendingPathComponent("misuse.c").path], named: "misuse", library: library)
    let result = try run(misuse.path, [])
    #expect(result.status == 0, "\(result.output)\(result.errors)")
    #expect(result.output.hasSuffix("0 failures\n"), "\(result.output)")
    #expect(result.output.contains("ok buffer of 0: 1 field 'buffer'") || result.output.contains("ok buffer of 0: 1 buffer"), "\(result.output)")
    for line in [
      "ok max segment length 0: 1 max_segment_length: 0: expected 1 to 16",
      "ok max stages 0: 1 max_stages: 0: expected 1 to 16", "ok max stages 17: 1 max_stages: 17: expected 1 to 16",
      "ok max stages INT32_MIN: 1 max_stages: -2147483648: expected 1 to 16",
    ] {
      #expect(result.output.contains(line + "\n"), "\(line)\n\(result.output)")
    }
  }

  /// `max_stages` reaches the planner: through the C ABI, MobileNetV2 at 32x32 plans as the Swift
  /// API plans it at each value, no unit has more stages than allowed, and one stage (no segment
  /// reaches past a layer that mixes channels) moves more than five (two blocks in one segment).
  @Test func maxStagesReachesThePlanner() throws {
    let library = try libraryFolder()
    let program = try Self.build([Self.sources.appendingPathComponent("stages.c").path], named: "stages", library: library)
    let file = try readmeFolder().appendingPathComponent("nets/mobilenetv2.yaml").path
    let result = try run(program.path, [file, "32768", "fused-greedy", "1", "5"])
    try #require(result.status == 0, "\(result.errors)")
    let network = try NetworkAnalysis(file: file)
    var traffic: [Int: Int] = [:]
    for maxStages in [1, 5] {
      let plan = try network.plan(.fusedGreedy, context: PlanContext(buffer: 32768, maxStages: maxStages))
      let most = plan.units.map { unit in
        if case .segment(let schedule) = unit { schedule.segment.stageChannels.count } else { 1 }
      }.max() ?? 0
      #expect(most <= maxStages)
      let line = "max_stages \(maxStages): dram_traffic \(plan.cost.entries), units \(plan.units.count), most stages \(most)\n"
      #expect(result.output.contains(line), "\(line)\(result.output)")
      traffic[maxStages] = plan.cost.entries
    }
    #expect(try #require(traffic[1]) > #require(traffic[5]), "\(result.output)")
  }

  @Test func eightThreadsPlanAsOneDoes() throws {
    let library = try libraryFolder()
    let threads = try Self.build(
      [Self.sources.appendingPathComponent("threads.c").path], named: "threads", library: library, extra: ["-pthread"])
    let result = try run(threads.path, [try writeSmallNetwork(in: library)])
    #expect(result.status == 0, "\(result.output)\(result.errors)")
  }

  /// The example simulator and the misuse program, linked against the test build's library,
  /// leak nothing and read nothing invalid. Leaks count when definite or indirect; "possibly
  /// lost" blocks are the Swift runtime's and ICU's caches made once per process (type metadata,
  /// Yams' regular expressions), still pointed to from inside their blocks. One report of the
  /// Swift runtime itself (generic metadata laid out from uninitialised padding) is suppressed by
  /// C/swift-runtime.supp. scripts/test builds in release, so the library checked there is the
  /// optimized one users link, whose code differs from the debug build's (an enum copy that read
  /// uninitialised bytes showed only there).
  @Test func theExampleRunsCleanUnderValgrind() throws {
    guard (try? run("valgrind", ["--version"]))?.status == 0 else {
      Issue.record("valgrind is not installed (scripts/setup --test installs it)")
      return
    }
    let library = try libraryFolder(strippingDebugInformation: true)
    let simulator = try Self.build(
      [packageRoot.appendingPathComponent("examples/c-simulator/simulator.c").path], named: "simulator", library: library)
    let misuse = try Self.build([Self.sources.appendingPathComponent("misuse.c").path], named: "misuse", library: library)
    let file = try writeSmallNetwork(in: library)
    let memcheck = [
      "--tool=memcheck", "--leak-check=full", "--errors-for-leak-kinds=definite,indirect", "--error-exitcode=99",
      "--quiet", "--suppressions=" + Self.sources.appendingPathComponent("swift-runtime.supp").path,
    ]
    for (program, arguments) in [(simulator.path, [file, "4096", "optimal"]), (misuse.path, [])] {
      let result = try run("valgrind", memcheck + [program] + arguments)
      #expect(result.status == 0, "\(program): \(result.errors)")
    }
  }
}

let oneLayerYAML = """
  name: one-layer
  input: [16, 14, 14]
  layers:
    - {name: conv, op: conv, out: 16, kernel: 3, padding: 1}
  """

func writeSmallNetwork(in folder: URL) throws -> String {
  let url = folder.appendingPathComponent("small.yaml")
  try Data(smallNetworkYAML.utf8).write(to: url)
  return url.path
}
