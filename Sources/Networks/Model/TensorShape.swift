/// The shape of one activation tensor, channels first: [C, H, W].
public struct TensorShape: Hashable, Sendable, Codable, CustomStringConvertible {
  public var channels: Int
  public var height: Int
  public var width: Int

  public init(channels: Int, height: Int, width: Int) {
    self.channels = channels
    self.height = height
    self.width = width
  }

  /// Number of elements (entries) in the tensor, or nil when it overflows 64 bits.
  public var elementCount: Int? { checkedProduct([channels, height, width]) }

  /// Height times width, or nil on overflow.
  public var pixelCount: Int? { checkedProduct([height, width]) }

  public var description: String { "\(channels)x\(height)x\(width)" }
}

/// A height/width pair, as kernel sizes, strides and upsampling factors are.
public struct Extent2D: Hashable, Sendable, Codable, CustomStringConvertible {
  public var height: Int
  public var width: Int

  public init(height: Int, width: Int) {
    self.height = height
    self.width = width
  }

  public init(square: Int) { self.init(height: square, width: square) }

  public var isSquare: Bool { height == width }
  public var area: Int? { checkedProduct([height, width]) }
  public var description: String { isSquare ? "\(height)" : "\(height)x\(width)" }
}

/// Zero padding around the spatial dimensions, in elements, per side.
public struct Padding: Hashable, Sendable, Codable, CustomStringConvertible {
  public var top: Int
  public var left: Int
  public var bottom: Int
  public var right: Int

  public init(top: Int, left: Int, bottom: Int, right: Int) {
    self.top = top
    self.left = left
    self.bottom = bottom
    self.right = right
  }

  public init(symmetric height: Int, _ width: Int) {
    self.init(top: height, left: width, bottom: height, right: width)
  }

  public static let zero = Padding(top: 0, left: 0, bottom: 0, right: 0)

  public var isZero: Bool { self == .zero }
  public var isSymmetric: Bool { top == bottom && left == right }
  public var isUniform: Bool { isSymmetric && top == left }

  public var description: String {
    if isUniform { return "\(top)" }
    if isSymmetric { return "\(top)x\(left)" }
    return "t\(top) l\(left) b\(bottom) r\(right)"
  }
}
