import Foundation

/// A signed fixed-point format: `bits` total (sign included), `fractionBits` after the binary
/// point. An integer q stands for q * 2^-fractionBits and lies in -2^(bits-1) ... 2^(bits-1) - 1.
///
/// `fractionBits` may exceed `bits` (small values: the leading fraction bits are all sign) or be
/// negative (large values: the integer's last bits stand for 2, 4, ...). It stays within
/// `QFormat.fractionLimits` so that every shift between two formats fits a 64-bit integer.
package struct QFormat: Hashable, Sendable, CustomStringConvertible {
  package var bits: Int
  package var fractionBits: Int

  /// Fraction bits a chosen format may have: wide enough for values from about 2^-40 to 2^24.
  package static let fractionLimits: ClosedRange<Int> = -24...40

  package init(bits: Int, fractionBits: Int) {
    precondition((1...32).contains(bits), "a fixed-point width is 1 to 32 bits, found \(bits)")
    self.bits = bits
    self.fractionBits = fractionBits
  }

  /// The smallest and largest stored integers.
  package var minimum: Int64 { -(Int64(1) << (bits - 1)) }
  package var maximum: Int64 { (Int64(1) << (bits - 1)) - 1 }

  /// Integer bits (sign excluded); negative when the fraction is longer than the width.
  package var integerBits: Int { bits - 1 - fractionBits }

  /// The value of one step of the integer (2^-fractionBits).
  package var step: Double { exp2(-Double(fractionBits)) }

  /// The format of `bits` that holds `maxAbs` without saturating (up to rounding: a value within half
  /// a step of the top saturates by that half step) and keeps every other bit for the fraction.
  /// A tensor that is all zero gets `bits - 1` fraction bits.
  package static func fitting(maxAbs: Double, bits: Int) -> QFormat {
    guard maxAbs.isFinite, maxAbs > 0 else { return QFormat(bits: bits, fractionBits: bits - 1) }
    let largest = Double((Int64(1) << (bits - 1)) - 1)
    // Integer bits needed for maxAbs: the fraction is what is left; then give back one bit when the
    // rounded maximum would not fit (maxAbs just below a power of two).
    var fraction = bits - 1 - Int(log2(maxAbs).rounded(.up))
    while fraction > fractionLimits.lowerBound && (maxAbs * exp2(Double(fraction))).rounded(.down) > largest {
      fraction -= 1
    }
    return QFormat(bits: bits, fractionBits: min(max(fraction, fractionLimits.lowerBound), fractionLimits.upperBound))
  }

  /// The nearest stored integer to `value` (ties round up, toward +infinity, as the integer
  /// kernels' shifts do), saturated to the width.
  package func quantize(_ value: Float) -> Int32 {
    let scaled = Double(value) * exp2(Double(fractionBits))
    guard scaled.isFinite else { return Int32(scaled > 0 ? maximum : minimum) }
    let clamped = min(max(scaled, Double(minimum) - 1), Double(maximum) + 1)
    return Int32(min(max(Int64((clamped + 0.5).rounded(.down)), minimum), maximum))
  }

  /// The real value a stored integer stands for.
  package func dequantize(_ value: Int32) -> Float { Float(Double(value) * step) }

  /// Quantizes every value.
  package func quantize(_ values: [Float]) -> [Int32] { values.map { quantize($0) } }

  /// Dequantizes every value.
  package func dequantize(_ values: [Int32]) -> [Float] {
    let step = self.step
    return values.map { Float(Double($0) * step) }
  }

  /// "Q8.4": total bits, then fraction bits.
  package var description: String { "Q\(bits).\(fractionBits)" }
}
