import ArgumentParser
import DSE
import Foundation

extension DSECommand {
  struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Schedule networks at every buffer size and write CSV tables of DRAM traffic and energy.",
      discussion: """
        For each network, buffer size and strategy: DRAM reads, writes, traffic (entries), bytes, DRAM energy \
        (pJ), the sum of the floors of the strategy's own layers and segments, and the ratio to it. \
        Strategies: layerwise-rowmajor (each layer alone with its best tiling, no Scan: the conventional \
        baseline), layerwise-scan (Scan allowed) and fused-greedy (each run of layers grows into the longest \
        legal fused chain, up to 8 layers and 3 channel stages, that fits and moves no more than its layers alone; \
        docs/fusion-model.md). \
        --strategy layerwise runs both layerwise strategies, fused runs layerwise-rowmajor and fused-greedy, all \
        runs every strategy; the layerwise-rowmajor baseline is always included beside fused-greedy. Writes \
        OUT/<network>.csv and OUT/<network>-layers.csv (one row per layer or fused segment, with its \
        schedule, its layers and the MACs it spends recomputing halos and chunks).

        Buffer sizes: 16K..256K = powers of two; 16K..256K/16K = steps of 16K; 64K,96K = a list; a plain \
        number is entries; K = 1024 entries, M = 1024K; KiB and MiB mean bytes, converted at --bits.

        Examples:
          dse sweep nets/mobilenetv2.yaml --buffers 16K..256K --strategy layerwise
          dse sweep nets/mobilenetv2.yaml nets/resnet50-cp.yaml --buffers 16K..256K --strategy fused
          dse sweep nets/mobilenetv2.yaml nets/resnet50.yaml --buffers 64K,96K --out out
          dse sweep nets/vgg16.yaml --buffers 32KiB..512KiB --strategy layerwise-scan
        """)

    @Argument(help: "Network files (.yaml, .cfg or .csv).")
    var networks: [String]

    @Option(help: "Buffer sizes in entries (see above).")
    var buffers: String = "16K..256K"

    @Option(help: "layerwise, fused, all, or one of \(SweepStrategy.allCases.map(\.rawValue).joined(separator: ", ")).")
    var strategy: String = "layerwise"

    @Option(help: "Bit width used to convert KiB/MiB buffer sizes to entries.")
    var bits: Int = 8

    @Option(help: "Folder for the CSV files.")
    var out: String = "results"

    @OptionGroup var architecture: ArchitectureOptions

    func validate() throws {
      guard !networks.isEmpty else { throw ValidationError("give at least one network file, e.g. nets/mobilenetv2.yaml") }
      _ = try strategies()
    }

    func strategies() throws -> [SweepStrategy] {
      switch strategy {
      case "layerwise": return [.layerwiseRowMajor, .layerwiseScan]
      case "fused", SweepStrategy.fusedGreedy.rawValue: return [.layerwiseRowMajor, .fusedGreedy]
      case "all": return SweepStrategy.allCases
      default:
        guard let one = SweepStrategy(rawValue: strategy) else {
          throw ValidationError(
            "--strategy \(strategy): accepted: layerwise, fused, all, \(SweepStrategy.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return [one]
      }
    }

    func run() throws {
      let sizes: [Int]
      do {
        sizes = try BufferSizes.parse(buffers, bits: bits)
      } catch {
        throw ValidationError("--buffers \(buffers): \(error)")
      }
      let model = try architecture.architecture().energy
      let strategies = try strategies()
      let analyses = try networks.map { try loadNetwork($0).analyze() }
      try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
      for analysis in analyses {
        var plans: [NetworkPlan] = []
        let total = sizes.count * strategies.count
        for size in sizes {
          for strategy in strategies {
            let started = Date()
            var reported = started
            plans.append(
              try strategy.plan(analysis, buffer: size, psumWidth: architecture.psumWidth) { done, count in
                // Long fused plans report their layers every few seconds.
                guard Date().timeIntervalSince(reported) >= 5 else { return }
                reported = Date()
                progress("\(analysis.network.name): buffer \(size) \(strategy.rawValue): \(done)/\(count) layers")
              })
            let milliseconds = Int(Date().timeIntervalSince(started) * 1000)
            progress("\(analysis.network.name): \(plans.count)/\(total) buffer \(size) \(strategy.rawValue) (\(milliseconds) ms)")
          }
        }
        let tables = SweepTables(plans: plans, energy: model)
        let base = URL(fileURLWithPath: out).appendingPathComponent(analysis.network.name).path
        try writeTextAtomically(tables.summaryCSV(), to: base + ".csv")
        try writeTextAtomically(tables.layerCSV(), to: base + "-layers.csv")
        progress("\(analysis.network.name): wrote \(base).csv and \(base)-layers.csv")
      }
    }
  }
}

/// A progress line on standard error, so standard output stays clean for data.
func progress(_ line: String) {
  FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// The strategies a sweep can run.
enum SweepStrategy: String, CaseIterable {
  case layerwiseRowMajor = "layerwise-rowmajor"
  case layerwiseScan = "layerwise-scan"
  case fusedGreedy = "fused-greedy"

  func plan(
    _ analysis: NetworkAnalysis, buffer: Int, psumWidth: Int, progress: (_ layersDone: Int, _ layerCount: Int) -> Void
  ) throws -> NetworkPlan {
    switch self {
    case .layerwiseRowMajor: return try LayerPlanner.plan(analysis, buffer: buffer, strategy: .rowMajor, psumWidth: psumWidth)
    case .layerwiseScan: return try LayerPlanner.plan(analysis, buffer: buffer, strategy: .scan, psumWidth: psumWidth)
    case .fusedGreedy:
      return try FusedGreedyPlanner.plan(analysis, buffer: buffer, psumWidth: psumWidth, progress: progress)
    }
  }
}
