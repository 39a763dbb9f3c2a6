import ArgumentParser
import DSE

extension DSECommand {
  struct Decompose: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "CP-decompose KxK convolutions into 1x1, Kh x 1 and 1 x Kw depthwise, and 1x1 layers.",
      discussion: """
        Each ungrouped convolution with a kernel larger than 1x1 becomes four layers (Lebedev et al. 2015): \
        NAME.cp_in (1x1, Cin -> R), NAME.cp_v (Kh x 1 depthwise), NAME.cp_h (1 x Kw depthwise) and NAME \
        (1x1, R -> Cout, with the original bias and activation), so every original layer name keeps its \
        output shape. Pointwise, depthwise and grouped convolutions are left as they are.

        The rank R is an integer, or a fraction of min(Cin, Cout) rounded to nearest (at least 1). \
        The output format follows the output file's extension; a SCALE-Sim .csv cannot hold the factors \
        of a strided convolution, whose strides differ between height and width.

        Examples:
          dse decompose nets/resnet50.yaml -o resnet50-cp.yaml --rank 0.5 --keep-first
          dse decompose nets/resnet50.yaml -o r50-cp.yaml --rank 64 \\
            --layer-rank layer4_0.conv2=128
          dse decompose nets/vgg16.yaml -o vgg16-cp.csv --rank 0.25
        """)

    @Argument(help: "Network file (.yaml, .cfg, .csv or .onnx).")
    var network: String

    @OptionGroup var modelFile: ModelFileOptions

    @Option(name: .shortAndLong, help: "Output network file (.yaml, .cfg, .csv or .onnx), written atomically.")
    var output: String

    @Option(help: "Rank of every decomposed layer: an integer >= 1 (64) or a fraction 0 < f <= 1 (0.5).")
    var rank: String = "0.5"

    @Option(name: .customLong("layer-rank"), help: "Rank for one layer, overriding --rank: NAME=R. Repeatable.")
    var layerRanks: [String] = []

    @Flag(help: "Leave the network's first convolution (typically 3 input channels) undecomposed.")
    var keepFirst = false

    func validate() throws {
      try validateOutputFormat(output)
      _ = try options()
    }

    func options() throws -> CPDecomposition.Options {
      guard let global = CPRank(parsing: rank) else {
        throw ValidationError("--rank '\(rank)' is not valid; expected \(CPRank.accepted)")
      }
      let perLayer = try layerAssignments(
        layerRanks, option: "--layer-rank", accepted: CPRank.accepted, parse: CPRank.init(parsing:))
      return CPDecomposition.Options(rank: global, layerRanks: perLayer, keepFirst: keepFirst)
    }

    func run() throws {
      let decomposed = try CPDecomposition.apply(to: try loadNetwork(network, modelFile), options: try options())
      try NetworkFile.save(decomposed, to: output)
    }
  }
}
