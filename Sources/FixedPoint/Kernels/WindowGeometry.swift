import Networks

/// The geometry of a sliding-window layer (convolution, pooling): shapes, kernel, stride,
/// asymmetric padding and channel groups, with the input box an output box reads.
///
/// Output pixel (y, x) reads input rows y*strideY - top + 0 ..< kernelHeight and columns
/// x*strideX - left + 0 ..< kernelWidth; rows and columns outside the input are padding (zero for
/// convolutions, ignored by max pooling, counted as zero by average pooling up to the padded edge).
package struct WindowGeometry: Hashable, Sendable {
  package var input: TensorShape
  package var output: TensorShape
  package var kernel: Extent2D
  package var stride: Extent2D
  package var padding: Padding
  /// Channel groups: output channel o reads input channels of group o / (output channels / groups).
  package var groups: Int
  /// Average pooling's divisor counts the padding inside the window (`Pooling.countsPadding`).
  package var countsPadding: Bool

  package init(
    input: TensorShape, output: TensorShape, kernel: Extent2D, stride: Extent2D, padding: Padding, groups: Int = 1,
    countsPadding: Bool = true
  ) {
    precondition(groups >= 1 && input.channels % groups == 0 && output.channels % groups == 0, "bad groups \(groups)")
    self.input = input
    self.output = output
    self.kernel = kernel
    self.stride = stride
    self.padding = padding
    self.groups = groups
    self.countsPadding = countsPadding
  }

  /// The geometry shape inference gave a layer.
  package init(_ layer: LayerAnalysis) {
    self.init(
      input: layer.inputShape, output: layer.outputShape, kernel: layer.kernel, stride: layer.stride,
      padding: layer.padding, groups: layer.groups, countsPadding: Self.countsPadding(layer.layer))
  }

  private static func countsPadding(_ layer: Layer) -> Bool {
    if case .pooling(let pooling) = layer.operation { pooling.countsPadding } else { true }
  }

  package var inputChannelsPerGroup: Int { input.channels / groups }
  package var outputChannelsPerGroup: Int { output.channels / groups }

  /// Input channels output channel `channel` reads.
  package func inputChannels(ofOutputChannel channel: Int) -> Range<Int> {
    let group = channel / outputChannelsPerGroup
    return (group * inputChannelsPerGroup)..<((group + 1) * inputChannelsPerGroup)
  }

  /// Where the weights of output channel `outputChannel` for input channel `inputChannel` (one
  /// it reads) start in the layer's weights, [outputChannel][inputChannel / groups][kernelRow]
  /// [kernelColumn]: the kernel's positions follow from there.
  package func weightOffset(outputChannel: Int, inputChannel: Int) -> Int {
    let first = inputChannels(ofOutputChannel: outputChannel).lowerBound
    return (outputChannel * inputChannelsPerGroup + inputChannel - first) * kernel.height * kernel.width
  }

  /// Input rows (inside the tensor) that output rows `rows` read.
  package func inputRows(of rows: Range<Int>) -> Range<Int> {
    guard !rows.isEmpty else { return 0..<0 }
    let first = max(0, rows.lowerBound * stride.height - padding.top)
    let last = min(input.height, (rows.upperBound - 1) * stride.height - padding.top + kernel.height)
    return first..<max(first, last)
  }

  /// Input columns (inside the tensor) that output columns `columns` read.
  package func inputColumns(of columns: Range<Int>) -> Range<Int> {
    guard !columns.isEmpty else { return 0..<0 }
    let first = max(0, columns.lowerBound * stride.width - padding.left)
    let last = min(input.width, (columns.upperBound - 1) * stride.width - padding.left + kernel.width)
    return first..<max(first, last)
  }

  /// The input box an output region reads from the channels in `inputChannels`: the caller of a
  /// kernel must provide at least this box (padding is never provided, it is implied).
  package func inputRegion(of region: TensorRegion, inputChannels: Range<Int>) -> TensorRegion {
    var channels = 0..<0
    if !region.channels.isEmpty {
      let first = self.inputChannels(ofOutputChannel: region.channels.lowerBound).lowerBound
      let last = self.inputChannels(ofOutputChannel: region.channels.upperBound - 1).upperBound
      channels = inputChannels.clamped(to: first..<last)
      if channels.isEmpty { channels = 0..<0 }
    }
    return TensorRegion(channels: channels, rows: inputRows(of: region.rows), columns: inputColumns(of: region.columns))
  }

  /// Output columns whose window column `kernelColumn` falls inside the input, within `columns`.
  func validColumns(kernelColumn: Int, within columns: Range<Int>) -> Range<Int> {
    let low = max(columns.lowerBound, ceilDivide(padding.left - kernelColumn, stride.width))
    let high = min(columns.upperBound, floorDivide(input.width - 1 + padding.left - kernelColumn, stride.width) + 1)
    return low..<max(low, high)
  }

  /// Output rows whose window row `kernelRow` falls inside the input, within `rows`.
  func validRows(kernelRow: Int, within rows: Range<Int>) -> Range<Int> {
    let low = max(rows.lowerBound, ceilDivide(padding.top - kernelRow, stride.height))
    let high = min(rows.upperBound, floorDivide(input.height - 1 + padding.top - kernelRow, stride.height) + 1)
    return low..<max(low, high)
  }
}
