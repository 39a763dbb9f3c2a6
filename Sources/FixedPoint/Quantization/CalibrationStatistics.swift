import Networks

/// The value ranges the float network reaches on calibration inputs, from which Q-formats follow.
package struct CalibrationStatistics: Sendable {
  /// Largest |value| of every tensor (network inputs and layer outputs), by name.
  package var tensorMaxAbs: [String: Double]
  /// Largest |accumulator + bias| (pre-activation) of every convolution and FC layer, and the
  /// largest |bias|, whichever is larger: what the 32-bit accumulator must hold.
  package var accumulatorMaxAbs: [String: Double]

  package init(tensorMaxAbs: [String: Double] = [:], accumulatorMaxAbs: [String: Double] = [:]) {
    self.tensorMaxAbs = tensorMaxAbs
    self.accumulatorMaxAbs = accumulatorMaxAbs
  }

  /// Runs the float network on every input set and keeps the largest magnitudes.
  package static func collect(
    _ analysis: NetworkAnalysis, weights: NetworkWeights, inputs: [[String: FloatBlock]]
  ) throws(FixedPointError) -> CalibrationStatistics {
    var statistics = CalibrationStatistics()
    for inputSet in inputs {
      for (name, block) in inputSet { statistics.record(tensor: name, block.values) }
      let run = try FloatNetwork.run(analysis, weights: weights, inputs: inputSet)
      for (name, block) in run.outputs { statistics.record(tensor: name, block.values) }
      for (name, value) in run.accumulatorMaxAbs {
        statistics.accumulatorMaxAbs[name] = max(statistics.accumulatorMaxAbs[name] ?? 0, value)
      }
    }
    return statistics
  }

  mutating func record(tensor name: String, _ values: [Float]) {
    tensorMaxAbs[name] = max(tensorMaxAbs[name] ?? 0, maxAbs(values))
  }
}

/// Largest |x| of a float array (0 for an empty one).
func maxAbs(_ values: [Float]) -> Double {
  var largest: Float = 0
  for value in values { largest = max(largest, abs(value)) }
  return Double(largest)
}
