import ArgumentParser
import DSE
import Foundation

extension DSECommand {
  struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Time the full sweep (every bundled network at 16K..256K with every strategy), or verification.",
      discussion: """
        Plans what `dse sweep NETS... --strategy all` plans, writes nothing, and prints the wall time and where \
        it went: the time of each network's plans by strategy, then each strategy's time by phase (single-layer \
        searches, segments' spatial tilings, the rest of the segment searches, the optimizer's solver, other), \
        all summed over buffer sizes (with --jobs above 1 the sums exceed the wall time). Build with `swift build -c release` (scripts/dse does) before timing.

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
          dse bench nets/mobilenetv2.yaml --buffers 64K..256K --max-stages 3
        """)

    @Argument(help: "Network files (default: every .yaml and .cfg in nets/; with --verify, MobileNetV2 and ResNet-50).")
    var networks: [String] = []

    @Option(help: "Buffer sizes in entries (default: 16K..256K; with --verify, 64K).")
    var buffers: String?

    @Flag(help: "Time the verification of every strategy's plan at full resolution instead of the sweep.")
    var verify = false

    @Option(help: "Buffer sizes planned at once (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @OptionGroup var segmentLimits: SegmentLimitOptions

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
      let analyses = try files.map { try NetworkAnalysis(file: $0) }
      let sweep = DSE.Sweep(strategies: Strategy.allCases, buffers: sizes, context: context(buffer: sizes[0]), jobs: jobs)
      let started = Date()
      let results = try sweep.run(analyses, progress: progress)
      let wall = Date().timeIntervalSince(started)
      func seconds(_ plans: [Plan], _ strategy: Strategy) -> String {
        let milliseconds = plans.filter { $0.strategy == strategy }.reduce(0) { $0 + $1.record.milliseconds }
        return formatFixed(Double(milliseconds) / 1000, decimals: 2)
      }
      var rows = results.map { result in [result.network.network.name] + Strategy.allCases.map { seconds(result.plans, $0) } }
      rows.append(["total"] + Strategy.allCases.map { seconds(results.flatMap(\.plans), $0) })
      print(TextTable(header: ["network"] + Strategy.allCases.map { "\($0.rawValue) s" }, rows: rows).rendered(), terminator: "")
      print(phaseTable(results), terminator: "")
      print(
        "wall time: \(formatFixed(wall, decimals: 1)) s for \(analyses.count) networks x \(sizes.count) buffer sizes x \(Strategy.allCases.count) strategies, \(jobs) jobs"
      )
    }

    /// Where each strategy's time went, summed over networks and buffer sizes: the searches its
    /// plans ran (a problem an earlier strategy of the same network and size searched is
    /// remembered and costs nothing), the optimizer's solver, and the rest.
    private func phaseTable(_ results: [DSE.Sweep.NetworkResult]) -> String {
      func format(_ seconds: Double) -> String { formatFixed(seconds, decimals: 2) }
      var sums: [Strategy: PlanPhases] = [:]
      for result in results {
        for (plan, phases) in zip(result.plans, result.phases) {
          sums[plan.strategy] = (sums[plan.strategy] ?? PlanPhases()) + phases
        }
      }
      let total = sums.values.reduce(PlanPhases(), +)
      let rows = Strategy.allCases.map { ($0.rawValue, sums[$0] ?? PlanPhases()) } + [("total", total)]
      return TextTable(
        header: ["strategy", "plans s", "layer searches s", "segment spatial tilings s", "segment searches s", "solver s", "other s"],
        rows: rows.map { name, phases in
          [
            name, format(phases.total), format(phases.searches.layerSearches), format(phases.searches.segmentSpatialTilings),
            format(phases.searches.segmentSearches), format(phases.solver), format(phases.other),
          ]
        }
      ).rendered()
    }

    /// The context of every plan: `dse sweep`'s defaults but for the segment limits.
    private func context(buffer: Int) -> PlanContext {
      PlanContext(buffer: buffer, maxSegmentLength: segmentLimits.maxSegmentLength, maxStages: segmentLimits.maxStages)
    }

    /// `--verify`: quantization and reference per network, then planning and execution per plan.
    private func benchVerification(sizes: [Int]) throws {
      let files = networks.isEmpty ? ["nets/mobilenetv2.yaml", "nets/resnet50.yaml"] : networks
      var rows: [[String]] = []
      var failed: [String] = []
      let started = Date()
      for file in files {
        let setup = try Verifier(try NetworkAnalysis(file: file))
        let name = setup.network.network.name
        rows.append([name, "quantization and reference", "", "", formatFixed(setup.seconds, decimals: 2), ""])
        for size in sizes {
          for strategy in Strategy.allCases {
            let planning = Date()
            let plan = try Planner.plan(setup.network, strategy: strategy, context: context(buffer: size)).plan
            let executing = Date()
            let verification = try setup.verify([plan])[0]
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
