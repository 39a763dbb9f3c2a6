import ArgumentParser
import DSE

extension DSECommand {
  struct SetPrecision: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "precision",
      abstract: "Set the weight and activation bit widths of a network's layers.",
      discussion: """
        --bits sets both widths of every layer; --weight-bits and --activation-bits set one of them and \
        take precedence over --bits. --layer sets one layer's widths, as NAME=W/A or NAME=B for both, \
        and takes precedence over the global options. Widths are 1 to 16 bits. The global activation \
        width also applies to the network inputs. The output format follows the output file's extension.

        Examples:
          dse precision nets/mobilenetv2.yaml -o mnv2-w4a8.yaml \\
            --weight-bits 4 --activation-bits 8
          dse precision nets/resnet50.yaml -o r50-int4.yaml --bits 4 \\
            --layer conv1=8/8 --layer fc=8
        """)

    @Argument(help: "Network file (.yaml, .cfg, .csv or .onnx).")
    var network: String

    @OptionGroup var modelFile: ModelFileOptions

    @Option(name: .shortAndLong, help: "Output network file (.yaml, .cfg, .csv or .onnx), written atomically.")
    var output: String

    @Option(help: "Weight and activation width of every layer (1-16).")
    var bits: Int?

    @Option(help: "Weight width of every layer (1-16); overrides --bits for weights.")
    var weightBits: Int?

    @Option(help: "Activation width of every layer (1-16); overrides --bits for activations.")
    var activationBits: Int?

    @Option(name: .customLong("layer"), help: "Widths of one layer: NAME=W/A or NAME=B. Repeatable.")
    var layerWidths: [String] = []

    static let acceptedLayerValue = "W/A (weight and activation bits, e.g. 4/8) or B for both (e.g. 8), each 1-16"

    func validate() throws {
      try validateOutputFormat(output)
      _ = try options()
    }

    func options() throws -> PrecisionAssignment.Options {
      for (option, value) in [("--bits", bits), ("--weight-bits", weightBits), ("--activation-bits", activationBits)] {
        if let value { try validateBitWidth(value, option: option) }
      }
      let perLayer = try layerAssignments(
        layerWidths, option: "--layer", accepted: Self.acceptedLayerValue, parse: Self.parseLayerPrecision)
      guard bits != nil || weightBits != nil || activationBits != nil || !perLayer.isEmpty else {
        throw ValidationError("nothing to set: give --bits, --weight-bits, --activation-bits or --layer NAME=W/A")
      }
      return PrecisionAssignment.Options(
        weightBits: weightBits ?? bits, activationBits: activationBits ?? bits, layers: perLayer)
    }

    /// `W/A` or `B`, each within the valid widths.
    static func parseLayerPrecision(_ text: String) -> Precision? {
      let parts = text.split(separator: "/", omittingEmptySubsequences: false).map { Int($0) }
      guard (1...2).contains(parts.count), let weights = parts[0], let activations = parts[parts.count - 1],
        Precision.validBits.contains(weights), Precision.validBits.contains(activations)
      else { return nil }
      return Precision(weightBits: weights, activationBits: activations)
    }

    func run() throws {
      let result = try PrecisionAssignment.apply(to: try loadNetwork(network, modelFile), options: try options())
      try NetworkFile.save(result, to: output)
    }
  }
}
