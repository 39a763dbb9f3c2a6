import Foundation

/// `--max-latency` as text: a time (s, ms, us) at the architecture's clock, or a number of cycles.
public enum LatencyBudget {
  /// The budget `text` gives, in cycles of a `clockMHz` clock.
  public static func parse(_ text: String, clockMHz: Double) throws(DSEError) -> Double {
    let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
    let units: [(suffix: String, cyclesPerUnit: Double)] = [
      ("cycles", 1), ("ms", clockMHz * 1e3), ("us", clockMHz), ("s", clockMHz * 1e6),
    ]
    for unit in units where trimmed.hasSuffix(unit.suffix) {
      let number = trimmed.dropLast(unit.suffix.count).trimmingCharacters(in: .whitespaces)
      if let value = Double(number), value.isFinite, value > 0 { return value * unit.cyclesPerUnit }
    }
    throw DSEError(
      .invalidArgument, field: "--max-latency",
      "\(excerpt(text)): expected a positive time with a unit (4ms, 800us, 0.01s) or cycles (2000000cycles)")
  }
}
