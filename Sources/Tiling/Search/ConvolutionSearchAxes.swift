/// The per-axis sums the closed form needs (`AxisSummary`), as plain integers so the search can
/// take componentwise minima and maxima over a range of tile sizes and bound the traffic of
/// every size in the range at once.
struct AxisSums: Hashable, Sendable {
  /// Sum of tile lengths over even and odd tile indices.
  var even: Int
  var odd: Int
  /// Sum of overlap(p, p+1) over even and odd p.
  var overlapEven: Int
  var overlapOdd: Int
  var first: Int
  var last: Int
  /// overlap(last, first): what a loop that restarts without Scan keeps.
  var restart: Int
  var longest: Int

  var total: Int { even + odd }

  init(even: Int, odd: Int, overlapEven: Int, overlapOdd: Int, first: Int, last: Int, restart: Int, longest: Int) {
    (self.even, self.odd, self.overlapEven, self.overlapOdd) = (even, odd, overlapEven, overlapOdd)
    (self.first, self.last, self.restart, self.longest) = (first, last, restart, longest)
  }

  init(_ summary: AxisSummary) {
    self.init(
      even: summary.lengthByParity[0], odd: summary.lengthByParity[1],
      overlapEven: summary.neighbourOverlapByParity[0], overlapOdd: summary.neighbourOverlapByParity[1],
      first: summary.firstLength, last: summary.lastLength, restart: summary.restartOverlap,
      longest: summary.maximumLength)
  }

  /// A dimension the operand does not depend on: `count` tiles of one shared "entry".
  static func irrelevant(count: Int) -> AxisSums {
    AxisSums(
      even: (count + 1) / 2, odd: count / 2, overlapEven: count / 2, overlapOdd: (count - 1) / 2, first: 1, last: 1,
      restart: 1, longest: 1)
  }

  /// Componentwise maximum: every product of these sums bounds the same product for both.
  func maximum(_ other: AxisSums) -> AxisSums {
    AxisSums(
      even: max(even, other.even), odd: max(odd, other.odd), overlapEven: max(overlapEven, other.overlapEven),
      overlapOdd: max(overlapOdd, other.overlapOdd), first: max(first, other.first), last: max(last, other.last),
      restart: max(restart, other.restart), longest: max(longest, other.longest))
  }
}

/// The sums of one operand along one loop over a range of tile sizes of one count class:
/// `low` holds the least total length, `high` the componentwise maxima (exact when the range
/// is a single size).
struct AxisRange: Sendable {
  var lowTotal: Int
  var high: AxisSums

  init(exact sums: AxisSums) { (lowTotal, high) = (sums.total, sums) }
  init(lowTotal: Int, high: AxisSums) { (self.lowTotal, self.high) = (lowTotal, high) }
}

extension AxisRange {
  /// What the bounds for any Scan choice (`AnyScanBound`, `PartialBound`) take of an axis whose
  /// sizes are assigned, with `count` tiles: its largest total; its summed neighbour overlaps (0
  /// for one tile, which never advances); and the most a loop inside another keeps of it (its
  /// only tile; else what a restart keeps, or with Scan allowed also its first or last tile).
  func boundFactors(count: Int, scanAllowed: Bool) -> (highTotal: Int, overlap: Int, kept: Int) {
    (
      high.total, count >= 2 ? high.overlapEven + high.overlapOdd : 0,
      count == 1 ? high.first : (scanAllowed ? max(high.restart, high.first, high.last) : high.restart)
    )
  }
}

/// How an operand sees a loop dimension.
enum AxisKind: Sendable {
  case irrelevant
  /// Disjoint tiles (channels; output rows and columns).
  case tiles
  /// Overlapping input windows of output row or column tiles.
  case windows
}

/// Componentwise maxima (and least totals) of `AxisSums` over any range of sizes in O(1): a
/// sparse table, level j holding the ranges of 2^j sizes.
struct AxisRangeTable: Sendable {
  private var high: [[AxisSums]]
  private var low: [[Int]]

  init(_ sums: [AxisSums]) {
    high = [sums]
    low = [sums.map(\.total)]
    var width = 1
    while 2 * width <= sums.count, let previousHigh = high.last, let previousLow = low.last {
      let count = sums.count - 2 * width + 1
      high.append((0..<count).map { previousHigh[$0].maximum(previousHigh[$0 + width]) })
      low.append((0..<count).map { min(previousLow[$0], previousLow[$0 + width]) })
      width *= 2
    }
  }

  /// The sums over sizes `from ... to` (1-based, from <= to).
  func range(from: Int, to: Int) -> AxisRange {
    let length = to - from + 1
    let level = Int.bitWidth - 1 - length.leadingZeroBitCount
    let second = to - (1 << level)
    return AxisRange(
      lowTotal: min(low[level][from - 1], low[level][second]),
      high: high[level][from - 1].maximum(high[level][second]))
  }
}

/// A dimension's tile sizes, their count classes and, per size, the exact sums of its tiles and
/// (rows and columns) of its input windows, with range tables so that the sums over any sizes
/// `low ... high` of one class are read in O(1).
struct DimensionTable: Sendable {
  let extent: Int
  /// Count classes, largest tiles (count 1) first.
  let classes: [TileClass]
  /// Indexed by size - 1.
  let tiles: [AxisSums]
  let windows: [AxisSums]
  private let tileRanges: AxisRangeTable
  private let windowRanges: AxisRangeTable
  private let tilesOpen: [OpenAxisSums]
  private let windowsOpen: [OpenAxisSums]

  init(extent: Int, window: (stride: Int, kernel: Int, padding: Int, inputExtent: Int)?) {
    self.extent = extent
    classes = TileClass.classes(of: extent)
    tiles = (1...extent).map { AxisSums(AxisSummary(.tiles(extent: extent, size: $0))) }
    if let window {
      windows = (1...extent).map {
        AxisSums(
          AxisSummary(
            .windows(
              outputExtent: extent, size: $0, stride: window.stride, kernel: window.kernel, padding: window.padding,
              inputExtent: window.inputExtent)))
      }
    } else {
      windows = []
    }
    tileRanges = AxisRangeTable(tiles)
    windowRanges = AxisRangeTable(windows)
    tilesOpen = OpenAxisSums.prefixes(tiles, extent: extent)
    windowsOpen = OpenAxisSums.prefixes(windows, extent: extent)
  }

  /// The count of tiles of `size`.
  func count(_ size: Int) -> Int { (extent + size - 1) / size }

  /// Exact sums for one size.
  func sums(_ kind: AxisKind, size: Int) -> AxisSums {
    switch kind {
    case .irrelevant: return .irrelevant(count: count(size))
    case .tiles: return tiles[size - 1]
    case .windows: return windows[size - 1]
    }
  }

  /// The longest tile of one size (1 for `.irrelevant`): what a footprint needs, without the
  /// other sums.
  func longest(_ kind: AxisKind, size: Int) -> Int {
    switch kind {
    case .irrelevant: return 1
    case .tiles: return tiles[size - 1].longest
    case .windows: return windows[size - 1].longest
    }
  }

  /// Sums over the sizes `low ... high`, all of one class (so of one count).
  func range(_ kind: AxisKind, from low: Int, to high: Int) -> AxisRange {
    switch kind {
    case .irrelevant: return AxisRange(exact: .irrelevant(count: count(high)))
    case .tiles: return low == high ? AxisRange(exact: tiles[high - 1]) : tileRanges.range(from: low, to: high)
    case .windows: return low == high ? AxisRange(exact: windows[high - 1]) : windowRanges.range(from: low, to: high)
    }
  }

  /// Extrema of the sums over every size 1 ... `cap` (not for `.irrelevant`).
  func open(_ kind: AxisKind, upTo cap: Int) -> OpenAxisSums {
    kind == .windows ? windowsOpen[cap - 1] : tilesOpen[cap - 1]
  }
}
