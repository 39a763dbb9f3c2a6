import Networks
import Tiling

/// Random tiny fused segments (chains, max pools, upsamples, adds, concats of a DRAM tensor at
/// the end or inside, branches from the input into an add, global pools, fire modules: two
/// expands side by side into a concat, sometimes with a layer after it) and legal tilings for
/// them, so that the walk of every schedule stays fast: 1-5 layers, 1-6 channels, 1-9 rows and
/// columns at the input.
public enum SegmentWalkGenerator {
  public static func segment(using random: inout SplitMix64) -> FusedSegment {
    let input = TensorShape(
      channels: Int.random(in: 1...6, using: &random), height: Int.random(in: 1...9, using: &random),
      width: Int.random(in: 1...9, using: &random))
    // One segment in ten is a residual block within a chain, whose skip a line buffer can keep;
    // one in ten a fire module.
    switch Int.random(in: 0..<10, using: &random) {
    case 0: return block(input, using: &random)
    case 1: return fire(input, using: &random)
    default: break
    }
    let count = Int.random(in: 1...5, using: &random)
    var layers: [SegmentLayer] = []
    var current = input
    // Half the chains keep the input's shape (stride 1, "same" padding, mixing layers often
    // back to the input's channels), as residual blocks do, so that adds can read the segment input.
    let keepsShape = Bool.random(using: &random)
    while layers.count < count {
      let layer: SegmentLayer
      // An add or a concat cannot start a segment (an add would write in place over the
      // segment input).
      switch Int.random(in: 0..<(layers.isEmpty ? 7 : 11), using: &random) {
      case 0..<4:
        layer = window(.mixing, after: current, index: layers.count, keeping: keepsShape ? input : nil, using: &random)
      case 4..<6:
        layer = window(.depthwise, after: current, index: layers.count, keeping: keepsShape ? input : nil, using: &random)
      case 6:
        // Half the time an upsample (by 2 or 3) where the chain may change its extent and the
        // result stays small.
        let factor = Int.random(in: 2...3, using: &random)
        if !keepsShape && Bool.random(using: &random) && current.height * factor <= 12 && current.width * factor <= 12 {
          layer = upsample(current, factor: factor, index: layers.count)
        } else {
          layer = window(.maxPool, after: current, index: layers.count, keeping: keepsShape ? input : nil, using: &random)
        }
      case 10:
        // A concat with a tensor in DRAM, inside the chain when layers follow it (YOLO's route
        // before a convolution).
        layer = concat(current, dramChannels: Int.random(in: 1...3, using: &random), chainFirst: Bool.random(using: &random), index: layers.count)
      default: layer = add(after: current, input: input, earlier: layers, using: &random)
      }
      layers.append(layer)
      current = layer.output
    }
    // One chain in four closes with a branch from an earlier tensor (the input half the time)
    // into an add with the chain, as a ResNet block with a downsample does, alone or after
    // earlier blocks (when a plain window maps that tensor onto the chain's extent).
    let source = Bool.random(using: &random) ? 0 : Int.random(in: 0..<layers.count, using: &random)
    let sourceShape = source == 0 ? input : layers[source - 1].output
    if Int.random(in: 0..<4, using: &random) == 0,
      let branch = branch(from: sourceShape, source: source, to: current, index: layers.count)
    {
      let previous = layers.count - 1
      layers.append(branch)
      layers.append(SegmentLayer(name: "add\(layers.count)", kind: .add, input: current, output: current, skip: .layer(previous)))
    }
    // One chain in five ends in a global average pool, as a network's head does; one in six of
    // the others in a concat with a tensor in DRAM, as YOLO's routes do.
    if Int.random(in: 0..<5, using: &random) == 0 {
      layers.append(globalPool(after: current))
    } else if Int.random(in: 0..<6, using: &random) == 0 {
      layers.append(concat(current, dramChannels: Int.random(in: 1...3, using: &random), chainFirst: Bool.random(using: &random), index: layers.count))
    }
    return FusedSegment(name: "random", input: input, inputName: "in", inputBits: 8, layers: layers)
  }

  /// A mixing (1x1 or KxK), depthwise or max-pool (KxK, Kx1, 1xK) layer, strides 1-2, padding
  /// per side below the kernel, asymmetric; or, keeping `shape`'s extent, 1x1 or 3x3 at stride 1.
  private static func window(
    _ kind: SegmentLayer.Kind, after input: TensorShape, index: Int, keeping shape: TensorShape?,
    using random: inout SplitMix64
  ) -> SegmentLayer {
    if let shape {
      let size = [1, 3].randomElement(using: &random) ?? 1
      let channels = kind != .mixing || Int.random(in: 0..<4, using: &random) > 0 ? shape.channels : Int.random(in: 1...6, using: &random)
      let side = (size - 1) / 2
      return SegmentLayer(
        name: "\(kind)\(index)", kind: kind, input: input,
        output: TensorShape(channels: kind == .mixing ? channels : input.channels, height: input.height, width: input.width),
        kernel: Extent2D(square: size), padding: Padding(top: side, left: side, bottom: side, right: side), weightBits: 4)
    }
    let size = Int.random(in: 1...3, using: &random)
    let kernel: Extent2D
    switch kind == .mixing ? 0 : Int.random(in: 0..<3, using: &random) {
    case 1: kernel = Extent2D(height: size, width: 1)
    case 2: kernel = Extent2D(height: 1, width: size)
    default: kernel = Extent2D(square: size)
    }
    let stride = Extent2D(height: Int.random(in: 1...2, using: &random), width: Int.random(in: 1...2, using: &random))
    var padding = Padding(
      top: Int.random(in: 0..<kernel.height, using: &random), left: Int.random(in: 0..<kernel.width, using: &random),
      bottom: Int.random(in: 0..<kernel.height, using: &random), right: Int.random(in: 0..<kernel.width, using: &random))
    // The window must fit the padded input at least once.
    padding.bottom = max(padding.bottom, kernel.height - input.height - padding.top)
    padding.right = max(padding.right, kernel.width - input.width - padding.left)
    let height = (input.height + padding.top + padding.bottom - kernel.height) / stride.height + 1
    let width = (input.width + padding.left + padding.right - kernel.width) / stride.width + 1
    let channels = kind == .mixing ? Int.random(in: 1...6, using: &random) : input.channels
    return SegmentLayer(
      name: "\(kind)\(index)", kind: kind, input: input, output: TensorShape(channels: channels, height: height, width: width),
      kernel: kernel, stride: stride, padding: padding, weightBits: 4)
  }

  /// A concat of the chain (`input`) and a tensor in DRAM of `dramChannels` channels.
  public static func concat(_ input: TensorShape, dramChannels: Int, chainFirst: Bool, index: Int) -> SegmentLayer {
    SegmentLayer(
      name: "concat\(index)", kind: .concat, input: input,
      output: TensorShape(channels: input.channels + dramChannels, height: input.height, width: input.width),
      skip: .external(name: "routed", bits: 8), chainFirst: chainFirst)
  }

  /// Nearest-neighbour upsampling of `input` by `factor` on both axes.
  public static func upsample(_ input: TensorShape, factor: Int, index: Int) -> SegmentLayer {
    SegmentLayer(
      name: "upsample\(index)", kind: .upsample, input: input,
      output: TensorShape(channels: input.channels, height: input.height * factor, width: input.width * factor),
      stride: Extent2D(square: factor))
  }

  /// A layer keeping `input`'s extent (mixing 1x1 or depthwise 3x3), a 3x3 layer after it
  /// (depthwise or mixing) and an add reading the first layer's output as its skip, then
  /// sometimes a 1x1 mixing layer: a residual block inside a longer segment, where the 3x3
  /// layer's line buffer on its input also keeps the rows the add has yet to read.
  private static func block(_ input: TensorShape, using random: inout SplitMix64) -> FusedSegment {
    let same = Padding(top: 1, left: 1, bottom: 1, right: 1)
    let first: SegmentLayer
    if Bool.random(using: &random) {
      let channels = Int.random(in: 1...6, using: &random)
      first = SegmentLayer(
        name: "mixing0", kind: .mixing, input: input,
        output: TensorShape(channels: channels, height: input.height, width: input.width), weightBits: 4)
    } else {
      first = SegmentLayer(
        name: "depthwise0", kind: .depthwise, input: input, output: input, kernel: Extent2D(square: 3), padding: same,
        weightBits: 4)
    }
    let shape = first.output
    let kind: SegmentLayer.Kind = Bool.random(using: &random) ? .depthwise : .mixing
    var layers = [
      first,
      SegmentLayer(name: "\(kind)1", kind: kind, input: shape, output: shape, kernel: Extent2D(square: 3), padding: same, weightBits: 4),
      SegmentLayer(name: "add2", kind: .add, input: shape, output: shape, skip: .layer(0)),
    ]
    if Bool.random(using: &random) {
      layers.append(
        SegmentLayer(
          name: "mixing3", kind: .mixing, input: shape,
          output: TensorShape(channels: Int.random(in: 1...6, using: &random), height: shape.height, width: shape.width),
          weightBits: 4))
    }
    return FusedSegment(name: "random", input: input, inputName: "in", inputBits: 8, layers: layers)
  }

  /// A fire module (SqueezeNet's): a 1x1 squeeze, then a 1x1 expand and a KxK expand ("same"
  /// padding, K 1 or 3 per axis) both reading the squeeze's output, the second as a branch, and a
  /// concat of the two, either first. Sometimes a window layer (pool or convolution, any stride)
  /// before the squeeze; sometimes no squeeze, the expands reading the segment input; half the
  /// time a window layer after the concat, which then stays on chip (the next fire module's
  /// squeeze, or a pool).
  private static func fire(_ input: TensorShape, using random: inout SplitMix64) -> FusedSegment {
    var layers: [SegmentLayer] = []
    var current = input
    if Bool.random(using: &random) {
      let kind = [SegmentLayer.Kind.maxPool, .depthwise, .mixing].randomElement(using: &random) ?? .maxPool
      let first = window(kind, after: current, index: 0, keeping: nil, using: &random)
      layers.append(first)
      current = first.output
    }
    if !layers.isEmpty || Bool.random(using: &random) {
      let squeeze = SegmentLayer(
        name: "squeeze\(layers.count)", kind: .mixing, input: current,
        output: TensorShape(channels: Int.random(in: 1...4, using: &random), height: current.height, width: current.width),
        weightBits: 4)
      layers.append(squeeze)
      current = squeeze.output
    }
    let source = layers.count
    func expanded() -> TensorShape {
      TensorShape(channels: Int.random(in: 1...4, using: &random), height: current.height, width: current.width)
    }
    let narrow = SegmentLayer(name: "expand\(source)", kind: .mixing, input: current, output: expanded(), weightBits: 4)
    let kernel = Extent2D(height: [1, 3].randomElement(using: &random) ?? 3, width: [1, 3].randomElement(using: &random) ?? 3)
    let side = (height: (kernel.height - 1) / 2, width: (kernel.width - 1) / 2)
    let wide = SegmentLayer(
      name: "expand\(source + 1)", kind: .mixing, input: current, output: expanded(), kernel: kernel,
      padding: Padding(top: side.height, left: side.width, bottom: side.height, right: side.width), branchFrom: source,
      weightBits: 4)
    let joined = TensorShape(
      channels: narrow.output.channels + wide.output.channels, height: current.height, width: current.width)
    layers += [
      narrow, wide,
      SegmentLayer(
        name: "concat\(source + 2)", kind: .concat, input: wide.output, output: joined, skip: .layer(source),
        chainFirst: Bool.random(using: &random)),
    ]
    if Bool.random(using: &random) {
      let kind = [SegmentLayer.Kind.mixing, .mixing, .maxPool, .depthwise].randomElement(using: &random) ?? .mixing
      layers.append(window(kind, after: joined, index: layers.count, keeping: nil, using: &random))
    }
    return FusedSegment(name: "random", input: input, inputName: "in", inputBits: 8, layers: layers)
  }

  /// A mixing layer reading tensor `source` (the segment input by default), of shape `input`,
  /// that gives `output`'s shape: per axis a kernel of in - out + 1 at stride 1 without padding;
  /// nil where the chain grew an axis.
  public static func branch(from input: TensorShape, source: Int = 0, to output: TensorShape, index: Int) -> SegmentLayer? {
    guard output.height <= input.height, output.width <= input.width else { return nil }
    return SegmentLayer(
      name: "branch\(index)", kind: .mixing, input: input, output: output,
      kernel: Extent2D(height: input.height - output.height + 1, width: input.width - output.width + 1),
      branchFrom: source, weightBits: 4)
  }

  /// A global average pool of the whole `input`, as the network formats give it: a window of
  /// its extent, 1x1 out.
  public static func globalPool(after input: TensorShape, name: String = "pool") -> SegmentLayer {
    SegmentLayer(
      name: name, kind: .globalAveragePool, input: input,
      output: TensorShape(channels: input.channels, height: 1, width: 1),
      kernel: Extent2D(height: input.height, width: input.width))
  }

  /// An add whose skip is the segment input (when shapes allow), an earlier layer of the same
  /// shape, or an external tensor.
  private static func add(
    after input: TensorShape, input segmentInput: TensorShape, earlier: [SegmentLayer], using random: inout SplitMix64
  ) -> SegmentLayer {
    var skips: [SegmentLayer.Skip] = [.external(name: "outside", bits: 16)]
    if segmentInput == input { skips += [.segmentInput, .segmentInput, .segmentInput, .segmentInput] }
    for (index, layer) in earlier.enumerated() where layer.output == input { skips += [.layer(index), .layer(index)] }
    let skip = skips[Int.random(in: 0..<skips.count, using: &random)]
    return SegmentLayer(name: "add\(earlier.count)", kind: .add, input: input, output: input, skip: skip)
  }

  /// A random tiling that `SegmentModel.validate` accepts: any tile and chunk sizes, scan,
  /// residency; line buffers where legal. Stages read as skips on chip are made whole.
  public static func tiling(for segment: FusedSegment, using random: inout SplitMix64) -> SegmentTiling {
    let model = SegmentModel(segment: segment)
    let stages = segment.stageChannels
    let output = segment.tiledShape
    // Row bands (where line buffers are legal) one time in three; two in three when an add reads
    // an earlier layer or the segment input, so that line buffers keeping a skip's rows come up often.
    let keepableSkip = segment.layers.contains {
      switch $0.skip {
      case .layer?, .segmentInput?: true
      case .external?, nil: false
      }
    }
    let rowBands = Int.random(in: 0..<3, using: &random) < (keepableSkip ? 2 : 1)
    var chunks = stages.map { channels in
      Int.random(in: 0..<3, using: &random) == 0 ? channels : Int.random(in: 1...channels, using: &random)
    }
    for stage in segment.wholeStages { chunks[stage] = stages[stage] }
    var tiling = SegmentTiling(
      rows: Int.random(in: 1...output.height, using: &random),
      columns: rowBands ? output.width : Int.random(in: 1...output.width, using: &random), scan: Bool.random(using: &random),
      chunks: chunks, resident: segment.layers.map { _ in Bool.random(using: &random) },
      lineBuffers: segment.layers.indices.map { $0 >= 1 && Int.random(in: 0..<3, using: &random) == 0 })
    // In row bands, the layer after an on-chip skip's source often keeps a line buffer on it
    // (random flags alone rarely pick the one layer where that is legal).
    // Likewise the segment input's line buffer when an add reads it, with the input's stage
    // whole (without which the add reads its skip from DRAM anyway).
    if rowBands {
      for layer in segment.layers {
        if case .layer(let source)? = layer.skip, Bool.random(using: &random) { tiling.lineBuffers[source + 1] = true }
      }
      // And the layer after a concat inside the segment, on the concat's output.
      for index in segment.layers.indices.dropLast() where segment.isInnerConcat(index) && Bool.random(using: &random) {
        tiling.lineBuffers[index + 1] = true
      }
      if segment.addsReadInput && Bool.random(using: &random) {
        tiling.lineBuffers[0] = true
        tiling.chunks[0] = stages[0]
      }
    }
    // Drop line buffers until the model accepts the tiling (the segment input's last).
    for index in Array(segment.layers.indices.dropFirst()) + [0] where tiling.lineBuffers[index] {
      if (try? model.validate(tiling)) != nil { break }
      tiling.lineBuffers[index] = false
    }
    return tiling
  }

  /// What a schedule does with the concats inside its segment, for the property tests' coverage
  /// counters: whether it has one over several tiles, one whose chain stage is chunked, one of
  /// a tensor in DRAM over several tiles, and a line buffer on one's output.
  public static func innerConcatFeatures(_ segment: FusedSegment, _ tiling: SegmentTiling) -> [String: Bool] {
    let inner = segment.layers.indices.filter(segment.isInnerConcat)
    let tiled = segment.tiledShape
    let overTiles = tiling.rows * tiling.columns < tiled.height * tiled.width
    let stages = segment.stageOfTensor
    return [
      "concat inside over tiles": !inner.isEmpty && overTiles,
      "concat inside over chunks of its chain": inner.contains {
        tiling.chunks[stages[$0]] < segment.stageChannels[stages[$0]]
      },
      "concat inside of a DRAM tensor over tiles": overTiles && inner.contains {
        if case .external? = segment.layers[$0].skip { true } else { false }
      },
      "line buffer on a concat inside": tiling.rows < tiled.height && inner.contains { tiling.lineBuffers[$0 + 1] },
    ]
  }

  /// The names `innerConcatFeatures` counts.
  public static let innerConcatFeatureNames = [
    "concat inside over tiles", "concat inside over chunks of its chain", "concat inside of a DRAM tensor over tiles",
    "line buffer on a concat inside",
  ]

  /// e.g. `2x5x7 -> mixing 3x3 s1x2 t1 l0 b2 r1 -> 4 ... add(input)`.
  public static func describe(_ segment: FusedSegment) -> String {
    var text = "\(segment.input)"
    for layer in segment.layers {
      switch layer.kind {
      case .add: text += " -> add(\(layer.skip.map { "\($0)" } ?? "-"))"
      case .mixing where layer.branchFrom != nil:
        text += " -> branch from tensor \(layer.branchFrom ?? 0) \(layer.kernel) -> \(layer.output)"
      case .concat: text += " -> concat(\(layer.skip.map { "\($0)" } ?? "-"), \(layer.chainFirst ? "chain first" : "skip first"))"
      case .globalAveragePool: text += " -> global pool"
      default:
        text += " -> \(layer.kind) \(layer.kernel) s\(layer.stride) p\(layer.padding) -> \(layer.output)"
      }
    }
    return text
  }
}
