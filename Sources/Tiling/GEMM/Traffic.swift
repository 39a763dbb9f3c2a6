/// DRAM traffic of a schedule, per operand, in entries (elements).
public struct Traffic: Hashable, Sendable, Codable, AdditiveArithmetic, CustomStringConvertible {
  public var inputReads: Int
  public var weightReads: Int
  /// Final outputs written once their reduction is complete.
  public var outputWrites: Int
  /// Partial sums read back when an output tile is revisited.
  public var psumReads: Int
  /// Partial sums written when an output tile is left before its reduction is complete.
  public var psumWrites: Int

  public init(inputReads: Int = 0, weightReads: Int = 0, outputWrites: Int = 0, psumReads: Int = 0, psumWrites: Int = 0) {
    self.inputReads = inputReads
    self.weightReads = weightReads
    self.outputWrites = outputWrites
    self.psumReads = psumReads
    self.psumWrites = psumWrites
  }

  public static let zero = Traffic()

  public var reads: Int { inputReads + weightReads + psumReads }
  public var writes: Int { outputWrites + psumWrites }
  public var total: Int { reads + writes }

  public static func + (lhs: Traffic, rhs: Traffic) -> Traffic {
    Traffic(
      inputReads: lhs.inputReads + rhs.inputReads, weightReads: lhs.weightReads + rhs.weightReads,
      outputWrites: lhs.outputWrites + rhs.outputWrites, psumReads: lhs.psumReads + rhs.psumReads,
      psumWrites: lhs.psumWrites + rhs.psumWrites)
  }

  public static func - (lhs: Traffic, rhs: Traffic) -> Traffic {
    Traffic(
      inputReads: lhs.inputReads - rhs.inputReads, weightReads: lhs.weightReads - rhs.weightReads,
      outputWrites: lhs.outputWrites - rhs.outputWrites, psumReads: lhs.psumReads - rhs.psumReads,
      psumWrites: lhs.psumWrites - rhs.psumWrites)
  }

  public var description: String {
    "input \(inputReads), weight \(weightReads), output \(outputWrites), psum read \(psumReads), psum write \(psumWrites), total \(total)"
  }
}
