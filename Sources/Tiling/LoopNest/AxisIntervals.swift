/// What one operand sees of one loop dimension: for each tile index along the loop, the set of
/// the operand's coordinates that tile covers, as sorted disjoint inclusive ranges.
///
/// A channel or GEMM dimension gives disjoint tiles (tile i covers [i*T, (i+1)*T-1]); an input
/// row dimension of a KxK convolution gives windows that overlap between neighbouring tiles (the
/// halo) when the kernel is at least the stride, and separate blocks with unread rows between
/// them when the stride is larger (a strided 1x1 reads every other row). Windows are clipped to
/// the tensor: padding is never read. A dimension the operand does not depend on gives the same
/// single coordinate for every index.
package struct AxisIntervals: Hashable, Sendable {
  package let tiles: [[ClosedRange<Int>]]

  package init(tiles: [[ClosedRange<Int>]]) { self.tiles = tiles }

  package var count: Int { tiles.count }

  /// Entries covered by tile `index`.
  package func length(_ index: Int) -> Int { tiles[index].reduce(0) { $0 + $1.count } }

  /// Entries two tiles have in common.
  package func overlap(_ a: Int, _ b: Int) -> Int {
    if a == b { return length(a) }
    var shared = 0
    var i = 0
    var j = 0
    let first = tiles[a]
    let second = tiles[b]
    while i < first.count && j < second.count {
      let low = max(first[i].lowerBound, second[j].lowerBound)
      let high = min(first[i].upperBound, second[j].upperBound)
      if low <= high { shared += high - low + 1 }
      if first[i].upperBound < second[j].upperBound { i += 1 } else { j += 1 }
    }
    return shared
  }

  /// A dimension the operand does not depend on: every tile index selects the same single "entry".
  package static func irrelevant(count: Int) -> AxisIntervals {
    AxisIntervals(tiles: Array(repeating: [0...0], count: count))
  }

  /// Disjoint tiles of `size` over `extent` entries; the last one is a fragment when size does not divide extent.
  package static func tiles(extent: Int, size: Int) -> AxisIntervals {
    let size = max(1, min(size, extent))
    let count = (extent + size - 1) / size
    return AxisIntervals(tiles: (0..<count).map { [($0 * size)...(min(($0 + 1) * size, extent) - 1)] })
  }

  /// Input coordinates read by tiles of `size` outputs of a sliding window: output o reads
  /// o*stride - padding ... o*stride - padding + kernel - 1, clipped to [0, inputExtent).
  package static func windows(
    outputExtent: Int, size: Int, stride: Int, kernel: Int, padding: Int, inputExtent: Int
  ) -> AxisIntervals {
    AxisIntervals(
      tiles: tiles(extent: outputExtent, size: size).tiles.map { outputs in
        RangeSet.window(outputs, kernel: kernel, stride: stride, padding: padding, extent: inputExtent)
      })
  }
}

/// The sums over one axis the closed form needs, computed once per axis in O(tiles along it).
struct AxisSummary: Hashable, Sendable {
  let count: Int
  /// Sum of lengths over tile indices of each parity (index 0: even, 1: odd).
  let lengthByParity: ParityPair
  /// Sum of overlap(p, p+1) over p = 0 ... count-2, by the parity of p.
  let neighbourOverlapByParity: ParityPair
  let firstLength: Int
  let lastLength: Int
  /// overlap(last, first): what a loop that restarts without Scan keeps.
  let restartOverlap: Int
  let maximumLength: Int

  init(_ axis: AxisIntervals) {
    count = axis.count
    var lengths = ParityPair()
    var overlaps = ParityPair()
    var maximum = 0
    for index in 0..<axis.count {
      let length = axis.length(index)
      lengths[index % 2] += length
      maximum = max(maximum, length)
      if index + 1 < axis.count { overlaps[index % 2] += axis.overlap(index, index + 1) }
    }
    lengthByParity = lengths
    neighbourOverlapByParity = overlaps
    firstLength = axis.count > 0 ? axis.length(0) : 0
    lastLength = axis.count > 0 ? axis.length(axis.count - 1) : 0
    restartOverlap = axis.count > 0 ? axis.overlap(axis.count - 1, 0) : 0
    maximumLength = maximum
  }

  var totalLength: Int { lengthByParity[0] + lengthByParity[1] }

  private init(
    count: Int, lengthByParity: ParityPair, neighbourOverlapByParity: ParityPair, first: Int, last: Int, restartOverlap: Int,
    maximum: Int
  ) {
    self.count = count
    self.lengthByParity = lengthByParity
    self.neighbourOverlapByParity = neighbourOverlapByParity
    firstLength = first
    lastLength = last
    self.restartOverlap = restartOverlap
    maximumLength = maximum
  }

  /// The summary of `AxisIntervals.tiles(extent:size:)` in O(1): disjoint tiles of `size`, the
  /// last a fragment.
  init(tilesOf extent: Int, size: Int) {
    let size = max(1, min(size, extent))
    let count = (extent + size - 1) / size
    let last = extent - (count - 1) * size
    var lengths = ParityPair(even: (count + 1) / 2 * size, odd: count / 2 * size)
    lengths[(count - 1) % 2] -= size - last
    self.init(
      count: count, lengthByParity: lengths, neighbourOverlapByParity: ParityPair(), first: count == 1 ? last : size,
      last: last, restartOverlap: count == 1 ? last : 0, maximum: count == 1 ? last : size)
  }

  /// The summary of `AxisIntervals.irrelevant(count:)` in O(1).
  init(irrelevant count: Int) {
    self.init(
      count: count, lengthByParity: ParityPair(even: (count + 1) / 2, odd: count / 2),
      neighbourOverlapByParity: ParityPair(even: count / 2, odd: (count - 1) / 2),
      first: 1, last: 1, restartOverlap: 1, maximum: 1)
  }
}

/// Two sums, by the parity of a tile index (0: even, 1: odd), held inline: summaries are
/// copied for every spatial tiling a search visits, and two small arrays made each copy a
/// reference count to update.
struct ParityPair: Hashable, Sendable {
  var even = 0
  var odd = 0

  subscript(_ parity: Int) -> Int {
    get { parity == 0 ? even : odd }
    set {
      if parity == 0 { even = newValue } else { odd = newValue }
    }
  }
}
