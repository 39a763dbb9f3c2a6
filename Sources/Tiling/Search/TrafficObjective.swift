/// What the search minimises: a weighted sum of the traffic components.
///
/// Weights are per entry (e.g. bits per element: input, weight, final output and partial-sum
/// width), so the same search serves "entries moved", "bytes moved" and, later, energy.
/// Every weight must be non-negative: the search relies on fewer loads never costing more.
package struct TrafficObjective: Hashable, Sendable, Codable {
  package var input: Int
  package var weight: Int
  package var output: Int
  /// Charged for each partial-sum read and each partial-sum write.
  package var psum: Int

  package init(input: Int, weight: Int, output: Int, psum: Int) {
    self.input = input
    self.weight = weight
    self.output = output
    self.psum = psum
  }

  /// Total traffic in entries: every entry moved counts 1.
  package static let entries = TrafficObjective(input: 1, weight: 1, output: 1, psum: 1)

  /// Largest weight of one entry: a bit width (at most 16) times a psum width (at most
  /// `Limits.psumWidth`), with room to spare; it keeps weighted traffic far inside 64 bits.
  package static let largestWeight = 256

  /// Every weight from 0 to `largestWeight`.
  package var isValid: Bool { [input, weight, output, psum].allSatisfy { (0...Self.largestWeight).contains($0) } }

  package func cost(_ traffic: Traffic) -> Int {
    input * traffic.inputReads + weight * traffic.weightReads + output * traffic.outputWrites
      + psum * (traffic.psumReads + traffic.psumWrites)
  }

  /// Cost of one entry of the operand per run (one tile load). An output run beyond the
  /// first is a partial-sum write plus a later read, so output runs cost twice the psum weight;
  /// `constant(outputSize:)` corrects for the final write.
  func perRun(_ operand: Operand) -> Int {
    switch operand {
    case .input: return input
    case .weight: return weight
    case .output: return 2 * psum
    }
  }

  /// cost = sum over operands of perRun * runs + constant: output runs R cost
  /// output*|O| + 2*psum*(R - |O|).
  func constant(outputSize: Int) -> Int { (output - 2 * psum) * outputSize }
}
