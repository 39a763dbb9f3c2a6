import Foundation
import Networks

/// Turns a wide integer at one fraction into a stored value of the output format: activation,
/// one rounding right shift (round half up, `FixedPointArithmetic`), saturation to the width.
///
/// - `shift` = source fraction bits - output fraction bits; negative shifts are exact left shifts.
/// - ReLU: negative values give 0. ReLU6: the rounded value is capped at 6 in the output format
///   (6 * 2^fraction, rounded half up, then saturated with everything else).
/// - Leaky ReLU (slope 0.1): a negative value is multiplied by 6554 and shifted 16 bits further,
///   so it is rounded once: y = round(v * 6554 / 2^(shift + 16)).
/// - Sigmoid, hard sigmoid and hard swish are applied as hardware applies them, after
///   requantization: the value is first rounded and saturated into the output format as for a
///   linear layer (x), then the function of x's real value is rounded once more (half up) and
///   saturated. Hard sigmoid and hard swish are exact integer arithmetic (128-bit products).
///   Sigmoid is 2^F / (1 + exp(-x)) in double precision (the C library's `exp`), rounded: the
///   reference and the executor share it, so they agree bit for bit; against the exact real
///   function it can be one step off where the double result lies within its own rounding error
///   (about 2^-50 relative) of a half step.
package struct Requantizer: Hashable, Sendable {
  package var shift: Int
  package var output: QFormat
  package var activation: Activation
  /// 6 in the output format (ReLU6's cap).
  package let six: Int64
  /// The output's fraction bits as powers of two on either side: 2^F = 2^up / 2^down, one of
  /// them 0 (the hard functions' constants 3 and 6 are then exact integers).
  @usableFromInline let up: Int
  @usableFromInline let down: Int

  package init(shift: Int, output: QFormat, activation: Activation) {
    self.shift = shift
    self.output = output
    self.activation = activation
    six = FixedPointArithmetic.roundingShift(6, by: -output.fractionBits)
    up = max(output.fractionBits, 0)
    down = max(-output.fractionBits, 0)
  }

  /// From values at `sourceFractionBits` to `output`.
  package init(from sourceFractionBits: Int, to output: QFormat, activation: Activation) {
    self.init(shift: sourceFractionBits - output.fractionBits, output: output, activation: activation)
  }

  /// The stored output for `value`.
  @inlinable
  package func apply(_ value: Int64) -> Int32 {
    var rounded: Int64
    switch activation {
    case .linear:
      rounded = FixedPointArithmetic.roundingShift(value, by: shift)
    case .relu:
      if value < 0 { return 0 }
      rounded = FixedPointArithmetic.roundingShift(value, by: shift)
    case .relu6:
      if value < 0 { return 0 }
      rounded = min(FixedPointArithmetic.roundingShift(value, by: shift), six)
    case .leaky:
      rounded =
        value < 0
        ? FixedPointArithmetic.roundingShift(
          value &* FixedPointArithmetic.leakySlope, by: shift + FixedPointArithmetic.leakySlopeShift)
        : FixedPointArithmetic.roundingShift(value, by: shift)
    case .sigmoid, .hardsigmoid, .hardswish:
      let stored = FixedPointArithmetic.saturate(FixedPointArithmetic.roundingShift(value, by: shift), bits: output.bits)
      rounded = afterRequantization(Int64(stored))
    }
    return FixedPointArithmetic.saturate(rounded, bits: output.bits)
  }

  /// Sigmoid, hard sigmoid or hard swish of `x`, a stored value of the output format (x / 2^F),
  /// as a value of the output format rounded half up, before saturation. With s = 2^up, d =
  /// 2^down (2^F = s / d) and c = clamp(x * d + 3 * s, 0, 6 * s) = clamp(x + 3, 0, 6) * s:
  /// hard sigmoid = c / (6 * d), hard swish = x * c / (6 * s).
  @inlinable
  func afterRequantization(_ x: Int64) -> Int64 {
    switch activation {
    case .sigmoid:
      let real = Double(x) * exp2(-Double(output.fractionBits))
      return Int64((exp2(Double(output.fractionBits)) / (1 + exp(-real)) + 0.5).rounded(.down))
    case .hardsigmoid, .hardswish:
      let scaled = Int128(x) << down, three = Int128(3) << up, sixScaled = Int128(6) << up
      let clamped = min(max(scaled + three, 0), sixScaled)
      if activation == .hardsigmoid { return Self.roundedSixth(clamped, shiftedBy: down) }
      return Self.roundedSixth(Int128(x) * clamped, shiftedBy: up)
    default:
      return x
    }
  }

  /// round(p / (6 * 2^e)) half up, for p >= 0 or negative, e >= 0: floor(p / 6) rounded-shifted
  /// by e is the same number, since p / 6 and floor(p / 6) lie in one interval between halves
  /// of 2^e (every bound k * 2^e - 2^(e-1) is an integer). It fits 64 bits for the operands above.
  @inlinable
  static func roundedSixth(_ p: Int128, shiftedBy e: Int) -> Int64 {
    if e == 0 {
      let (quotient, remainder) = (p + 3).quotientAndRemainder(dividingBy: 6)
      return Int64(clamping: remainder < 0 ? quotient - 1 : quotient)
    }
    let (quotient, remainder) = p.quotientAndRemainder(dividingBy: 6)
    let floored = remainder < 0 ? quotient - 1 : quotient
    return Int64(clamping: (floored >> e) + ((floored >> (e - 1)) & 1))
  }

  /// The stored output for `value / divisor` (average pooling), rounded once; divisor > 0.
  /// Very coarse outputs (a shift over 40 bits) round twice, first the quotient, then the shift.
  @inlinable
  package func apply(_ value: Int64, dividedBy divisor: Int64) -> Int32 {
    var numerator = value
    var denominator = divisor
    var extra = 0
    if activation == .leaky && value < 0 {
      numerator = value &* FixedPointArithmetic.leakySlope
      extra = FixedPointArithmetic.leakySlopeShift
    }
    let total = shift + extra
    if total <= 0 {
      numerator = FixedPointArithmetic.roundingShift(numerator, by: total)
    } else if total <= 40 {
      denominator <<= total
    } else {
      numerator = FixedPointArithmetic.roundingShift(FixedPointArithmetic.roundingDivide(numerator, by: denominator), by: total)
      denominator = 1
    }
    var rounded = FixedPointArithmetic.roundingDivide(numerator, by: denominator)
    switch activation {
    case .linear, .leaky: break
    case .relu: rounded = max(rounded, 0)
    case .relu6: rounded = min(max(rounded, 0), six)
    case .sigmoid, .hardsigmoid, .hardswish:
      rounded = afterRequantization(Int64(FixedPointArithmetic.saturate(rounded, bits: output.bits)))
    }
    return FixedPointArithmetic.saturate(rounded, bits: output.bits)
  }
}
