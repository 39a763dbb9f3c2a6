import Networks

/// Which runs of a network's layers can be fused into one segment (docs/fusion-model.md, "Legal
/// chains"), and the `FusedSegment` they make.
///
/// Segments are consecutive index ranges of `analysis.layers`: a chain, where a convolution may
/// also branch from an earlier tensor of the segment into a later add or concat
/// (ResNet's first block of a stage, its downsample listed after the body; SqueezeNet's fire
/// module, its 3x3 expand listed after the 1x1). In a general DAG a chain's layers need not be
/// adjacent in network order (a side branch may be listed between them); such chains are not
/// found here.
package struct FusionChains: Sendable {
  package let analysis: NetworkAnalysis
  /// The layers (by index, in network order) that read each tensor: every network input and every
  /// layer output has an entry, empty when nothing reads it.
  package let consumers: [String: [Int]]
  /// Tensors that leave the network: layers marked as outputs and layers nothing reads.
  package let networkOutputs: Set<String>
  private let layerIndices: [String: Int]

  package init(_ analysis: NetworkAnalysis) {
    self.analysis = analysis
    var consumers: [String: [Int]] = [:]
    var indices: [String: Int] = [:]
    for input in analysis.network.inputs { consumers[input.name] = [] }
    for (index, layer) in analysis.layers.enumerated() {
      consumers[layer.name] = []
      indices[layer.name] = index
    }
    for (index, layer) in analysis.layers.enumerated() {
      // An add of x + x reads x once as far as the buffer is concerned: count the layer once.
      for input in Set(layer.layer.inputs) { consumers[input, default: []].append(index) }
    }
    self.consumers = consumers.mapValues { $0.sorted() }
    self.layerIndices = indices
    self.networkOutputs = Set(
      analysis.layers.filter { $0.layer.isMarkedOutput || consumers[$0.name, default: []].isEmpty }.map(\.name))
  }

  package func isNetworkOutput(_ tensor: String) -> Bool { networkOutputs.contains(tensor) }

  package func layerIndex(named name: String) -> Int? { layerIndices[name] }

  /// The width of a tensor in DRAM: its producer's activation bits, or the network input's bits.
  package func activationBits(ofTensor tensor: String) -> Int? {
    if let index = layerIndices[tensor] { return analysis.layers[index].layer.precision.activationBits }
    return analysis.network.inputs.first { $0.name == tensor }?.bits
  }

  /// The layers `range` of `analysis.layers` as one segment named "first..last" (or the layer's
  /// name), validated; or the first rule of a legal chain it breaks, naming the layer at fault.
  package func segment(layers range: Range<Int>) throws(FusionError) -> FusedSegment {
    guard !range.isEmpty, range.lowerBound >= 0, range.upperBound <= analysis.layers.count else {
      throw FusionError(
        segment: "layers \(range)", reason: "a segment needs at least one of the \(analysis.layers.count) layers")
    }
    let name = Self.segmentName(analysis.layers[range.lowerBound].name, analysis.layers[range.upperBound - 1].name)
    let first = analysis.layers[range.lowerBound]
    guard let inputName = first.layer.inputs.first, let inputBits = activationBits(ofTensor: inputName) else {
      throw FusionError(segment: name, reason: "layer '\(first.name)' reads no known tensor")
    }
    // Every layer first, so that a layer that cannot be in any segment is what a range holding it
    // reports, rather than a branch that a longer or shorter range would settle.
    var layers: [SegmentLayer] = []
    for index in range { layers.append(try segmentLayer(index, in: range, inputName: inputName, segment: name)) }
    for index in range.dropLast() { try checkStaysOnChip(index, in: range, segment: name) }
    let segment = FusedSegment(
      name: name, input: first.inputShape, inputName: inputName, inputBits: inputBits, layers: layers)
    try segment.validate()
    return segment
  }

  /// Every range of at least two layers that is a legal chain of at most `maxLength` layers
  /// and `maxStages` channel stages, with its segment; by first layer, then length.
  package func legalSegments(maxLength: Int, maxStages: Int) -> [(layers: Range<Int>, segment: FusedSegment)] {
    var found: [(layers: Range<Int>, segment: FusedSegment)] = []
    for start in analysis.layers.indices {
      let longest = longestLegalChain(from: start, maxLength: maxLength)
      guard longest.count >= 2 else { continue }
      for length in 2...longest.count {
        // Shorter prefixes of a legal chain may be illegal (an add reading a layer in between).
        guard let segment = try? segment(layers: start..<(start + length)) else { continue }
        // Later layers only add stages.
        if segment.stageChannels.count > maxStages { break }
        found.append((start..<(start + length), segment))
      }
    }
    return found
  }

  /// The longest range `start..<end`, at most `maxLength` layers, that `segment(layers:)` accepts;
  /// empty when not even the layer at `start` alone is a segment.
  ///
  /// Legality is not monotone in the end: a layer whose output an add further on reads as its skip
  /// can end a segment only once that add is in it too. So every end is tried; only a layer that
  /// cannot join at all (its kind, or it does not read its predecessor) stops the search, since no
  /// longer range can contain it either.
  package func longestLegalChain(from start: Int, maxLength: Int) -> Range<Int> {
    let count = analysis.layers.count
    guard start >= 0, start < count, maxLength > 0 else { return start..<start }
    let limit = start + min(maxLength, count - start)
    var longest = start..<start
    for end in (start + 1)...limit {
      guard canJoin(end - 1, chainStartingAt: start) else { break }
      if (try? segment(layers: start..<end)) != nil { longest = start..<end }
    }
    return longest
  }

  static func segmentName(_ first: String, _ last: String) -> String { first == last ? first : "\(first)..\(last)" }
}

extension FusionChains {
  /// Where a layer reads the chain: nil for the first layer of the segment, else the position of the
  /// previous layer's output among its inputs. Throws when the layer cannot be at this place.
  private func chainInput(_ index: Int, startingAt start: Int, segment: String) throws(FusionError) -> Int? {
    let layer = analysis.layers[index]
    let kind = try Self.kind(of: layer, segment: segment)
    guard index > start else {
      guard kind != .add else {
        throw FusionError(
          segment: segment,
          reason: "layer '\(layer.name)' is an add and cannot start a segment: the first layer reads the segment input alone")
      }
      return nil
    }
    let previous = analysis.layers[index - 1].name
    let inputs = layer.layer.inputs
    var position = kind.joinsSkip ? inputs.firstIndex(of: previous) : (inputs == [previous] ? 0 : nil)
    // A convolution reading the segment's input or an earlier layer's output is a second branch
    // from it (ResNet's downsample beside its block's body, SqueezeNet's 3x3 expand beside the
    // 1x1); what else it needs is the segment's rule (`FusedSegment.validate`).
    if position == nil, kind == .mixing, branchSource(index, startingAt: start) != nil { position = 0 }
    guard let position else {
      let reads = inputs.map { "'\($0)'" }.joined(separator: " and ")
      throw FusionError(
        segment: segment,
        reason: "layer '\(layer.name)' reads \(reads), not the previous layer '\(previous)': each layer after the first must read the previous layer's output")
    }
    return position
  }

  /// The tensor a segment starting at layer `start` reads.
  private func segmentInput(startingAt start: Int) -> String? { analysis.layers[start].layer.inputs.first }

  /// The segment tensor layer `index` of a segment starting at `start` reads when that is not the
  /// previous layer's output: 0 for the segment input, k for the output of the segment's layer
  /// k-1; nil when it reads the previous layer's output or a tensor outside the segment.
  private func branchSource(_ index: Int, startingAt start: Int) -> Int? {
    let inputs = analysis.layers[index].layer.inputs
    guard index > start, inputs.count == 1, inputs[0] != analysis.layers[index - 1].name else { return nil }
    if inputs[0] == segmentInput(startingAt: start) { return 0 }
    guard let source = layerIndices[inputs[0]], (start..<(index - 1)).contains(source) else { return nil }
    return source - start + 1
  }

  private func canJoin(_ index: Int, chainStartingAt start: Int) -> Bool {
    // Not `try?`: a first layer's chain input is nil, which `try?` would flatten into a failure.
    do { _ = try chainInput(index, startingAt: start, segment: "") } catch { return false }
    return true
  }

  /// The segment's view of layer `index`, with its skip operand resolved against the segment.
  private func segmentLayer(_ index: Int, in range: Range<Int>, inputName: String, segment: String)
    throws(FusionError) -> SegmentLayer
  {
    let layer = analysis.layers[index]
    let kind = try Self.kind(of: layer, segment: segment)
    let chain = try chainInput(index, startingAt: range.lowerBound, segment: segment) ?? 0
    var skip: SegmentLayer.Skip?
    let joins = kind.joinsSkip
    if joins {
      // Two inputs (checked by `kind`): the one that is not the chain is the skip.
      let other = layer.layer.inputs[1 - chain]
      skip = try resolveSkip(other, of: layer.name, in: range, inputName: inputName, segment: segment)
    }
    // An add or a concat has no window.
    return SegmentLayer(
      name: layer.name, kind: kind, input: layer.inputShapes[chain], output: layer.outputShape,
      kernel: joins ? Extent2D(square: 1) : layer.kernel, stride: joins ? Extent2D(square: 1) : layer.stride,
      padding: joins ? .zero : layer.padding, skip: skip,
      branchFrom: kind == .mixing ? branchSource(index, startingAt: range.lowerBound) : nil, chainFirst: chain == 0,
      weightBits: layer.layer.precision.weightBits, outputBits: layer.layer.precision.activationBits)
  }

  private func resolveSkip(_ tensor: String, of join: String, in range: Range<Int>, inputName: String, segment: String)
    throws(FusionError) -> SegmentLayer.Skip
  {
    if tensor == inputName { return .segmentInput }
    if let source = layerIndices[tensor], range.contains(source) { return .layer(source - range.lowerBound) }
    guard let bits = activationBits(ofTensor: tensor) else {
      throw FusionError(segment: segment, reason: "layer '\(join)' reads the unknown tensor '\(tensor)'")
    }
    return .external(name: tensor, bits: bits)
  }

  /// An intermediate tensor never goes to DRAM, so nothing outside the segment may read it.
  private func checkStaysOnChip(_ index: Int, in range: Range<Int>, segment: String) throws(FusionError) {
    let name = analysis.layers[index].name
    guard !isNetworkOutput(name) else {
      throw FusionError(
        segment: segment,
        reason: "the output of layer '\(name)' is a network output: only the last layer's output may leave a segment")
    }
    if let outside = consumers[name, default: []].first(where: { !range.contains($0) }) {
      throw FusionError(
        segment: segment,
        reason: "the output of layer '\(name)' is also read by '\(analysis.layers[outside].name)' outside the segment: an intermediate tensor may be read only by layers of the segment")
    }
  }

  /// The segment kind of a layer, or why it cannot be in a segment.
  static func kind(of layer: LayerAnalysis, segment: String) throws(FusionError) -> SegmentLayer.Kind {
    func unfusable(_ what: String, _ rule: String) -> FusionError {
      FusionError(segment: segment, reason: "layer '\(layer.name)' (\(what)) cannot be in a segment: \(rule)")
    }
    switch layer.kind {
    case .pointwise, .conv:
      guard layer.groups == 1 else {
        throw unfusable(
          "a grouped convolution of \(layer.groups) groups", "only one group or one per channel is modelled")
      }
      return .mixing
    case .depthwise:
      guard layer.outputShape.channels == layer.inputShape.channels else {
        let multiplier = layer.outputShape.channels / max(layer.inputShape.channels, 1)
        throw unfusable("a depthwise convolution with channel multiplier \(multiplier)", "only multiplier 1 is modelled")
      }
      return .depthwise
    case .add:
      guard layer.layer.inputs.count == 2 else {
        throw unfusable("an add of \(layer.layer.inputs.count) inputs", "only the chain plus one skip is modelled")
      }
      return .add
    case .maxpool:
      // The segment's windows are counted as floor((in + padding - kernel) / stride) + 1 outputs;
      // a ceil-mode pool has one more, whose window overhangs the padding.
      let input = layer.inputShape, output = layer.outputShape
      let rows = (input.height + layer.padding.top + layer.padding.bottom - layer.kernel.height) / max(1, layer.stride.height) + 1
      let columns = (input.width + layer.padding.left + layer.padding.right - layer.kernel.width) / max(1, layer.stride.width) + 1
      guard output.height == rows, output.width == columns else {
        throw unfusable(
          "a max pool giving \(output.height)x\(output.width) where its padded window gives \(rows)x\(columns), as in ceil mode",
          "only windows inside the padded input are modelled")
      }
      return .maxPool
    case .globalavgpool:
      // Where it stands in the chain (last, after another layer) is the segment's rule.
      return .globalAveragePool
    case .avgpool
    where layer.padding.isZero && layer.kernel == Extent2D(height: layer.inputShape.height, width: layer.inputShape.width):
      // One window over the whole unpadded input (an exporter's AveragePool of kernel 7 on
      // 7x7) averages exactly what a global pool does, with the same divisor.
      return .globalAveragePool
    case .concat:
      guard layer.layer.inputs.count == 2 else {
        throw unfusable("a concat of \(layer.layer.inputs.count) inputs", "only the chain and one earlier layer's output are modelled")
      }
      // What it joins (an earlier layer of the segment, or a tensor outside it) is the
      // segment's rule.
      return .concat
    case .upsample:
      // Nearest neighbour by one factor on both axes (the segment's upsample and the kernel's).
      guard layer.stride.height == layer.stride.width,
        layer.outputShape.height == layer.inputShape.height * layer.stride.height,
        layer.outputShape.width == layer.inputShape.width * layer.stride.width
      else {
        throw unfusable(
          "an upsample from \(layer.inputShape) to \(layer.outputShape)", "only one integer factor on both axes is modelled")
      }
      return .upsample
    case .fc, .avgpool:
      throw unfusable(
        layer.kind.rawValue, "average pooling windows and FC layers end a chain (a global average pool may end one)")
    }
  }
}
