import Networks

/// A loop of a convolution's tile nest.
public enum ConvolutionDimension: String, Hashable, Sendable, Codable, CaseIterable {
  /// Output channels (absent for depthwise layers, whose output channels follow their input channels).
  case outputChannels = "co"
  /// Input channels: the reduction of a standard convolution; the channel groups of a depthwise one.
  case inputChannels = "ci"
  /// Output rows.
  case rows = "h"
  /// Output columns.
  case columns = "w"
}

/// Keyed by name in JSON (`{"co": 16}`), so that a tiling encodes to the same bytes every time
/// (a dictionary with other keys encodes as a list in hash order).
extension ConvolutionDimension: CodingKeyRepresentable {}

/// What the tiling model needs of a convolution layer: shapes, window and whether it is depthwise.
public struct ConvolutionProblem: Hashable, Sendable, Codable {
  public var input: TensorShape
  public var output: TensorShape
  public var kernel: Extent2D
  public var stride: Extent2D
  public var padding: Padding
  /// One group per input channel; output channels = input channels x multiplier.
  public var isDepthwise: Bool

  public init(input: TensorShape, output: TensorShape, kernel: Extent2D, stride: Extent2D, padding: Padding, isDepthwise: Bool) {
    self.input = input
    self.output = output
    self.kernel = kernel
    self.stride = stride
    self.padding = padding
    self.isDepthwise = isDepthwise
  }

  /// The convolution of an analysed layer; nil for layers that are not standard or depthwise
  /// convolutions (grouped convolutions with 1 < groups < channels are not tiled by this model).
  public init?(_ layer: LayerAnalysis) {
    guard layer.layer.convolution != nil, layer.groups == 1 || layer.kind == .depthwise else { return nil }
    self.init(
      input: layer.inputShape, output: layer.outputShape, kernel: layer.kernel, stride: layer.stride,
      padding: layer.padding, isDepthwise: layer.kind == .depthwise)
  }

  /// The loops of this convolution's nest.
  public var dimensions: [ConvolutionDimension] {
    isDepthwise ? [.inputChannels, .rows, .columns] : [.outputChannels, .inputChannels, .rows, .columns]
  }

  /// Output channels per input channel of a depthwise layer (1 for a standard convolution's bookkeeping).
  public var multiplier: Int { isDepthwise ? output.channels / max(1, input.channels) : 1 }

  /// The extent a dimension's tiles cover.
  public func extent(of dimension: ConvolutionDimension) -> Int {
    switch dimension {
    case .outputChannels: return output.channels
    case .inputChannels: return input.channels
    case .rows: return output.height
    case .columns: return output.width
    }
  }

  public var weightCount: Int {
    let perGroup = isDepthwise ? multiplier : output.channels
    return perGroup * input.channels * kernel.height * kernel.width
  }

  public var macs: Int {
    let reduction = isDepthwise ? 1 : input.channels
    return output.channels * output.height * output.width * reduction * kernel.height * kernel.width
  }

  /// Input elements some output reads: padding is not read, and with a stride larger than the
  /// kernel the rows and columns between windows are not either (a strided 1x1 reads a quarter).
  public var inputElementsRead: Int {
    let rows = AxisIntervals.windows(
      outputExtent: output.height, size: output.height, stride: stride.height, kernel: kernel.height,
      padding: padding.top, inputExtent: input.height
    ).length(0)
    let columns = AxisIntervals.windows(
      outputExtent: output.width, size: output.width, stride: stride.width, kernel: kernel.width,
      padding: padding.left, inputExtent: input.width
    ).length(0)
    return input.channels * rows * columns
  }
}
