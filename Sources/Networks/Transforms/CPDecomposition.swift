/// CP decomposition of KxK convolutions (Lebedev et al. 2015, "Speeding-up Convolutional Neural
/// Networks Using Fine-tuned CP-Decomposition").
///
/// A rank-R CP decomposition of a Cout x Cin x Kh x Kw kernel is a sum of R outer products, which
/// runs as four cheap layers:
///
///     1x1 (Cin -> R)  ->  Kh x 1 depthwise  ->  1 x Kw depthwise  ->  1x1 (R -> Cout)
///
/// The stride and padding of each spatial axis move to the depthwise factor along that axis, so
/// every output keeps its shape. The last factor keeps the original layer's name, bias,
/// activation and output mark, so its consumers still resolve; the others are
/// `<name>.cp_in`, `<name>.cp_v` and `<name>.cp_h`, carry no bias (a bias before a linear
/// layer folds into the next one) and share the original's precision.
///
/// Only ungrouped convolutions with a kernel larger than 1 in some dimension are decomposed:
/// pointwise layers have no spatial factor to split, and depthwise or grouped ones are already
/// factored along channels. When the kernel is 1 along one axis (a 1x3 convolution), that
/// axis's factor is a per-component scale that folds into the neighbouring 1x1, so it is left out
/// unless it carries a stride or padding.
public enum CPDecomposition {
  public struct Options: Sendable {
    /// The rank of every decomposed layer without an entry in `layerRanks`.
    public var rank: CPRank
    /// Ranks for particular layers, by name; they override `rank`.
    public var layerRanks: [String: CPRank]
    /// Leaves the network's first convolution alone: its few input channels (3 for an image)
    /// would make a fractional rank tiny and the decomposition lossy for no gain.
    public var keepFirst: Bool

    public init(rank: CPRank, layerRanks: [String: CPRank] = [:], keepFirst: Bool = false) {
      self.rank = rank
      self.layerRanks = layerRanks
      self.keepFirst = keepFirst
    }
  }

  /// Suffixes of the factors before the last, which keeps the layer's own name.
  public static let factorSuffixes = [".cp_in", ".cp_v", ".cp_h"]

  /// The decomposed network. Refuses an out-of-range rank, and a per-layer rank for a layer that
  /// does not exist or would not be decomposed. Throws when a factor's name is already taken.
  public static func apply(to network: Network, options: Options) throws(NetworkError) -> Network {
    let analysis = try network.analyze()
    try options.rank.validate(layer: nil, field: "rank")
    let firstConvolution = network.layers.first { $0.convolution != nil }?.name
    func isDecomposed(_ layer: LayerAnalysis) -> Bool {
      isDecomposable(layer) && !(options.keepFirst && layer.name == firstConvolution)
    }
    for (name, rank) in options.layerRanks.sorted(by: { $0.key < $1.key }) {
      try rank.validate(layer: name, field: "layer-rank")
      guard let layer = analysis.layer(named: name) else {
        throw NetworkError("no layer is called \(excerpt(name))", field: "layer-rank")
      }
      guard isDecomposable(layer) else {
        throw NetworkError(
          "is not decomposed, so it takes no rank: only ungrouped convolutions with a kernel larger than 1x1 are (this one is \(layer.kind.rawValue), kernel \(layer.kernel), \(layer.groups) group(s))",
          layer: name, field: "layer-rank")
      }
      guard isDecomposed(layer) else {
        throw NetworkError(
          "is the first convolution, which keep-first leaves undecomposed", layer: name, field: "layer-rank")
      }
    }

    var taken = Set(network.inputs.map(\.name)).union(network.layers.map(\.name))
    var result = network
    result.layers = []
    for layer in analysis.layers {
      guard isDecomposed(layer), let convolution = layer.layer.convolution else {
        result.layers.append(layer.layer)
        continue
      }
      let rank = (options.layerRanks[layer.name] ?? options.rank).resolve(
        inputChannels: layer.inputShape.channels, outputChannels: layer.outputShape.channels)
      let factors = decompose(layer.layer, convolution, rank: rank, outputChannels: layer.outputShape.channels)
      for factor in factors.dropLast() {
        guard taken.insert(factor.name).inserted else {
          throw NetworkError(
            "cannot decompose: the factor name \(excerpt(factor.name)) is already taken by another layer or input",
            location: network.origins[layer.name], layer: layer.name)
        }
        result.origins[factor.name] = network.origins[layer.name]
      }
      result.layers += factors
    }
    _ = try result.analyze()
    return result
  }

  /// Whether the transform applies to a layer at all (keep-first aside).
  static func isDecomposable(_ layer: LayerAnalysis) -> Bool {
    layer.kind == .conv && layer.groups == 1 && (layer.kernel.height > 1 || layer.kernel.width > 1)
  }

  private static func decompose(_ layer: Layer, _ conv: Convolution, rank: Int, outputChannels: Int) -> [Layer] {
    func factor(_ suffix: String, _ operation: Convolution, inputs: [String]) -> Layer {
      Layer(name: layer.name + suffix, operation: .convolution(operation), inputs: inputs, precision: layer.precision)
    }
    var factors = [factor(".cp_in", .pointwise(outputChannels: rank, hasBias: false), inputs: layer.inputs)]
    let vertical = Convolution.depthwise(
      kernel: Extent2D(height: conv.kernel.height, width: 1), stride: Extent2D(height: conv.stride.height, width: 1),
      padding: Padding(top: conv.padding.top, left: 0, bottom: conv.padding.bottom, right: 0), hasBias: false)
    if !isIdentityScale(vertical) { factors.append(factor(".cp_v", vertical, inputs: [factors[0].name])) }
    let horizontal = Convolution.depthwise(
      kernel: Extent2D(height: 1, width: conv.kernel.width), stride: Extent2D(height: 1, width: conv.stride.width),
      padding: Padding(top: 0, left: conv.padding.left, bottom: 0, right: conv.padding.right), hasBias: false)
    if !isIdentityScale(horizontal) {
      factors.append(factor(".cp_h", horizontal, inputs: [factors[factors.count - 1].name]))
    }
    factors.append(
      Layer(
        name: layer.name,
        operation: .convolution(.pointwise(outputChannels: outputChannels, hasBias: conv.hasBias)),
        inputs: [factors[factors.count - 1].name], activation: layer.activation, precision: layer.precision,
        isMarkedOutput: layer.isMarkedOutput))
    return factors
  }

  /// A 1x1 depthwise factor without stride or padding only scales each component.
  private static func isIdentityScale(_ conv: Convolution) -> Bool {
    conv.kernel == Extent2D(square: 1) && conv.stride == Extent2D(square: 1) && conv.padding.isZero
  }
}
