import Networks

/// One layer of a fused segment, as the segment model sees it.
public struct SegmentLayer: Hashable, Sendable, Codable {
  public enum Kind: String, Hashable, Sendable, Codable {
    /// A convolution with one group (pointwise or KxK): every output channel reads every input
    /// channel, so it ends a channel stage.
    case mixing
    /// One group per channel, multiplier 1: channel i of the output reads channel i of the input.
    case depthwise
    /// Element-wise sum of the chain tensor and a skip tensor of the same shape.
    case add
    /// Max pooling over a window (kernel, stride, padding): channel i of the output reads channel
    /// i of the input, like a depthwise layer without weights; padding never wins.
    case maxPool
    /// Global average pooling, the last layer of a segment only: every spatial tile adds its
    /// input into one accumulator per channel, held for the whole segment, and the averages
    /// (C entries, 1x1) are written once after the last tile.
    case globalAveragePool
    /// Channel concatenation of the chain tensor and a skip operand (an earlier layer's output,
    /// held on chip, or a tensor outside the segment, read from DRAM): SqueezeNet's fire module
    /// (the 1x1 and 3x3 expands side by side), YOLO's route of an upsampled tensor and an
    /// earlier layer's output. At the end of a segment each operand's tile goes to its channels
    /// of the output in DRAM as it is complete, with no buffer of its own. Inside one it starts
    /// a stage of its own, held whole: each chunk of the chain, and the skip's tile, are copied
    /// into its buffer (the next fire module's squeeze, or the convolution after a route, reads
    /// every channel of it).
    case concat
    /// Nearest-neighbour upsampling by the factor in `stride` (the same on both axes): output
    /// (y, x) is input (y / f, x / f), channel i of channel i. No weights, no window: row bands
    /// of the output whose edges fall inside an input row share that row, which is computed
    /// again for the second (no line buffer keeps it).
    case upsample

    /// Whether the layer joins the chain with a second operand (its `skip`): an add or a concat.
    public var joinsSkip: Bool { self == .add || self == .concat }
  }

  /// Where the second operand of an add or a concat comes from.
  public enum Skip: Hashable, Sendable, Codable {
    /// The segment's input tensor: free when it is still in the buffer, else read from DRAM.
    case segmentInput
    /// The output of an earlier layer of the segment (by index): held on chip.
    case layer(Int)
    /// A tensor outside the segment, read from DRAM.
    case external(name: String, bits: Int)
  }

  public var name: String
  public var kind: Kind
  public var input: TensorShape
  public var output: TensorShape
  public var kernel: Extent2D
  public var stride: Extent2D
  public var padding: Padding
  public var skip: Skip?
  /// The tensor the layer reads when it is not the previous layer's output (a second branch):
  /// 0, the segment input, for ResNet's downsample convolution beside its block's body; k >= 1,
  /// the output of layer k-1, for SqueezeNet's 3x3 expand beside the 1x1 expand, both reading
  /// the squeeze. Mixing layers only; the previous layer's output is then read by a later add or
  /// concat as its skip. Nil for a layer reading the previous layer's output.
  public var branchFrom: Int?
  /// A concat's channel order: the chain tensor's first (true), or the skip operand's first
  /// (false, as SqueezeNet lists its expands: the 1x1's, then the 3x3's, which is the chain).
  public var chainFirst: Bool
  public var weightBits: Int
  public var outputBits: Int

  public init(
    name: String, kind: Kind, input: TensorShape, output: TensorShape, kernel: Extent2D = Extent2D(square: 1),
    stride: Extent2D = Extent2D(square: 1), padding: Padding = .zero, skip: Skip? = nil, branchFrom: Int? = nil,
    chainFirst: Bool = false, weightBits: Int = 8, outputBits: Int = 8
  ) {
    self.name = name
    self.kind = kind
    self.input = input
    self.output = output
    self.kernel = kernel
    self.stride = stride
    self.padding = padding
    self.skip = skip
    self.branchFrom = branchFrom
    self.chainFirst = chainFirst
    self.weightBits = weightBits
    self.outputBits = outputBits
  }

  /// Whether the layer has weights and counts multiply-accumulates (adds and pools do neither,
  /// as in the layer-by-layer model).
  public var hasWeights: Bool { kind == .mixing || kind == .depthwise }

  /// Whether the layer reads a window of its input (a convolution or a max pool), so that
  /// neighbouring tiles' inputs overlap and a line buffer on its input can save recomputing it.
  public var readsWindow: Bool { hasWeights || kind == .maxPool }

  public var weightCount: Int {
    switch kind {
    case .mixing: return input.channels * output.channels * kernel.height * kernel.width
    case .depthwise: return output.channels * kernel.height * kernel.width
    case .add, .maxPool, .globalAveragePool, .concat, .upsample: return 0
    }
  }

  /// Multiply-accumulates per output element.
  public var macsPerOutput: Int {
    switch kind {
    case .mixing: return input.channels * kernel.height * kernel.width
    case .depthwise: return kernel.height * kernel.width
    case .add, .maxPool, .globalAveragePool, .concat, .upsample: return 0
    }
  }

  public var macs: Int { output.channels * output.height * output.width * macsPerOutput }

  /// The channels of the skip operand: an add's is its output's, a concat's the output's
  /// beyond the chain's.
  public var skipChannels: Int { kind == .concat ? output.channels - input.channels : output.channels }

  /// Where a concat's operands go among its output channels: the chain's start at offset
  /// `chain`, the skip operand's are `skip` (network order: the chain first or the skip first).
  public var concatChannels: (chain: Int, skip: Range<Int>) {
    let chain = input.channels
    return chainFirst ? (0, chain..<(chain + skipChannels)) : (skipChannels, 0..<skipChannels)
  }

  /// The skip operand's shape: the output's extent, `skipChannels` channels.
  public var skipShape: TensorShape { TensorShape(channels: skipChannels, height: output.height, width: output.width) }
}

/// A chain of layers run as one unit: only the first layer's input, external skip inputs,
/// weights and the last layer's output cross DRAM; every tensor in between stays on chip.
///
/// Tensors are numbered 0 (the segment input) to n (the output of layer n-1): layer i reads
/// tensor i (or an earlier one, when it branches from it) and writes tensor i+1. Channels fall
/// into **stages**: a mixing layer or a concat inside the segment starts a new stage; depthwise
/// layers, max pools, upsamples, adds and a final concat stay in their input's stage (they keep
/// channel i in channel i, or a final concat's offset), so a stage can be processed in chunks of
/// channels.
public struct FusedSegment: Hashable, Sendable, Codable {
  public var name: String
  public var input: TensorShape
  public var inputName: String
  public var inputBits: Int
  public var layers: [SegmentLayer]

  public init(name: String, input: TensorShape, inputName: String, inputBits: Int, layers: [SegmentLayer]) {
    self.name = name
    self.input = input
    self.inputName = inputName
    self.inputBits = inputBits
    self.layers = layers
  }

  /// Number of tensors: the input plus one per layer.
  public var tensorCount: Int { layers.count + 1 }

  public func shape(ofTensor tensor: Int) -> TensorShape { tensor == 0 ? input : layers[tensor - 1].output }

  public var output: TensorShape { shape(ofTensor: layers.count) }

  /// The tensor layer `index` reads: the previous layer's output, or the earlier tensor a
  /// branch reads.
  public func inputTensor(ofLayer index: Int) -> Int { layers[index].branchFrom ?? index }

  /// The tensors branches read (each read by two layers, so every tile must hold its stage
  /// whole for both).
  public var branchSources: Set<Int> { Set(layers.compactMap(\.branchFrom)) }

  /// Whether the last layer is a concat (`SegmentLayer.Kind.concat`).
  public var endsInConcat: Bool { layers.last?.kind == .concat }

  /// Where a final concat's operands go among its output channels
  /// (`SegmentLayer.concatChannels`); nil when the segment does not end in a concat.
  public var concatChannels: (chain: Int, skip: Range<Int>)? {
    guard let last = layers.last, last.kind == .concat else { return nil }
    return last.concatChannels
  }

  /// Whether some add reads the segment input as its skip (the only case where a line buffer on
  /// the segment input, layer 0's flag, keeps anything).
  public var addsReadInput: Bool { layers.contains { $0.skip == .segmentInput } }

  /// Whether the last layer is a global average pool (`SegmentLayer.Kind.globalAveragePool`).
  public var endsInGlobalPool: Bool { layers.last?.kind == .globalAveragePool }

  /// The tensor whose spatial tiles a schedule visits: the output, or the pool's input when the
  /// segment ends in a global pool (its 1x1 output has no tiles to speak of).
  public var tiledTensor: Int { endsInGlobalPool ? layers.count - 1 : layers.count }

  /// The shape of `tiledTensor`: tile sizes range over its height and width.
  public var tiledShape: TensorShape { shape(ofTensor: tiledTensor) }

  /// Whether layer `index` starts a new channel stage: a mixing layer (every output channel
  /// reads every input channel), or a concat inside the segment (its channels are not its
  /// input's). Either folds each chunk of its input stage into its output as that chunk is done.
  public func startsStage(_ index: Int) -> Bool {
    layers[index].kind == .mixing || isInnerConcat(index)
  }

  /// Whether layer `index` is a concat with later layers reading its output on chip.
  public func isInnerConcat(_ index: Int) -> Bool { layers[index].kind == .concat && index < layers.count - 1 }

  /// The stage of every tensor (0 for the input).
  public var stageOfTensor: [Int] {
    var stages = [0]
    for index in layers.indices { stages.append(stages[stages.count - 1] + (startsStage(index) ? 1 : 0)) }
    return stages
  }

  /// Channels of each stage.
  public var stageChannels: [Int] {
    var channels: [Int] = [input.channels]
    for index in layers.indices where startsStage(index) { channels.append(layers[index].output.channels) }
    return channels
  }

  /// Stages every schedule keeps whole (one chunk): those of a tensor an add or a concat reads
  /// on chip as its skip, of a tensor a branch reads (both readers need it for the same tile),
  /// and of a concat inside the segment (its readers need every channel, and its skip is copied
  /// in once per tile).
  public var wholeStages: Set<Int> {
    let stages = stageOfTensor
    var whole = Set(branchSources.map { stages[$0] })
    for (index, layer) in layers.enumerated() {
      if case .layer(let source)? = layer.skip { whole.insert(stages[source + 1]) }
      if isInnerConcat(index) { whole.insert(stages[index + 1]) }
    }
    return whole
  }

  public var lastStage: Int { stageChannels.count - 1 }

  /// Whether the add at `index` writes its sum over its chain input (tensor `index`), needing no
  /// buffer of its own: only when no later layer reads that tensor (as its skip operand, or as a
  /// branch).
  public func addWritesInPlace(_ index: Int) -> Bool {
    guard layers[index].kind == .add else { return false }
    return !layers[(index + 1)...].contains { layer in
      if case .layer(let source)? = layer.skip, source + 1 == index { return true }
      return layer.branchFrom == index
    }
  }

  /// Whether layer `index`'s output takes no buffer region of its own: an add in place, or a
  /// final concat (its operands' tiles go to DRAM as they are).
  public func outputNeedsNoRegion(_ index: Int) -> Bool {
    addWritesInPlace(index) || (layers[index].kind == .concat && index == layers.count - 1)
  }

  public var macs: Int { layers.reduce(0) { $0 + $1.macs } }
  public var weightCount: Int { layers.reduce(0) { $0 + $1.weightCount } }

  /// Checks the chain is well formed: shapes follow from layer to layer, depthwise layers and
  /// adds keep their channels, skip operands have the add's shape and come from earlier layers.
  public func validate() throws(FusionError) {
    guard !layers.isEmpty else { throw FusionError(segment: name, reason: "a segment needs at least one layer") }
    guard layers[0].kind != .add else {
      // It would write in place over the segment input, which later tiles may still read.
      throw FusionError(segment: name, reason: "add '\(layers[0].name)' cannot start a segment: the first layer reads the segment input alone")
    }
    var previous = input
    var macs = 0
    for (index, layer) in layers.enumerated() {
      // First, so that nothing below (nor the models) can overflow on absurd sizes.
      let limitProblem = Limits.layerProblem(
        input: layer.input, output: layer.output, kernel: layer.kernel, stride: layer.stride, padding: layer.padding,
        reduction: layer.kind == .mixing ? layer.input.channels : 1)
      if let limitProblem { throw FusionError(segment: name, reason: "layer \(excerpt(layer.name)): \(limitProblem)") }
      guard min(layer.kernel.height, layer.kernel.width, layer.stride.height, layer.stride.width) >= 1,
        min(layer.padding.top, layer.padding.left, layer.padding.bottom, layer.padding.right) >= 0,
        min(layer.input.channels, layer.input.height, layer.input.width) >= 1
      else {
        throw FusionError(segment: name, reason: "layer \(excerpt(layer.name)): sizes, kernel and stride must be at least 1, padding at least 0")
      }
      macs += layer.macs
      guard macs <= Limits.networkMACs else {
        throw FusionError(segment: name, reason: "more than \(Limits.describe(Limits.networkMACs)) multiply-accumulates, the most accepted")
      }
      if let source = layer.branchFrom {
        // The branch's stage reads its source's stage alone: the stage before it is whole (a
        // skip source), so no chunk loop of it wraps the branch.
        let from = source == 0 ? "the segment input" : "tensor \(source)"
        guard index >= 1, layer.kind == .mixing, (0..<index).contains(source) else {
          throw FusionError(
            segment: name,
            reason: "layer '\(layer.name)' branches from \(from): only a convolution after the first layer may, from an earlier tensor")
        }
        guard layer.input == shape(ofTensor: source) else {
          throw FusionError(
            segment: name, reason: "layer '\(layer.name)' branches from \(from), \(shape(ofTensor: source)), but reads \(layer.input)")
        }
        guard layers[(index + 1)...].contains(where: { $0.skip == .layer(index - 1) }) else {
          throw FusionError(
            segment: name,
            reason: "layer '\(layer.name)' branches from \(from), so '\(layers[index - 1].name)''s output must be a later add's or concat's skip")
        }
      } else {
        guard layer.input == previous else {
          throw FusionError(
            segment: name, reason: "layer '\(layer.name)' reads \(layer.input) but the chain gives it \(previous)")
        }
      }
      switch layer.kind {
      case .depthwise, .add, .maxPool, .globalAveragePool, .upsample:
        guard layer.output.channels == layer.input.channels else {
          throw FusionError(segment: name, reason: "layer '\(layer.name)' must keep its \(layer.input.channels) channels")
        }
      case .mixing, .concat: break
      }
      if layer.kind == .globalAveragePool {
        guard index == layers.count - 1, index >= 1 else {
          throw FusionError(
            segment: name, reason: "global pool '\(layer.name)' can only end a segment, after at least one other layer")
        }
        guard layer.output.height == 1, layer.output.width == 1 else {
          throw FusionError(segment: name, reason: "global pool '\(layer.name)' must give 1x1, not \(layer.output)")
        }
        // The sums are divided by H x W: one window over the whole unpadded input.
        guard layer.kernel == Extent2D(height: layer.input.height, width: layer.input.width), layer.padding == .zero else {
          throw FusionError(
            segment: name, reason: "global pool '\(layer.name)' must have one unpadded window of its input's \(layer.input.height)x\(layer.input.width)")
        }
        previous = layer.output
        continue
      }
      if layer.kind == .concat {
        guard index >= 1 else {
          throw FusionError(segment: name, reason: "concat '\(layer.name)' cannot start a segment: it joins the chain with its skip")
        }
        // The skip is an earlier layer's output on chip (not the chain tensor itself) or a tensor
        // outside the segment, read from DRAM (the segment input: not modelled).
        let skip: TensorShape
        switch layer.skip {
        case .layer(let source)? where source < index - 1:
          skip = layers[source].output
        case .external?:
          guard layer.skipChannels >= 1 else {
            throw FusionError(segment: name, reason: "concat '\(layer.name)' gives \(layer.output) from the chain's \(layer.input) alone")
          }
          skip = TensorShape(channels: layer.skipChannels, height: layer.input.height, width: layer.input.width)
        default:
          throw FusionError(
            segment: name,
            reason: "concat '\(layer.name)' must join the chain with an earlier layer's output of the segment or a tensor outside it")
        }
        guard skip.height == layer.input.height, skip.width == layer.input.width,
          layer.output == TensorShape(channels: layer.input.channels + skip.channels, height: skip.height, width: skip.width)
        else {
          throw FusionError(
            segment: name, reason: "concat '\(layer.name)' of \(layer.input) and \(skip) cannot give \(layer.output)")
        }
        guard layer.kernel == Extent2D(square: 1), layer.stride == Extent2D(square: 1), layer.padding == .zero else {
          throw FusionError(segment: name, reason: "concat '\(layer.name)' has no window")
        }
        previous = layer.output
        continue
      }
      if layer.kind == .add {
        guard layer.output == layer.input, layer.kernel == Extent2D(square: 1), layer.stride == Extent2D(square: 1) else {
          throw FusionError(segment: name, reason: "add '\(layer.name)' must keep its input's shape")
        }
        switch layer.skip {
        case nil:
          throw FusionError(segment: name, reason: "add '\(layer.name)' has no skip operand")
        case .segmentInput?:
          guard input == layer.output else {
            throw FusionError(segment: name, reason: "add '\(layer.name)': the segment input \(input) is not \(layer.output)")
          }
        case .layer(let source)?:
          guard source < index, layers[source].output == layer.output else {
            throw FusionError(segment: name, reason: "add '\(layer.name)': skip layer \(source) is not an earlier tensor of its shape")
          }
        case .external: break
        }
      }
      if layer.kind == .upsample {
        guard layer.stride.height == layer.stride.width, layer.kernel == Extent2D(square: 1), layer.padding == .zero else {
          throw FusionError(
            segment: name, reason: "upsample '\(layer.name)' needs one factor for both axes (its stride) and no window or padding")
        }
      }
      let expected = Self.outputExtent(layer)
      guard layer.output.height == expected.height, layer.output.width == expected.width,
        layer.output.height > 0, layer.output.width > 0
      else {
        throw FusionError(segment: name, reason: "layer '\(layer.name)': its window gives \(expected), not \(layer.output)")
      }
      previous = layer.output
    }
  }

  private static func outputExtent(_ layer: SegmentLayer) -> Extent2D {
    if layer.kind == .upsample {
      return Extent2D(height: layer.input.height * layer.stride.height, width: layer.input.width * layer.stride.width)
    }
    func extent(_ input: Int, _ kernel: Int, _ stride: Int, _ before: Int, _ after: Int) -> Int {
      (input + before + after - kernel) / stride + 1
    }
    return Extent2D(
      height: extent(layer.input.height, layer.kernel.height, layer.stride.height, layer.padding.top, layer.padding.bottom),
      width: extent(layer.input.width, layer.kernel.width, layer.stride.width, layer.padding.left, layer.padding.right))
  }
}

/// A chain that cannot be fused, or a segment schedule that is not legal for its segment.
public struct FusionError: Error, Hashable, Sendable, CustomStringConvertible {
  public var segment: String
  public var reason: String

  public init(segment: String, reason: String) {
    self.segment = segment
    self.reason = reason
  }

  public var description: String { "segment '\(segment)': \(reason)" }
}
