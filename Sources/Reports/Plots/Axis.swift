import Foundation

/// One axis of a chart: how data values map to pixels, and where its ticks go.
/// Built from the data it must show, so every value lies inside its domain.
struct Axis {
  enum Scale { case linear, log2 }

  let scale: Scale
  /// The data values at the two ends of the axis.
  let lower: Double
  let upper: Double
  /// Tick positions, in data values, ascending.
  let ticks: [Double]
  /// Pixel coordinates of `lower` and `upper` (`start > end` for a y axis, which grows upward).
  var start = 0.0
  var end = 1.0

  /// A linear axis from zero (or below, for negative data) to a "nice" bound at or above every
  /// value, ticked in 1-2-5 steps. All zeros, or no values, give 0...1.
  static func fromZero(_ values: [Double]) -> Axis {
    let finite = values.filter(\.isFinite)
    var low = min(0, finite.min() ?? 0)
    var high = max(0, finite.max() ?? 0)
    if low == high { high = 1 }
    let ticks = niceTicks(from: low, to: high)
    low = ticks.first ?? low
    high = ticks.last ?? high
    return Axis(scale: .linear, lower: low, upper: high, ticks: ticks)
  }

  /// A linear axis over the span of `values`, widened to whole ticks.
  static func linear(_ values: [Double]) -> Axis {
    let finite = values.filter(\.isFinite)
    var low = finite.min() ?? 0
    var high = finite.max() ?? 1
    if low == high {
      // One distinct value: centre it in a span that keeps its tick labels readable.
      let half = max(abs(low) * 0.1, 1)
      low -= half
      high += half
    }
    let ticks = niceTicks(from: low, to: high)
    return Axis(scale: .linear, lower: ticks.first ?? low, upper: ticks.last ?? high, ticks: ticks)
  }

  /// A base-2 logarithmic axis over the span of positive `values`, ticked at the powers of two
  /// inside it (at the values themselves when the span holds none).
  static func log2(_ values: [Double]) -> Axis {
    let positive = values.filter { $0.isFinite && $0 > 0 }
    guard let low = positive.min(), let high = positive.max() else {
      return Axis(scale: .log2, lower: 1, upper: 2, ticks: [1, 2])
    }
    let first = Int(Foundation.log2(low).rounded(.up))
    let last = Int(Foundation.log2(high).rounded(.down))
    var ticks = first <= last ? (first...last).map { Foundation.pow(2, Double($0)) } : Array(Set(positive)).sorted()
    // More than a dozen labels would collide; keep every second (or fourth...) power.
    var every = 1
    while ticks.count / every > 12 { every *= 2 }
    ticks = ticks.enumerated().filter { $0.offset % every == 0 }.map(\.element)
    if low == high {
      // A single value: half an octave either side, so it sits mid-axis.
      return Axis(scale: .log2, lower: low / 2.squareRoot(), upper: high * 2.squareRoot(), ticks: ticks)
    }
    return Axis(scale: .log2, lower: low, upper: high, ticks: ticks)
  }

  /// Ticks `step` apart covering `low...high`, `step` being 1, 2 or 5 times a power of ten,
  /// the smallest that gives at most about six intervals.
  static func niceTicks(from low: Double, to high: Double, intervals: Double = 6) -> [Double] {
    guard high > low, low.isFinite, high.isFinite else { return [low] }
    let rough = (high - low) / intervals
    let magnitude = Foundation.pow(10, (Foundation.log10(rough)).rounded(.down))
    let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= rough * (1 - 1e-9) } ?? 10 * magnitude
    let first = (low / step * (1 + 1e-12)).rounded(.down)
    let last = (high / step * (1 - 1e-12)).rounded(.up)
    // Multiples of the step, not repeated sums, so that no rounding error accumulates.
    return stride(from: first, through: last, by: 1).map { $0 * step }
  }

  /// The distance between ticks, for labels precise enough to tell them apart.
  var tickStep: Double? { ticks.count >= 2 ? ticks[1] - ticks[0] : nil }

  /// The pixel coordinate of a data value (values outside the domain extrapolate).
  func position(_ value: Double) -> Double {
    let fraction: Double
    switch scale {
    case .linear:
      fraction = (value - lower) / (upper - lower)
    case .log2:
      fraction = (Foundation.log2(value) - Foundation.log2(lower)) / (Foundation.log2(upper) - Foundation.log2(lower))
    }
    return start + fraction * (end - start)
  }

  /// The label of a tick: buffer-size style on a log2 axis, compact decimal on a linear one.
  func label(_ value: Double) -> String {
    switch scale {
    case .log2: return TickLabel.bufferSize(value)
    case .linear: return TickLabel.compact(value, step: tickStep)
    }
  }
}

/// Short numeric labels for ticks and bar totals.
enum TickLabel {
  /// Decimal SI suffixes and three significant digits, or as many as `step` needs to tell
  /// neighbouring ticks apart: 17.9M, 4.89M, 250K, 1.2G, 0.5.
  static func compact(_ value: Double, step: Double? = nil) -> String {
    suffixed(value, units: [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "K")], step: step)
  }

  /// Buffer sizes as the command line spells them (K = 1024 entries): 16K, 96K, 1M, 1.5M;
  /// plain numbers below 1024.
  static func bufferSize(_ value: Double) -> String {
    suffixed(value, units: [(1_099_511_627_776, "T"), (1_073_741_824, "G"), (1_048_576, "M"), (1024, "K")], step: nil)
  }

  /// `units` largest first.
  private static func suffixed(_ value: Double, units: [(Double, String)], step: Double?) -> String {
    guard value.isFinite else { return "?" }
    guard value != 0 else { return "0" }
    // Enough digits to reach the step's leading digit, so neighbouring ticks differ.
    let digits = step.map { max(3, magnitude(abs(value)) - magnitude(abs($0)) + 1) } ?? 3
    let index = units.firstIndex { abs(value) >= $0.0 }  // nil: below the smallest unit
    let (scale, suffix) = index.map { units[$0] } ?? (1, "")
    let text = significant(value / scale, digits: digits)
    // 999.96K rounds to "1000K": say "1M" instead.
    let larger = (index ?? units.count) - 1
    if larger >= 0, abs(Double(text) ?? 0) * scale >= units[larger].0 {
      return significant(value / units[larger].0, digits: digits) + units[larger].1
    }
    return text + suffix
  }

  /// The power of ten of a positive number's leading digit.
  private static func magnitude(_ value: Double) -> Int {
    Int((Foundation.log10(value) + 1e-12).rounded(.down))
  }

  /// `value` rounded to `digits` significant digits, trailing zeros dropped.
  static func significant(_ value: Double, digits: Int) -> String {
    guard value != 0 else { return "0" }
    let decimals = min(9, max(0, digits - 1 - magnitude(abs(value))))
    let text = formatFixed(value, decimals: decimals)
    guard text.contains(".") else { return text }
    var trimmed = Substring(text)
    while trimmed.hasSuffix("0") { trimmed = trimmed.dropLast() }
    if trimmed.hasSuffix(".") { trimmed = trimmed.dropLast() }
    return String(trimmed)
  }
}
