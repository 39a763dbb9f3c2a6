/// Structured channel pruning: keeps a fraction of the output channels of convolution and fully
/// connected layers, and lets every layer downstream follow, to size a slimmer network's cost
/// before training one.
///
/// - Depthwise convolutions, pooling and upsampling have no count of their own: they follow their
///   input (see `ChannelCoupling`).
/// - Layers whose outputs meet at an add, directly or through such followers, form one group
///   and keep one count. The group takes the *largest* keep ratio among its members, because
///   pruning a residual stream is bounded by its most sensitive layer: shrinking a layer more
///   than its own ratio asks would break a promise, keeping more only costs a little.
/// - Network outputs (the classifier, or any layer nothing consumes or that is marked as an
///   output) and network inputs keep their counts, and so does every group coupled to them.
/// - The kept count is `max(1, round(C * ratio))`, moved to the nearest multiple of the group
///   counts of the grouped convolutions that produce or read the channels.
public enum ChannelPruning {
  public struct Options: Sendable {
    /// The fraction (0 < r <= 1) of channels every prunable layer keeps.
    public var keep: Double
    /// Ratios for particular layers, by name; they override `keep`.
    public var layerKeep: [String: Double]

    public init(keep: Double, layerKeep: [String: Double] = [:]) {
      self.keep = keep
      self.layerKeep = layerKeep
    }
  }

  /// What a keep ratio may be, for error messages.
  public static let accepted = "a fraction 0 < r <= 1 of the channels to keep (e.g. 0.5)"

  /// The pruned network. Refuses ratios out of range, and per-layer ratios for layers that do not
  /// exist, follow their input, or must keep their count.
  public static func apply(to network: Network, options: Options) throws(NetworkError) -> Network {
    let analysis = try network.analyze()
    try checkRatio(options.keep, layer: nil, field: "keep")
    var coupling = ChannelCoupling(analysis)
    for (name, ratio) in options.layerKeep.sorted(by: { $0.key < $1.key }) {
      try checkRatio(ratio, layer: name, field: "layer")
      guard let layer = analysis.layer(named: name) else {
        throw NetworkError("no layer is called \(excerpt(name))", field: "layer")
      }
      guard let variable = coupling.variableOfLayer[name] else {
        throw NetworkError(
          "a \(layer.kind.rawValue) layer has no channel count of its own: it follows its input; give the ratio to the convolution or FC layer that feeds it",
          layer: name, field: "layer")
      }
      guard !coupling.isFrozen(variable) else {
        throw NetworkError(
          "must keep its \(layer.outputShape.channels) channels: it is a network output, or reaches one (or meets a concat or another multiplier) through adds, depthwise, pooling or upsampling layers",
          layer: name, field: "layer")
      }
    }

    var ratios: [Int: Double] = [:]
    for (name, variable) in coupling.variableOfLayer {
      let root = coupling.find(variable)
      ratios[root] = max(ratios[root] ?? 0, options.layerKeep[name] ?? options.keep)
    }
    var kept: [Int] = []
    for variable in coupling.counts.indices {
      let root = coupling.find(variable)
      let count = coupling.counts[variable]
      guard !coupling.isFrozen(root), let ratio = ratios[root] else {
        kept.append(count)
        continue
      }
      kept.append(keptCount(count, ratio: ratio, divisor: coupling.divisor(root)))
    }
    func channels(_ tensor: String) -> Int {
      (coupling.terms[tensor] ?? []).reduce(0) { $0 + $1.multiplier * kept[$1.variable] }
    }

    var result = network
    result.layers = analysis.layers.map { layer in
      resized(layer, outputChannels: channels(layer.name), inputChannels: layer.layer.inputs.first.map(channels) ?? 0)
    }
    _ = try result.analyze()
    return result
  }

  /// `max(1, round(count * ratio))`, at the nearest multiple of `divisor` within 1...count.
  static func keptCount(_ count: Int, ratio: Double, divisor: Int) -> Int {
    let scaled = max(1, Int((Double(count) * ratio).rounded(.toNearestOrAwayFromZero)))
    guard divisor > 1 else { return min(scaled, count) }
    let multiples = max(1, Int((Double(scaled) / Double(divisor)).rounded(.toNearestOrAwayFromZero)))
    return min(multiples * divisor, count)
  }

  /// The layer with the operation rewritten to produce `outputChannels` from `inputChannels`,
  /// unchanged when it already does (so `6x`-style counts survive where nothing was pruned).
  private static func resized(_ analysis: LayerAnalysis, outputChannels: Int, inputChannels: Int) -> Layer {
    var layer = analysis.layer
    switch layer.operation {
    case .convolution(var conv):
      guard conv.outputChannels.resolve(inputChannels: inputChannels) != outputChannels else { return layer }
      conv.outputChannels = .absolute(outputChannels)
      layer.operation = .convolution(conv)
    case .fullyConnected(var fc):
      fc.outputFeatures = outputChannels
      layer.operation = .fullyConnected(fc)
    case .pooling, .globalAveragePool, .add, .concat, .upsample:
      break
    }
    return layer
  }

  private static func checkRatio(_ ratio: Double, layer: String?, field: String) throws(NetworkError) {
    guard ratio.isFinite, ratio > 0, ratio <= 1 else {
      throw NetworkError("keep ratio \(ratio) is out of range; expected \(accepted)", layer: layer, field: field)
    }
  }
}
