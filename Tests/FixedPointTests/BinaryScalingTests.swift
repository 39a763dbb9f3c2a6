import FixedPoint
import Networks
import Testing

@Suite struct BinaryScalingTests {
  /// A 3x3 layer with stride 2 and padding, 70 channels, random weights and bias.
  static func layer(seed: UInt64) -> (BinaryGeometry, input: [Float], weights: [Float], bias: [Float]) {
    var generator = SeededGenerator(seed: seed)
    let geometry = BinaryGeometry(
      input: TensorShape(channels: 70, height: 7, width: 6), outputChannels: 4, kernel: Extent2D(square: 3),
      stride: Extent2D(square: 2), padding: Padding(top: 1, left: 0, bottom: 1, right: 2))
    return (
      geometry, BinaryReference.randomValues(70 * 42, using: &generator),
      BinaryReference.randomValues(4 * geometry.filterLength, using: &generator),
      BinaryReference.randomValues(4, using: &generator)
    )
  }

  /// alpha is the mean |w| per filter, and the float output is alpha * beta * (±1 dot) + bias.
  @Test func floatOutputIsAlphaBetaDotPlusBias() {
    let (geometry, input, weights, bias) = Self.layer(seed: 5)
    let conv = BinaryConvolution(geometry: geometry, weights: weights)
    let alpha = BinaryReference.alpha(weights: weights, geometry: geometry)
    for (computed, exact) in zip(conv.alpha, alpha) { #expect(abs(Double(computed) - exact) <= 1e-6 * exact) }
    let beta = BinaryScaling.meanAbsolute(input)
    let region = TensorRegion(geometry.output)
    let dotProducts = conv.dotProducts(conv.packInput(input, for: region), region: region)
    let output = conv.scaledOutput(dotProducts, region: region, beta: beta, bias: bias)
    let dots = BinaryReference.dots(input: input, weights: weights, geometry: geometry)
    let plane = geometry.output.height * geometry.output.width
    for (index, value) in output.enumerated() {
      let channel = index / plane
      let exact = alpha[channel] * Double(beta) * Double(dots[index]) + Double(bias[channel])
      #expect(abs(Double(value) - exact) <= 1e-5 * max(1, abs(exact)), "output \(index)")
    }
  }

  /// The fixed-point output is bit-exact with the documented integer formula applied to the
  /// reference dots, and within its stated error bound of the exact real value.
  @Test(arguments: [(16, 8), (12, 12), (8, 10), (20, 0)])
  func fixedPointOutputFollowsTheFormula(multiplierBits: Int, outputBits: Int) {
    let (geometry, input, weights, bias) = Self.layer(seed: 9)
    let conv = BinaryConvolution(geometry: geometry, weights: weights)
    let beta: Float = 0.75
    let scale = BinaryFixedPointScale(
      alpha: conv.alpha, beta: beta, bias: bias, multiplierFractionBits: multiplierBits, outputFractionBits: outputBits)
    let region = TensorRegion(channels: 1..<4, rows: 1..<4, columns: 0..<3)
    let fixed = scale.apply(conv.dotProducts(conv.packInput(input, for: region), region: region), region: region)
    let whole = BinaryReference.dots(input: input, weights: weights, geometry: geometry)
    let dots = BinaryReference.cut(whole, output: geometry.output, region: region)
    let alpha = BinaryReference.alpha(weights: weights, geometry: geometry)
    let plane = region.rows.count * region.columns.count
    for (index, value) in fixed.enumerated() {
      let channel = region.channels.lowerBound + index / plane
      let multiplier = Int64((Double(conv.alpha[channel]) * Double(beta) * Double(1 << multiplierBits)).rounded())
      let product = Int64(dots[index]) * multiplier
      let shift = multiplierBits - outputBits
      let shifted = shift > 0 ? (product + (1 << (shift - 1))) >> shift : product << -shift
      let integerBias = Int64((Double(bias[channel]) * Double(1 << outputBits)).rounded())
      #expect(Int64(value) == shifted + integerBias, "output \(index)")
      let exact = (alpha[channel] * Double(beta) * Double(dots[index]) + Double(bias[channel])) * Double(1 << outputBits)
      let bound = Double(abs(dots[index])) * pow2(outputBits - multiplierBits - 1) + 1.0 + 1e-6
      #expect(abs(Double(value) - exact) <= bound, "output \(index)")
    }
  }

  @Test func roundingShiftRoundsHalfUpAndSaturatesLeftShifts() {
    #expect(BinaryFixedPointScale.roundingShift(5, by: 1) == 3)
    #expect(BinaryFixedPointScale.roundingShift(-5, by: 1) == -2)
    #expect(BinaryFixedPointScale.roundingShift(-6, by: 2) == -1)
    #expect(BinaryFixedPointScale.roundingShift(7, by: 0) == 7)
    #expect(BinaryFixedPointScale.roundingShift(-3, by: -2) == -12)
    #expect(BinaryFixedPointScale.roundingShift(Int64.max / 2, by: -4) == .max)
  }

  private func pow2(_ exponent: Int) -> Double { exponent >= 0 ? Double(1 << exponent) : 1 / Double(1 << -exponent) }
}
