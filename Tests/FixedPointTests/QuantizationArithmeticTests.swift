import Foundation
import Networks
import Testing

@testable import FixedPoint

@Suite struct QuantizationArithmeticTests {
  /// Round half up: ties go toward +infinity, everything else to the nearest integer.
  @Test func roundingShiftRoundsHalfUp() {
    let cases: [(Int64, Int, Int64)] = [
      (5, 1, 3), (-5, 1, -2), (3, 1, 2), (-3, 1, -1), (7, 2, 2), (-7, 2, -2), (6, 2, 2), (-6, 2, -1), (-2, 2, 0),
      (1, 1, 1), (-1, 1, 0), (0, 5, 0), (12345, 0, 12345), (-12345, 0, -12345),
      (Int64.max, 1, Int64(1) << 62), (Int64.min, 1, -(Int64(1) << 62)), (Int64.max, 63, 1), (Int64.min, 63, -1),
      (Int64.max, 64, 0), (Int64.min, 64, 0), (-1, 200, 0),
    ]
    for (value, shift, expected) in cases {
      #expect(FixedPointArithmetic.roundingShift(value, by: shift) == expected, "\(value) >> \(shift)")
    }
  }

  /// Negative shifts are exact left shifts that saturate instead of overflowing.
  @Test func negativeShiftsAreExactOrSaturate() {
    #expect(FixedPointArithmetic.roundingShift(3, by: -4) == 48)
    #expect(FixedPointArithmetic.roundingShift(-3, by: -4) == -48)
    #expect(FixedPointArithmetic.roundingShift(1, by: -62) == Int64(1) << 62)
    #expect(FixedPointArithmetic.roundingShift(2, by: -62) == Int64.max)
    #expect(FixedPointArithmetic.roundingShift(-2, by: -62) == Int64.min)
    #expect(FixedPointArithmetic.roundingShift(-1, by: -63) == Int64.min)
    #expect(FixedPointArithmetic.roundingShift(0, by: -100) == 0)
  }

  @Test func roundingDivideRoundsHalfUp() {
    let cases: [(Int64, Int64, Int64)] = [(5, 2, 3), (-5, 2, -2), (7, 3, 2), (-7, 3, -2), (8, 3, 3), (-8, 3, -3), (0, 9, 0), (9, 9, 1)]
    for (numerator, denominator, expected) in cases {
      #expect(FixedPointArithmetic.roundingDivide(numerator, by: denominator) == expected, "\(numerator) / \(denominator)")
    }
  }

  @Test func saturationClampsToTheWidth() {
    #expect(FixedPointArithmetic.saturate(200, bits: 8) == 127)
    #expect(FixedPointArithmetic.saturate(-200, bits: 8) == -128)
    #expect(FixedPointArithmetic.saturate(-128, bits: 8) == -128)
    #expect(FixedPointArithmetic.saturate(Int64.max, bits: 16) == 32767)
    #expect(FixedPointArithmetic.saturate(2, bits: 2) == 1)
    #expect(FixedPointArithmetic.saturate(-3, bits: 2) == -2)
  }

  /// Formats hold the calibrated maximum and keep every other bit for the fraction.
  @Test func formatsFitTheLargestValue() {
    #expect(QFormat.fitting(maxAbs: 6, bits: 8) == QFormat(bits: 8, fractionBits: 4))
    #expect(QFormat.fitting(maxAbs: 0.99, bits: 8) == QFormat(bits: 8, fractionBits: 7))
    #expect(QFormat.fitting(maxAbs: 1, bits: 8) == QFormat(bits: 8, fractionBits: 6))
    #expect(QFormat.fitting(maxAbs: 0.05, bits: 16) == QFormat(bits: 16, fractionBits: 19))
    #expect(QFormat.fitting(maxAbs: 1000, bits: 4) == QFormat(bits: 4, fractionBits: -7))
    #expect(QFormat.fitting(maxAbs: 0, bits: 8) == QFormat(bits: 8, fractionBits: 7))
    for bits in 2...16 {
      for maxAbs in [0.001, 0.3, 1, 5.5, 6, 100, 4096] {
        let format = QFormat.fitting(maxAbs: maxAbs, bits: bits)
        let scaled = maxAbs * exp2(Double(format.fractionBits))
        #expect(scaled.rounded(.down) <= Double(format.maximum), "\(maxAbs) does not fit \(format)")
        #expect(2 * scaled > Double(format.maximum), "\(maxAbs) in \(format): one more fraction bit would fit")
      }
    }
  }

  @Test func quantizeRoundsHalfUpAndSaturates() {
    let format = QFormat(bits: 8, fractionBits: 1)
    #expect(format.quantize(0.25) == 1)
    #expect(format.quantize(-0.25) == 0)
    #expect(format.quantize(-0.75) == -1)
    #expect(format.quantize(63.5) == 127)
    #expect(format.quantize(64) == 127)
    #expect(format.quantize(-64) == -128)
    #expect(format.quantize(-1e30) == -128)
    #expect(format.quantize(.infinity) == 127)
    #expect(format.dequantize(-3) == -1.5)
  }

  /// Activations in the requantizer: ReLU6 caps at 6 in the output format; leaky ReLU rounds once.
  @Test func requantizerAppliesActivations() {
    let output = QFormat(bits: 8, fractionBits: 4)
    let relu6 = Requantizer(shift: 2, output: output, activation: .relu6)
    #expect(relu6.apply(4 * 200) == 96)
    #expect(relu6.apply(4 * 50) == 50)
    #expect(relu6.apply(-4) == 0)
    let leaky = Requantizer(shift: 0, output: output, activation: .leaky)
    #expect(leaky.apply(-100) == -10)
    #expect(leaky.apply(-5) == -1)  // -5 * 6554 / 2^16 = -0.50003: below the tie, so -1
    #expect(leaky.apply(-4) == 0)  // -0.40002
    #expect(leaky.apply(100) == 100)
    let wide = Requantizer(shift: -3, output: QFormat(bits: 16, fractionBits: 8), activation: .linear)
    #expect(wide.apply(5000) == 32767)
    #expect(wide.apply(-5000) == -32768)
    #expect(wide.apply(-7) == -56)
  }

  /// Sigmoid, hard sigmoid and hard swish apply to the value rounded into the output format, then
  /// round once more; figures worked by hand from the real functions.
  @Test func requantizerAppliesTheSmoothActivationsAfterRounding() {
    func apply(_ activation: Activation, _ value: Int64, shift: Int = 0, fraction: Int, bits: Int = 8) -> Int32 {
      Requantizer(shift: shift, output: QFormat(bits: bits, fractionBits: fraction), activation: activation).apply(value)
    }
    // x = 1 and -1 at 4 fraction bits (16 per unit).
    #expect(apply(.hardswish, 16, fraction: 4) == 11)  // 1 * 4 / 6 = 0.667 -> 10.67
    #expect(apply(.hardsigmoid, 16, fraction: 4) == 11)  // 4 / 6 -> 10.67
    #expect(apply(.sigmoid, 16, fraction: 4) == 12)  // 0.7311 -> 11.70
    #expect(apply(.hardswish, -16, fraction: 4) == -5)  // -1 * 2 / 6 -> -5.33
    #expect(apply(.hardsigmoid, -16, fraction: 4) == 5)  // 2 / 6 -> 5.33
    #expect(apply(.sigmoid, -16, fraction: 4) == 4)  // 0.2689 -> 4.30
    // Outside [-3, 3]: hard swish is x or 0, hard sigmoid 1 or 0, also when saturating.
    #expect(apply(.hardswish, 64, fraction: 4) == 64)
    #expect(apply(.hardswish, 5000, fraction: 4) == 127)
    #expect(apply(.hardswish, -64, fraction: 4) == 0)
    #expect(apply(.hardsigmoid, 64, fraction: 4) == 16)
    #expect(apply(.hardsigmoid, -64, fraction: 4) == 0)
    // A tie: x = -1.5 at 2 fraction bits, hard swish -1.5 * 1.5 / 6 = -0.375 = -1.5 steps -> -1.
    #expect(apply(.hardswish, -6, fraction: 2) == -1)
    // x = -0.75: -0.75 * 2.25 / 6 = -0.28125 = -1.125 steps -> -1.
    #expect(apply(.hardswish, -3, fraction: 2) == -1)
    // Hard sigmoid tie: x = -1.5 at 1 fraction bit (3 steps), 1.5 / 6 = 0.25 = 0.5 steps -> 1.
    #expect(apply(.hardsigmoid, -3, fraction: 1) == 1)
    // Negative fractions: one step is 2. x = 2: hard swish 2 * 5 / 6 = 1.667 = 0.83 steps -> 1.
    #expect(apply(.hardswish, 1, fraction: -1) == 1)
    #expect(apply(.hardsigmoid, 0, fraction: -1) == 0)  // 0.5 = 0.25 steps
    // The first rounding: 37 at 3 more fraction bits is 4.625 -> 5 steps (x = 0.3125), then
    // hard swish 0.3125 * 3.3125 / 6 = 0.1725 = 2.76 steps -> 3.
    #expect(apply(.hardswish, 37, shift: 3, fraction: 4) == 3)
    // Wide formats keep exact products: 32 bits, 30 fraction bits, x = 1.
    #expect(apply(.hardswish, 1 << 30, fraction: 30, bits: 32) == Int32((Double(1 << 30) * 4 / 6).rounded()))
  }
}
