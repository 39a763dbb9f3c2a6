/// The integer operations every kernel shares: rounding shifts, rounding division and saturation.
///
/// **Rounding rule: round half up** (to nearest, ties toward +infinity): 2.5 -> 3, -2.5 -> -2.
/// It is what an adder and an arithmetic shift give, `(v + 2^(s-1)) >> s`, the rule of CMSIS-NN
/// and most small C inference engines; `QFormat.quantize` uses the same rule for floats.
package enum FixedPointArithmetic {
  /// `value * 2^-shift`, rounded half up. A negative shift is an exact left shift, saturated to
  /// the Int64 range. Any shift is allowed: large right shifts give 0.
  @inlinable
  package static func roundingShift(_ value: Int64, by shift: Int) -> Int64 {
    if shift > 0 {
      // floor(v / 2^s + 1/2) = floor(v / 2^s) + (bit s-1 of v): no addition that could overflow.
      return (value >> min(shift, 63)) + ((value >> min(shift - 1, 63)) & 1)
    }
    if shift == 0 { return value }
    let left = -shift
    if value == 0 { return 0 }
    if left >= 63 { return value > 0 ? Int64.max : Int64.min }
    let limit = Int64.max >> left
    if value > limit { return Int64.max }
    if value < -limit - 1 { return Int64.min }
    return value << left
  }

  /// `numerator / denominator` rounded half up; the denominator must be positive.
  @inlinable
  package static func roundingDivide(_ numerator: Int64, by denominator: Int64) -> Int64 {
    // floor((2n + d) / 2d), with floor division (Swift's / truncates toward zero).
    let twice = 2 &* numerator &+ denominator
    let divisor = 2 &* denominator
    let quotient = twice / divisor
    return (twice % divisor != 0 && twice < 0) ? quotient - 1 : quotient
  }

  /// `value` clamped to the range of a signed `bits`-wide integer.
  @inlinable
  package static func saturate(_ value: Int64, bits: Int) -> Int32 {
    let maximum = (Int64(1) << (bits - 1)) - 1
    return Int32(truncatingIfNeeded: min(max(value, -maximum - 1), maximum))
  }

  /// Leaky ReLU's slope 0.1 as a fixed-point multiplier: 6554 / 2^16 = 0.100006 (the nearest
  /// 16-bit fraction). Negative values are multiplied by it and shifted 16 bits further, so the
  /// slope costs no extra rounding step.
  package static let leakySlope: Int64 = 6554
  package static let leakySlopeShift = 16
}
