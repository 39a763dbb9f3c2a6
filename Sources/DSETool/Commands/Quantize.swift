import ArgumentParser
import DSE
import Foundation

enum QuantizeFormat: String, ExpressibleByArgument, CaseIterable {
  case table, csv
}

extension DSECommand {
  struct Quantize: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Quantize a network layer-wise to fixed point and measure each layer's SQNR against float.",
      discussion: """
        Weights are seeded (deterministic, He-style ranges; an .onnx model's own weights) and so are the inputs: uniform in [-1, 1], \
        calibration images 1..N and a held-out evaluation image. Each tensor gets a Q-format at its \
        layer's width, with integer bits enough for the largest |value| the float network reaches on \
        the calibration images and the rest fraction; weights per layer the same way (their fraction \
        gives way where a 32-bit accumulator could not hold the sums). Both networks then run untiled \
        on the evaluation image, each feeding its own outputs on, and every layer's SQNR (dB) compares \
        the dequantized fixed-point output with the float one.

        --error-table writes, for every convolution and FC layer and every width in --widths, the \
        output noise power relative to signal power when that layer alone is quantized at that width \
        (weights and output; everything else float): the CSV `layer,bits,error` that \
        `dse sweep --error-table` reads.

        Layers with 1-bit weights and activations are binarized and not supported here yet.

        Examples:
          dse quantize nets/mobilenetv2.yaml --calibration 1
          dse quantize nets/resnet50.yaml --bits 16 --input-size 112 --format csv
          dse quantize nets/mobilenetv2.yaml --widths 4,6,8,16 \\
            --error-table mnv2-errors.csv
        """)

    @Argument(help: "Network file (.yaml, .cfg, .csv or .onnx).")
    var network: String

    @Option(help: "Weight and activation width of every layer and of the network inputs (2-16); default: the network's.")
    var bits: Int?

    @Option(help: "Number of seeded calibration images.")
    var calibration: Int = 4

    @Option(help: "Seed of the weights and the inputs.")
    var seed: UInt64 = 1

    @Option(help: "Height and width of every network input (default: the network's).")
    var inputSize: Int?

    @OptionGroup var modelFile: ModelFileOptions

    @Option(help: "Widths of the error table, separated by commas (2-16).")
    var widths: String = "4,8,16"

    @Option(help: "Write the per-layer error table (CSV layer,bits,error) to this file, atomically.")
    var errorTable: String?

    @Option(help: "Output format: table or csv.")
    var format: QuantizeFormat = .table

    func validate() throws {
      if let bits, !(2...16).contains(bits) {
        let hint = bits == 1 ? " (1-bit layers are binarized: FixedPoint/Binary, not wired in yet)" : ""
        throw ValidationError("--bits \(bits) is out of range; expected an integer from 2 to 16\(hint)")
      }
      try validateSeededInputs(inputSize: inputSize, calibration: calibration)
      _ = try widthSet()
    }

    func widthSet() throws -> [Int] { try parseWidths(widths, option: "--widths", range: 2...16) }

    func run() throws {
      var network = try loadNetwork(self.network, modelFile, inputSize: inputSize, computesValues: true)
      if let bits {
        network = try PrecisionAssignment.apply(to: network, options: .init(weightBits: bits, activationBits: bits))
      }
      let analysis = try network.analyze()
      try ExecutionLimits.check(analysis)
      let weights =
        self.network.lowercased().hasSuffix(".onnx")
        ? try Verifier.onnxWeights(self.network, for: analysis) : NetworkWeights.seeded(analysis, seed: seed)
      let study = try QuantizationStudy(
        analysis, weights: weights, options: .init(calibrationCount: calibration, seed: seed))
      if let errorTable {
        let table = try QuantizationErrorTable(analysis, weights: weights, study: study, widths: try widthSet())
        try writeTextAtomically(table.csv(), to: errorTable)
      }
      switch format {
      case .table: print(Self.table(study, network: analysis.network.name, calibration: calibration, seed: seed), terminator: "")
      case .csv: print(Self.csv(study), terminator: "")
      }
    }

    static func decibels(_ value: Double) -> String {
      value.isFinite ? String(format: "%.2f", value) : (value > 0 ? "inf" : "-inf")
    }

    static func cells(_ layer: QuantizationStudy.LayerResult) -> [String] {
      [
        layer.name, layer.kind.rawValue, "\(layer.precision.weightBits)", "\(layer.precision.activationBits)",
        layer.weights.map { "\($0)" } ?? "-", "\(layer.output)", decibels(layer.sqnr),
      ]
    }

    static func table(_ study: QuantizationStudy, network: String, calibration: Int, seed: UInt64) -> String {
      var text = "\(network): \(study.layers.count) layers in fixed point, calibrated on \(calibration) seeded input"
      text += calibration == 1 ? "" : "s"
      text += " (seed \(seed)); SQNR against float on a held-out input, end to end. Q<bits>.<fraction bits>.\n\n"
      text += TextTable(
        header: ["layer", "op", "w bits", "a bits", "weights", "output", "SQNR dB"], rows: study.layers.map(cells),
        leftAligned: [0, 1, 4, 5]
      ).rendered()
      if let summary = study.summary {
        text += "\nSQNR: min \(decibels(summary.minimum)) dB (\(summary.worst)), median \(decibels(summary.median)) dB, "
        text += "mean \(decibels(summary.mean)) dB\n"
      }
      return text
    }

    static func csv(_ study: QuantizationStudy) -> String {
      CSV.render(
        header: ["layer", "op", "weight_bits", "activation_bits", "weight_format", "output_format", "sqnr_db"],
        rows: study.layers.map(cells))
    }
  }
}
