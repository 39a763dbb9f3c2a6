import ArgumentParser
import DSE
import Foundation

extension DSECommand {
  struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Run a network's schedule tile by tile and check it bit for bit and transfer for transfer.",
      discussion: """
        Quantizes the network (seeded weights, --weights for a Darknet .cfg, an ONNX model's own weights; seeded calibration inputs), \
        runs the untiled fixed-point reference on a held-out seeded input, plans the network at each --buffer \
        size with each --strategy, and executes every unit of each plan tile by tile, on the reference's \
        tensors (so a failing unit is reported alone; a unit two plans share runs once): DRAM holds the tensors, the on-chip \
        buffer holds at most B entries (an overfull buffer or a read of an element never loaded is a failure \
        naming the unit, step, tile and operand), every DRAM transfer is counted. Prints per layer or segment \
        whether the output is bit-exact and the transfers counted against those the cost model predicts; \
        exits 1 on any mismatch.

        Single layers run their loop nest (convolutions, depthwise, pointwise, FC) or stream (pooling, add, \
        concat, upsample); fused segments run their spatial tiles and channel chunks with every intermediate \
        tensor on chip only, line buffers and skip operands included, in a buffer split that must fit B.

        Examples:
          dse verify nets/mobilenetv2.yaml --buffer 64K --input-size 32
          dse verify nets/mobilenetv2.yaml --buffer 20K --strategy optimal --input-size 64
          dse verify nets/mobilenetv2.yaml --buffer 64K --strategy optimal --max-stages 3 --input-size 32
          dse verify nets/resnet50-cp.yaml --buffer 20K,32K,64K --strategy all --input-size 32
          dse verify nets/resnet50.yaml --buffer 20K --strategy layerwise-rowmajor --input-size 64
          dse verify nets/yolov3-tiny.cfg --buffer 32K --weights yolov3-tiny.weights
        """)

    @Argument(help: "Network file (.yaml, .cfg, .csv or .onnx).")
    var network: String

    @Option(help: "Buffer size in entries (64K, 65536, 32KiB), or a list or range of them (20K,32K,64K; 16K..256K).")
    var buffer: String = "64K"

    @Option(help: "layerwise-scan, layerwise-rowmajor, fused-greedy, optimal, a comma-separated list of them, or all.")
    var strategy: String = "layerwise-scan"

    @Option(help: "Input height and width (default: the network's).")
    var inputSize: Int?

    @OptionGroup var modelFile: ModelFileOptions

    @Option(help: "Seed of the weights and inputs.")
    var seed: UInt64 = 1

    @Option(help: "Number of seeded calibration inputs.")
    var calibration: Int = 2

    @Option(help: "Darknet .weights file for a .cfg network (default: seeded weights; an .onnx model's own).")
    var weights: String?

    @Option(help: "Width of a partial sum in buffer entries.")
    var psumWidth: Int = 1

    @OptionGroup var segmentLimits: SegmentLimitOptions

    func validate() throws {
      _ = try Self.strategies(strategy)
      try validateSeededInputs(inputSize: inputSize, calibration: calibration)
      guard (1...8).contains(psumWidth) else { throw ValidationError("--psum-width \(psumWidth): expected 1 to 8") }
      if weights != nil && !network.hasSuffix(".cfg") {
        throw ValidationError("--weights reads Darknet .weights files, which go with a .cfg network")
      }
    }

    /// `--strategy`: exactly the strategies named (no baseline added).
    static func strategies(_ text: String) throws -> [Strategy] {
      do {
        return try Strategy.parseList(text)
      } catch {
        throw ValidationError("--strategy \(text): \(error)")
      }
    }

    func run() throws {
      let sizes: [Int]
      do {
        sizes = try BufferSizes.parse(buffer)
      } catch {
        throw ValidationError("--buffer \(buffer): \(error)")
      }
      let strategies = try Self.strategies(strategy)
      let analysis = try loadAnalysis(network, modelFile, inputSize: inputSize, computesValues: true)
      let setup = try Verifier(
        analysis,
        weights: weights.map { .darknet(weights: $0, cfg: network) }
          ?? (network.lowercased().hasSuffix(".onnx") ? .onnx(model: network) : .seeded), seed: seed,
        calibration: calibration)
      let source = weights.map { "Darknet \($0)" } ?? (network.lowercased().hasSuffix(".onnx") ? "the model's own" : "seeded (\(seed))")
      progress("weights: \(source); quantization and reference: \(formatFixed(setup.seconds, decimals: 2)) s")
      var plans: [Plan] = []
      for size in sizes {
        let context = PlanContext(
          buffer: size, psumWidth: psumWidth, maxSegmentLength: segmentLimits.maxSegmentLength,
          maxStages: segmentLimits.maxStages)
        for strategy in strategies { plans.append(try Planner.plan(analysis, strategy: strategy, context: context).plan) }
      }
      let executed = Date()
      let verifications = try setup.verify(plans)
      progress("scheduled execution of \(plans.count) plans: \(formatFixed(Date().timeIntervalSince(executed), decimals: 2)) s")
      print(zip(verifications, plans).map { Self.report($0, plan: $1) }.joined(separator: "\n"), terminator: "")
      let failed = zip(verifications, plans).filter { !$0.0.passed }.map {
        "\($0.1.strategy.rawValue) at \(BufferSizes.label($0.1.buffer))"
      }
      if plans.count > 1 {
        print(
          failed.isEmpty
            ? "\nall \(plans.count) plans bit-exact with equal transfers\n"
            : "\n\(failed.count) of \(plans.count) plans FAILED: \(failed.joined(separator: ", "))\n")
      }
      guard failed.isEmpty else { throw ExitCode(1) }
    }

    static func report(_ verification: PlanVerification, plan: Plan) -> String {
      let rows = verification.units.map { unit in
        [
          unit.unit, unit.failure == nil ? (unit.bitExact ? "yes" : "NO") : "-", String(unit.counted.total),
          String(unit.predicted.total), unit.passed ? "ok" : (unit.failure ?? "MISMATCH"),
        ]
      }
      var text = "\(plan.network) at \(plan.buffer) entries, \(plan.strategy.rawValue): \(plan.units.count) units executed tile by tile\n\n"
      text += TextTable(header: ["unit", "bit-exact", "transfers", "predicted", "result"], rows: rows).rendered()
      let failed = verification.units.filter { !$0.passed }.count
      text += "\ntotal: transfers \(verification.counted.total) counted, \(verification.predicted.total) predicted; "
      text += failed == 0 ? "all \(verification.units.count) units bit-exact with equal transfers\n" : "\(failed) of \(verification.units.count) units FAILED\n"
      return text
    }
  }
}
