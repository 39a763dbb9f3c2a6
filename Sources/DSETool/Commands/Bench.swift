import ArgumentParser
import DSE
import Foundation

extension DSECommand {
  struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Time the full sweep: every bundled network at 16K..256K entries with every strategy.",
      discussion: """
        Plans what `dse sweep NETS... --strategy all` plans, writes nothing, and prints the wall time and where \
        it went: the time of each network's plans by strategy (summed over buffer sizes; with --jobs above 1 \
        the sums exceed the wall time). Build with `swift build -c release` (scripts/dse does) before timing.

        Examples:
          dse bench
          dse bench --jobs 2 --buffers 64K
          dse bench nets/mobilenetv2.yaml nets/resnet50-cp.yaml
        """)

    @Argument(help: "Network files (default: every .yaml and .cfg in nets/).")
    var networks: [String] = []

    @Option(help: "Buffer sizes in entries.")
    var buffers: String = "16K..256K"

    @Option(help: "Buffer sizes planned at once (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
      guard jobs >= 1 else { throw ValidationError("--jobs \(jobs): expected at least 1") }
    }

    func run() throws {
      let sizes: [Int]
      do {
        sizes = try BufferSizes.parse(buffers, bits: 8)
      } catch {
        throw ValidationError("--buffers \(buffers): \(error)")
      }
      let files = try networks.isEmpty ? bundledNetworkFiles() : networks
      let analyses = try files.map { try loadNetwork($0).analyze() }
      let settings = SweepSettings(
        strategies: SweepStrategy.allCases, objective: .energy, constraints: .none, maxSegmentLength: 8, psumWidth: 1,
        architecture: .default, solverOptions: SolverOptions(timeLimit: 60))
      let started = Date()
      let sweeps = try SweepRunner(settings: settings, jobs: jobs).run(analyses, sizes: sizes)
      let wall = Date().timeIntervalSince(started)
      var rows: [[String]] = []
      for (analysis, sweep) in zip(analyses, sweeps) {
        var row = [analysis.network.name]
        for strategy in SweepStrategy.allCases {
          let milliseconds = sweep.records.filter { $0.plan.strategy == strategy.rawValue }.reduce(0) { $0 + $1.milliseconds }
          row.append(formatFixed(Double(milliseconds) / 1000, decimals: 2))
        }
        rows.append(row)
      }
      let totals = SweepStrategy.allCases.map { strategy in
        sweeps.flatMap(\.records).filter { $0.plan.strategy == strategy.rawValue }.reduce(0) { $0 + $1.milliseconds }
      }
      rows.append(["total"] + totals.map { formatFixed(Double($0) / 1000, decimals: 2) })
      print(TextTable(header: ["network"] + SweepStrategy.allCases.map { "\($0.rawValue) s" }, rows: rows).rendered(), terminator: "")
      print(
        "wall time: \(formatFixed(wall, decimals: 1)) s for \(analyses.count) networks x \(sizes.count) buffer sizes x \(SweepStrategy.allCases.count) strategies, \(jobs) jobs"
      )
    }
  }
}

/// The bundled networks: every .yaml and .cfg file in nets/, by name.
func bundledNetworkFiles() throws -> [String] {
  let names = try FileManager.default.contentsOfDirectory(atPath: "nets")
  return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".cfg") }.sorted().map { "nets/" + $0 }
}
