import Networks

/// Turns a wide integer at one fraction into a stored value of the output format: activation,
/// one rounding right shift (round half up, `FixedPointArithmetic`), saturation to the width.
///
/// - `shift` = source fraction bits - output fraction bits; negative shifts are exact left shifts.
/// - ReLU: negative values give 0. ReLU6: the rounded value is capped at 6 in the output format
///   (6 * 2^fraction, rounded half up, then saturated with everything else).
/// - Leaky ReLU (slope 0.1): a negative value is multiplied by 6554 and shifted 16 bits further,
///   so it is rounded once: y = round(v * 6554 / 2^(shift + 16)).
package struct Requantizer: Hashable, Sendable {
  package var shift: Int
  package var output: QFormat
  package var activation: Activation
  /// 6 in the output format (ReLU6's cap).
  package let six: Int64

  package init(shift: Int, output: QFormat, activation: Activation) {
    self.shift = shift
    self.output = output
    self.activation = activation
    six = FixedPointArithmetic.roundingShift(6, by: -output.fractionBits)
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
    }
    return FixedPointArithmetic.saturate(rounded, bits: output.bits)
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
    }
    return FixedPointArithmetic.saturate(rounded, bits: output.bits)
  }
}
