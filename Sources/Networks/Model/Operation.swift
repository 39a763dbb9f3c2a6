/// What a layer computes. Shapes are not stored: they are inferred from the
/// network input (see `Network.analyze()`).
public enum Operation: Hashable, Sendable, Codable {
  /// KxK convolution, including pointwise (1x1) and grouped/depthwise ones.
  case convolution(Convolution)
  /// Fully connected layer over the flattened input (C*H*W features).
  case fullyConnected(FullyConnected)
  /// Max or average pooling with a window.
  case pooling(Pooling)
  /// Average over the whole spatial extent: [C, H, W] -> [C, 1, 1].
  case globalAveragePool
  /// Element-wise sum of two or more tensors of the same shape (residual add).
  case add
  /// Concatenation along channels of tensors with the same height and width.
  case concat
  /// Nearest-neighbour upsampling by an integer factor.
  case upsample(factor: Int)
}

/// Output channel count of a convolution: absolute, or a multiple of its input channels
/// (as in a depthwise layer's channel multiplier or an inverted-residual expansion).
public enum ChannelCount: Hashable, Sendable, Codable, CustomStringConvertible {
  case absolute(Int)
  case timesInput(Int)

  public func resolve(inputChannels: Int) -> Int? {
    switch self {
    case .absolute(let count): return count
    case .timesInput(let factor): return checkedProduct([factor, inputChannels])
    }
  }

  public var description: String {
    switch self {
    case .absolute(let count): return "\(count)"
    case .timesInput(let factor): return "\(factor)x"
    }
  }
}

/// Channel groups of a convolution: a fixed count, or one group per input channel (depthwise).
public enum ConvolutionGroups: Hashable, Sendable, Codable {
  case count(Int)
  case depthwise

  public func resolve(inputChannels: Int) -> Int {
    switch self {
    case .count(let groups): return groups
    case .depthwise: return inputChannels
    }
  }
}

public struct Convolution: Hashable, Sendable, Codable {
  public var outputChannels: ChannelCount
  public var kernel: Extent2D
  public var stride: Extent2D
  public var padding: Padding
  public var groups: ConvolutionGroups
  /// Whether the layer has a bias per output channel (batch norm folded in counts as one).
  public var hasBias: Bool

  public init(
    outputChannels: ChannelCount, kernel: Extent2D, stride: Extent2D = Extent2D(square: 1),
    padding: Padding = .zero, groups: ConvolutionGroups = .count(1), hasBias: Bool = true
  ) {
    self.outputChannels = outputChannels
    self.kernel = kernel
    self.stride = stride
    self.padding = padding
    self.groups = groups
    self.hasBias = hasBias
  }

  /// A depthwise KxK convolution (one filter per channel).
  public static func depthwise(
    kernel: Extent2D, stride: Extent2D = Extent2D(square: 1), padding: Padding = .zero,
    multiplier: Int = 1, hasBias: Bool = true
  ) -> Convolution {
    Convolution(
      outputChannels: .timesInput(multiplier), kernel: kernel, stride: stride, padding: padding,
      groups: .depthwise, hasBias: hasBias)
  }

  /// A pointwise (1x1, one group) convolution.
  public static func pointwise(outputChannels: Int, stride: Extent2D = Extent2D(square: 1), hasBias: Bool = true)
    -> Convolution
  {
    Convolution(outputChannels: .absolute(outputChannels), kernel: Extent2D(square: 1), stride: stride, hasBias: hasBias)
  }
}

public struct FullyConnected: Hashable, Sendable, Codable {
  public var outputFeatures: Int
  public var hasBias: Bool

  public init(outputFeatures: Int, hasBias: Bool = true) {
    self.outputFeatures = outputFeatures
    self.hasBias = hasBias
  }
}

public struct Pooling: Hashable, Sendable, Codable {
  public enum Kind: String, Hashable, Sendable, Codable { case max, average }

  public var kind: Kind
  public var kernel: Extent2D
  public var stride: Extent2D
  public var padding: Padding
  /// Round the output size up instead of down, as PyTorch's `ceil_mode=True`
  /// (a window must still start inside the input or its leading padding).
  public var ceilMode: Bool
  /// Average pooling divides by the window clipped to the padded input (true: padding counts as
  /// zeros, PyTorch's `count_include_pad=True` default) or to the input alone (false: ONNX's
  /// default, TensorFlow's SAME pooling). Max pooling ignores it. Either way a ceil-mode window's
  /// overhang past the padding is not counted.
  public var countsPadding: Bool

  public init(
    kind: Kind, kernel: Extent2D, stride: Extent2D, padding: Padding = .zero, ceilMode: Bool = false,
    countsPadding: Bool = true
  ) {
    self.kind = kind
    self.kernel = kernel
    self.stride = stride
    self.padding = padding
    self.ceilMode = ceilMode
    self.countsPadding = countsPadding
  }

  private enum CodingKeys: String, CodingKey { case kind, kernel, stride, padding, ceilMode, countsPadding }

  /// Decodes a pooling; `countsPadding` may be absent (files written before it existed): true.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      kind: try container.decode(Kind.self, forKey: .kind), kernel: try container.decode(Extent2D.self, forKey: .kernel),
      stride: try container.decode(Extent2D.self, forKey: .stride),
      padding: try container.decode(Padding.self, forKey: .padding),
      ceilMode: try container.decode(Bool.self, forKey: .ceilMode),
      countsPadding: try container.decodeIfPresent(Bool.self, forKey: .countsPadding) ?? true)
  }
}
