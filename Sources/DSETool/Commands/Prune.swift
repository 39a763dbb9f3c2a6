import ArgumentParser
import DSE

extension DSECommand {
  struct Prune: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Keep a fraction of the output channels of convolution and FC layers.",
      discussion: """
        Each convolution (not depthwise) and FC layer keeps max(1, round(C x ratio)) output channels. \
        Depthwise, pooling and upsampling layers follow their input. Layers whose outputs meet at an add \
        (as the project layers of a residual stage do) keep one common count, taking the largest ratio \
        among them. Network outputs such as the classifier keep their channels, and grouped convolutions \
        keep counts divisible by their groups. The output format follows the output file's extension.

        Examples:
          dse prune nets/mobilenetv2.yaml -o mobilenetv2-half.yaml --keep 0.5
          dse prune nets/resnet50.yaml -o r50-pruned.yaml --keep 0.75 \\
            --layer conv1=1 --layer layer4_0.conv1=0.5
        """)

    @Argument(help: "Network file (.yaml, .cfg, .csv or .onnx).")
    var network: String

    @OptionGroup var modelFile: ModelFileOptions

    @Option(name: .shortAndLong, help: "Output network file (.yaml, .cfg, .csv or .onnx), written atomically.")
    var output: String

    @Option(help: "Fraction 0 < r <= 1 of the output channels every prunable layer keeps.")
    var keep: String

    @Option(name: .customLong("layer"), help: "Keep ratio for one layer, overriding --keep: NAME=RATIO. Repeatable.")
    var layerRatios: [String] = []

    func validate() throws {
      try validateOutputFormat(output)
      _ = try options()
    }

    func options() throws -> ChannelPruning.Options {
      guard let global = parseFraction(keep) else {
        throw ValidationError("--keep '\(keep)' is not valid; expected \(ChannelPruning.accepted)")
      }
      let perLayer = try layerAssignments(
        layerRatios, option: "--layer", accepted: ChannelPruning.accepted, parse: parseFraction)
      return ChannelPruning.Options(keep: global, layerKeep: perLayer)
    }

    func run() throws {
      let pruned = try ChannelPruning.apply(to: try loadNetwork(network, modelFile), options: try options())
      try NetworkFile.save(pruned, to: output)
    }
  }
}
