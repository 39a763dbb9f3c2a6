/// A set of tensor coordinates that is a product of one coordinate set per axis, each set as
/// sorted disjoint inclusive ranges: a tile of a tensor (a strided window leaves gaps along an
/// axis). What moves between DRAM and the buffer is a union of such boxes.
public struct CoordinateBox: Hashable, Sendable, Codable {
  /// Per axis, the coordinates covered, sorted, disjoint and not adjacent.
  public var ranges: [[ClosedRange<Int>]]

  /// A box from its coordinate sets (each sorted and disjoint).
  public init(_ ranges: [[ClosedRange<Int>]]) { self.ranges = ranges }

  /// Coordinates in the box.
  public var count: Int { ranges.reduce(1) { $0 * RangeSet.count($1) } }

  /// Whether the box holds no coordinate.
  public var isEmpty: Bool { ranges.contains { $0.isEmpty } }

  /// The coordinates in both boxes (the intersection of products is the product of intersections).
  public func intersection(_ other: CoordinateBox) -> CoordinateBox {
    CoordinateBox(zip(ranges, other.ranges).map { Self.intersection($0.0, $0.1) })
  }

  /// The coordinates of this box that `other` does not hold, as disjoint boxes: along axis i,
  /// the part outside `other` with the axes before i inside it and the axes after i whole.
  public func subtracting(_ other: CoordinateBox) -> [CoordinateBox] {
    guard ranges.count == other.ranges.count else { return [self] }
    let shared = zip(ranges, other.ranges).map { Self.intersection($0.0, $0.1) }
    if shared.contains(where: \.isEmpty) { return isEmpty ? [] : [self] }
    var pieces: [CoordinateBox] = []
    for axis in ranges.indices {
      let outside = Self.subtracting(ranges[axis], other.ranges[axis])
      guard !outside.isEmpty else { continue }
      pieces.append(CoordinateBox(Array(shared[..<axis]) + [outside] + Array(ranges[(axis + 1)...])))
    }
    return pieces
  }

  /// The row-major flat index (last axis fastest) of every coordinate in a tensor of `extents`,
  /// in that order: where the executor's tensors keep each element.
  public func offsets(in extents: [Int]) -> [Int] {
    // Axis by axis, each prefix's offsets widened by the next axis's coordinates: loops over
    // arrays, no recursion (the executor calls this for every transfer it checks).
    var offsets = [0]
    for (axis, axisRanges) in ranges.enumerated() {
      let extent = axis < extents.count ? extents[axis] : 1
      var widened: [Int] = []
      widened.reserveCapacity(offsets.count * RangeSet.count(axisRanges))
      for base in offsets {
        let scaled = base * extent
        for range in axisRanges {
          for coordinate in range { widened.append(scaled + coordinate) }
        }
      }
      offsets = widened
    }
    return offsets
  }

  /// Every coordinate, the last axis fastest (for checks on small boxes).
  public func coordinates() -> [[Int]] {
    ranges.reduce([[]]) { prefixes, axis in
      prefixes.flatMap { prefix in axis.flatMap { range in range.map { prefix + [$0] } } }
    }
  }

  /// The coordinates of two sorted disjoint range lists that both hold, in one merge pass.
  static func intersection(_ a: [ClosedRange<Int>], _ b: [ClosedRange<Int>]) -> [ClosedRange<Int>] {
    var result: [ClosedRange<Int>] = []
    var i = 0
    var j = 0
    while i < a.count && j < b.count {
      let low = max(a[i].lowerBound, b[j].lowerBound)
      let high = min(a[i].upperBound, b[j].upperBound)
      if low <= high { result.append(low...high) }
      if a[i].upperBound < b[j].upperBound { i += 1 } else { j += 1 }
    }
    return result
  }

  /// The coordinates of sorted disjoint `a` that sorted disjoint `b` does not hold, in one pass.
  static func subtracting(_ a: [ClosedRange<Int>], _ b: [ClosedRange<Int>]) -> [ClosedRange<Int>] {
    var result: [ClosedRange<Int>] = []
    var j = 0
    for range in a {
      var low = range.lowerBound
      while j < b.count && b[j].upperBound < low { j += 1 }
      var k = j
      while k < b.count && b[k].lowerBound <= range.upperBound {
        if b[k].lowerBound > low { result.append(low...(b[k].lowerBound - 1)) }
        low = max(low, b[k].upperBound + 1)
        k += 1
      }
      if low <= range.upperBound { result.append(low...range.upperBound) }
    }
    return result
  }

  /// Sorted coordinates as maximal runs.
  static func runs<C: Collection<Int>>(_ sorted: C) -> [ClosedRange<Int>] {
    var result: [ClosedRange<Int>] = []
    for value in sorted {
      if let last = result.last, value == last.upperBound + 1 {
        result[result.count - 1] = last.lowerBound...value
      } else {
        result.append(value...value)
      }
    }
    return result
  }
}
