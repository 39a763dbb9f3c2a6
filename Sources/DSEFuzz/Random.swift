import Networks

/// Drawing helpers over `SeededGenerator` (the project's SplitMix64), so that every choice a
/// case makes comes from its own seeded stream and case `i` of seed `S` is always the same.
extension SeededGenerator {
  /// The generator of case `index` of campaign `seed`: independent streams for neighbouring
  /// indices and seeds (both are scrambled through SplitMix64 before they meet).
  static func forCase(seed: UInt64, index: Int) -> SeededGenerator {
    var mixer = SeededGenerator(seed: seed)
    let base = mixer.next()
    var indexMixer = SeededGenerator(seed: UInt64(truncatingIfNeeded: index) &+ 0x5EED)
    return SeededGenerator(seed: base ^ indexMixer.next())
  }

  /// A uniform integer in `range`.
  mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }

  /// A uniform integer in `range`.
  mutating func int(_ range: Range<Int>) -> Int { Int.random(in: range, using: &self) }

  /// True with probability `p`.
  mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }

  /// One element of a non-empty array.
  mutating func pick<T>(_ items: [T]) -> T { items[int(0..<items.count)] }

  /// One element of a non-empty array, drawn in proportion to its weight.
  mutating func weighted<T>(_ items: [(Int, T)]) -> T {
    let total = items.reduce(0) { $0 + $1.0 }
    var draw = int(0..<total)
    for (weight, item) in items {
      if draw < weight { return item }
      draw -= weight
    }
    return items[items.count - 1].1
  }

  /// A small integer, small values much more likely than large ones (1 to `limit`).
  mutating func small(_ limit: Int) -> Int {
    let bits = int(0...max(0, Int.bitWidth - limit.leadingZeroBitCount - 1))
    return min(limit, max(1, int(0...(1 << bits))))
  }
}
