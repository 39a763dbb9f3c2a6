import Networks

/// The fixed-point network measured against the float one: calibrate on seeded inputs, quantize
/// layer by layer, run both untiled on a held-out seeded input, and compare every layer's output.
/// End to end: each run feeds each layer its own previous outputs, so errors accumulate.
package struct QuantizationStudy: Sendable {
  package struct Options: Sendable {
    /// Calibration images (seeded inputs 1...count).
    package var calibrationCount: Int
    /// Seed of the inputs (the weights have their own).
    package var seed: UInt64

    package init(calibrationCount: Int = 4, seed: UInt64 = 1) {
      self.calibrationCount = calibrationCount
      self.seed = seed
    }
  }

  /// One layer's formats and accuracy.
  package struct LayerResult: Sendable {
    package var name: String
    package var kind: OperationKind
    package var precision: Precision
    package var weights: QFormat?
    package var output: QFormat
    /// SQNR of the dequantized fixed-point output against the float output, in dB.
    package var sqnr: Double
  }

  package var layers: [LayerResult]
  package var statistics: CalibrationStatistics
  package var quantization: NetworkQuantization
  /// The float run on the evaluation input: network inputs and every layer's output, by name.
  package var reference: [String: FloatBlock]

  package init(_ analysis: NetworkAnalysis, weights: NetworkWeights, options: Options = Options()) throws(FixedPointError) {
    try ExecutionLimits.check(analysis)
    guard options.calibrationCount >= 1 else { throw FixedPointError("calibration needs at least one input, found \(options.calibrationCount)") }
    for layer in analysis.layers { try LayerQuantization.checkWidths(layer.name, layer.layer.precision) }
    let calibration = (1...options.calibrationCount).map { SeededInputs.image(analysis.network, seed: options.seed, index: $0) }
    statistics = try CalibrationStatistics.collect(analysis, weights: weights, inputs: calibration)
    quantization = try NetworkQuantization(analysis, weights: weights, statistics: statistics)
    let evaluation = SeededInputs.image(analysis.network, seed: options.seed, index: 0)
    let float = try FloatNetwork.run(analysis, weights: weights, inputs: evaluation).outputs
    let fixed = try FixedPointNetwork.run(analysis, quantization: quantization, inputs: evaluation)
    reference = float.merging(evaluation) { layer, _ in layer }
    layers = []
    for layer in analysis.layers {
      guard let q = quantization.layers[layer.name], let expected = float[layer.name], let actual = fixed[layer.name] else {
        throw FixedPointError("layer '\(layer.name)' was not run")
      }
      layers.append(
        LayerResult(
          name: layer.name, kind: layer.kind, precision: layer.layer.precision, weights: q.weights, output: q.output,
          sqnr: SignalToNoise.decibels(reference: expected.values, measured: q.output.dequantize(actual.values))))
    }
  }

  /// Minimum, median and mean SQNR (dB) over the layers, and the worst layer. The mean is taken
  /// over finite values (an exact layer has infinite SQNR); nil for a network without layers.
  package var summary: (minimum: Double, median: Double, mean: Double, worst: String)? {
    guard let worst = layers.min(by: { $0.sqnr < $1.sqnr }) else { return nil }
    let sorted = layers.map(\.sqnr).sorted()
    let middle = sorted.count / 2
    let median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    let finite = sorted.filter(\.isFinite)
    let mean = finite.isEmpty ? Double.infinity : finite.reduce(0, +) / Double(finite.count)
    return (worst.sqnr, median, mean, worst.name)
  }
}
