import Testing

@testable import Tiling
import TestSupport

@Suite struct RangeSetTests {
  /// The union merges in order (or sorts when a side is out of order) and coalesces: the same
  /// ranges as coalescing everything sorted, coordinate for coordinate, on random sets.
  @Test func unionEqualsTheCoordinateSet() {
    var random = SplitMix64(seed: 0x2A5E_0001)
    var merged = 0
    for _ in 0..<5000 {
      let (a, b) = (randomSet(using: &random), randomSet(using: &random))
      let union = RangeSet.union(a, b)
      let coordinates = Set((a + b).flatMap { Array($0) })
      #expect(Set(union.flatMap { Array($0) }) == coordinates, "\(a) \(b)")
      #expect(RangeSet.isCanonical(union), "\(a) \(b) -> \(union)")
      if !a.isEmpty && !b.isEmpty { merged += 1 }
    }
    #expect(merged > 1000)
  }

  /// Up to four ranges in 0..<30, in order (canonical or touching or overlapping) or shuffled.
  private func randomSet(using random: inout SplitMix64) -> [ClosedRange<Int>] {
    var set: [ClosedRange<Int>] = (0..<Int.random(in: 0...4, using: &random)).map { _ in
      let low = Int.random(in: 0..<30, using: &random)
      return low...(low + Int.random(in: 0...5, using: &random))
    }
    if Bool.random(using: &random) { set.sort { $0.lowerBound < $1.lowerBound } }
    if Bool.random(using: &random) { set = RangeSet.union(set, []) }
    return set
  }
}
