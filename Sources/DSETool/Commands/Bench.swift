import ArgumentParser
import DSE
import Foundation

extension DSECommand {
  struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Time the full sweep (every bundled network at 16K..256K with every strategy), or verification.",
      discussion: """
        Plans what `dse sweep NETS... --strategy all` plans, writes nothing, and prints the wall time and where \
        it went: the time of each network's plans by strategy (summed over buffer sizes; with --jobs above 1 \
        the sums exceed the wall time). Build with `swift build -c release` (scripts/dse does) before timing.

        With --verify, times `dse verify` at full resolution instead (default networks: MobileNetV2 and \
        ResNet-50; default buffer 64K): per network the quantization and untiled reference, then per strategy \
        and buffer size the planning and the tile-by-tile execution of the plan, each plan on its own (no \
        unit shared between plans), one after the other. Exits 1 if a plan does not verify.

        Examples:
          dse bench
          dse bench --jobs 2 --buffers 64K
          dse bench nets/mobilenetv2.yaml nets/resnet50-cp.yaml
          dse bench --verify
          dse bench --verify nets/resnet50-cp.yaml --buffers 16K,64K
        """)

    @Argument(help: "Network files (default: every .yaml and .cfg in nets/; with --verify, MobileNetV2 and ResNet-50).")
    var networks: [String] = []

    @Option(help: "Buffer sizes in entries (default: 16K..256K; with --verify, 64K).")
    var buffers: String?

    @Flag(help: "Time the verification of every strategy's plan at full resolution instead of the sweep.")
    var verify = false

    @Option(help: "Buffer sizes planned at once (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
      guard jobs >= 1 else { throw ValidationError("--jobs \(jobs): expected at least 1") }
    }

    func run() throws {
      let text = buffers ?? (verify ? "64K" : "16K..256K")
      let sizes: [Int]
      do {
        sizes = try BufferSizes.parse(text, bits: 8)
      } catch {
        throw ValidationError("--buffers \(text): \(error)")
      }
      if verify { return try benchVerification(sizes: sizes) }
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

    /// `--verify`: quantization and reference per network, then planning and execution per plan.
    private func benchVerification(sizes: [Int]) throws {
      let files = networks.isEmpty ? ["nets/mobilenetv2.yaml", "nets/resnet50.yaml"] : networks
      var rows: [[String]] = []
      var failed: [String] = []
      let started = Date()
      for file in files {
        let setup = try VerificationSetup(try loadNetwork(file).analyze(), darknetWeights: nil, seed: 1, calibration: 2)
        let name = setup.analysis.network.name
        rows.append([name, "quantization and reference", "", "", formatFixed(setup.seconds, decimals: 2), ""])
        for size in sizes {
          for strategy in SweepStrategy.allCases {
            let planning = Date()
            let plan = try setup.plan(strategy, buffer: size, psumWidth: 1)
            let executing = Date()
            let verification = try setup.verify([plan], psumWidth: 1)[0]
            let done = Date()
            if !verification.passed { failed.append("\(name) \(strategy.rawValue) at \(BufferSizes.label(size))") }
            rows.append([
              name, strategy.rawValue, BufferSizes.label(size), formatFixed(executing.timeIntervalSince(planning), decimals: 2),
              formatFixed(done.timeIntervalSince(executing), decimals: 2),
              verification.passed ? "bit-exact, \(verification.counted.total) transfers as predicted" : "FAILED",
            ])
            progress("\(name) \(strategy.rawValue) \(BufferSizes.label(size)): \(rows[rows.count - 1][4]) s")
          }
        }
      }
      print(
        TextTable(header: ["network", "strategy", "buffer", "planning s", "execution s", "result"], rows: rows).rendered(),
        terminator: "")
      print("wall time: \(formatFixed(Date().timeIntervalSince(started), decimals: 1)) s, one core")
      guard failed.isEmpty else {
        progress("did not verify: \(failed.joined(separator: ", "))")
        throw ExitCode(1)
      }
    }
  }
}

/// The bundled networks: every .yaml and .cfg file in nets/, by name.
func bundledNetworkFiles() throws -> [String] {
  let names = try FileManager.default.contentsOfDirectory(atPath: "nets")
  return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".cfg") }.sorted().map { "nets/" + $0 }
}
