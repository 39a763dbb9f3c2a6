/// Bit widths of a layer's tensors: its weights (and biases) and its output activations.
/// Buffers are counted in entries; DRAM bytes follow these widths.
public struct Precision: Hashable, Sendable, Codable, CustomStringConvertible {
  public var weightBits: Int
  public var activationBits: Int

  public init(weightBits: Int, activationBits: Int) {
    self.weightBits = weightBits
    self.activationBits = activationBits
  }

  public init(bits: Int) { self.init(weightBits: bits, activationBits: bits) }

  /// The default of the field: 8-bit weights and activations.
  public static let int8 = Precision(bits: 8)

  /// Widths a tensor may have.
  public static let validBits: ClosedRange<Int> = 1...16

  public var description: String {
    weightBits == activationBits ? "\(weightBits)" : "w\(weightBits)a\(activationBits)"
  }
}
