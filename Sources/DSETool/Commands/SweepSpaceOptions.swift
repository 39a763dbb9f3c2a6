import ArgumentParser
import DSE
import Foundation

/// What a sweep covers, shared by `dse sweep` and `dse plan-sweep`: the networks, buffer sizes,
/// strategies, design points (architecture files and `--grid`) and the planning options.
struct SweepSpaceOptions: ParsableArguments {
  @Argument(help: "Network files (.yaml, .cfg, .csv or .onnx); none: the bundled MobileNetV2.")
  var networks: [String] = []

  @Option(help: "Buffer sizes in entries (see above).")
  var buffers: String = "16K..256K"

  @Option(help: "optimal, fused, layerwise, all, or one of \(Strategy.allCases.map(\.rawValue).joined(separator: ", ")).")
  var strategy: String = "optimal"

  @Option(help: "What optimal minimizes: energy (DRAM pJ) or traffic (entries).")
  var objective: String = "energy"

  @Option(help: "Latency budget of the whole network: a time (4ms, 800us, 0.01s) or cycles (2000000cycles).")
  var maxLatency: String?

  @Option(help: "Most segments (units) in an optimal plan; a layer alone counts as one.")
  var maxSegments: Int?

  @OptionGroup var segmentLimits: SegmentLimitOptions

  @Option(help: "GLPK's time limit per MILP, in seconds; past it the dynamic program or the best plan found is used, with a warning.")
  var timeLimit: Double = 60

  @Option(help: "Bit width used to convert KiB/MiB buffer sizes to entries.")
  var bits: Int = 8

  @Option(
    name: .customLong("grid"), parsing: .upToNextOption,
    help: ArgumentHelp(
      "Design-space axes KEY=V1,V2,...: any architecture-file field (\(DesignGrid.keys.joined(separator: ", "))); every combination is a design point.",
      valueName: "key=values"))
  var grid: [String] = []

  @Flag(help: "Leave the solve_ms column empty, so that two runs of the same sweep write the same bytes.")
  var noTiming = false

  @OptionGroup var modelFile: ModelFileOptions

  @OptionGroup var architecture: ArchitectureOptions

  func validate() throws {
    try validateBitWidth(bits, option: "--bits")
    _ = try strategies()
    guard Objective(rawValue: objective) != nil else {
      throw ValidationError("--objective \(objective): accepted: energy, traffic")
    }
    if let maxSegments, maxSegments < 1 { throw ValidationError("--max-segments \(maxSegments): expected at least 1") }
    guard timeLimit.isFinite && timeLimit > 0 else { throw ValidationError("--time-limit \(timeLimit): expected seconds > 0") }
    if let maxLatency { _ = try LatencyBudget.parse(maxLatency, clockMHz: Architecture.default.clockMHz) }
    _ = try designGrid()
  }

  /// `--strategy`: optimal and fused-greedy come with the baseline they are compared against.
  func strategies() throws -> [Strategy] {
    do {
      var found = try Strategy.parseList(strategy)
      if found.contains(where: { !$0.isLayerwise }) && !found.contains(.baseline) { found.insert(.baseline, at: 0) }
      return found
    } catch {
      throw ValidationError("--strategy \(strategy): \(error)")
    }
  }

  func designGrid() throws -> DesignGrid { try DesignGrid(parsing: grid) }

  func bufferSizes() throws -> [Int] {
    do {
      return try BufferSizes.parse(buffers, bits: bits)
    } catch {
      throw ValidationError("--buffers \(buffers): \(error)")
    }
  }

  /// The options a plan carries.
  func planOptions() -> SweepPlan.Options {
    SweepPlan.Options(
      objective: Objective(rawValue: objective) ?? .energy, psumWidth: architecture.psumWidth,
      dramPicojoulesPerByte: architecture.dramPjPerByte, maxLatency: maxLatency, maxSegments: maxSegments,
      maxSegmentLength: segmentLimits.maxSegmentLength, maxStages: segmentLimits.maxStages, timeLimit: timeLimit,
      timing: !noTiming, skipUnsupported: modelFile.skipUnsupported)
  }

  /// The sweep as a plan. `absolutePaths` records every file by its absolute path (a plan file
  /// is read by shards in other folders); without a network, the bundled MobileNetV2.
  func plan(absolutePaths: Bool) throws -> SweepPlan {
    func resolved(_ path: String) -> String {
      guard absolutePaths, !path.hasPrefix("/") else { return path }
      return (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
    }
    // Each architecture file is read now, so that a bad one is reported before any planning.
    var architectures: [SweepPlan.InputFile] = []
    for file in architecture.architectureFiles {
      _ = try Architecture.read(yaml: try readText(file), file: file)
      architectures.append(try SweepPlan.InputFile(reading: resolved(file)))
    }
    var entries: [SweepPlan.NetworkEntry] = []
    if networks.isEmpty {
      progress("no network given: sweeping the bundled MobileNetV2 (\(Network.bundledDefaultFile))")
      entries = [SweepPlan.bundledDefaultNetwork]
    }
    for path in networks {
      let read = try NetworkFile(path: path, skipUnsupported: modelFile.skipUnsupported)
      for warning in read.warnings { progress("\(path): warning: \(warning)") }
      entries.append(try SweepPlan.NetworkEntry(path: resolved(path), network: read.network))
    }
    return try SweepPlan(
      networks: entries, architectures: architectures, grid: try designGrid(), buffers: try bufferSizes(),
      strategies: try strategies(), options: planOptions())
  }
}
