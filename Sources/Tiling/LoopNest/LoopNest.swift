/// One loop of a tile loop nest: how many tiles it steps through and whether it runs as a
/// Scan (reversing direction every time its enclosing loop restarts it).
package struct LoopLevel: Hashable, Sendable, Codable {
  package var count: Int
  package var scanned: Bool

  package init(count: Int, scanned: Bool) {
    self.count = count
    self.scanned = scanned
  }
}

/// A nest of tile loops, outer to inner, and the traffic of an operand whose tile region is
/// the product of one interval per loop (`AxisIntervals`), with one resident tile: each step
/// loads what the new region does not share with the previous one.
///
/// This covers GEMM operands (disjoint tiles: all or nothing) and the input of a KxK
/// convolution, whose row and column windows overlap between neighbouring tiles (the halo),
/// so that moving to a neighbouring tile in the same channel tile reads only the new rows.
package enum LoopNestTraffic {
  /// Entries loaded over the whole nest: the sum over steps of the region size, minus, for
  /// every pair of consecutive steps, the entries the two regions share.
  ///
  /// The shared part is summed per loop level ℓ that advances between the two steps: outer
  /// loops hold their index, loop ℓ moves to a neighbouring tile, and every inner loop
  /// restarts — on the tile it ended on if it scans, from its last tile to its first if not.
  /// Which end a scanned loop turns at depends only on the parity of its sweep number (the
  /// linear index of the loops outside it), so a dynamic programme over the levels, carrying
  /// that parity, sums the products with per-axis sums by index parity: O(levels), not O(tiles).
  package static func loads(levels: [LoopLevel], axes: [AxisIntervals]) -> Int {
    loads(levels: levels, summaries: axes.map(AxisSummary.init))
  }

  /// `loads` of a segment's spatial nest: a row loop (never scanned) around a column loop
  /// (scanned or not), the same sums without building the levels: the segment searches cost
  /// millions of spatial tilings. Equal to the general form (tested).
  static func spatialLoads(rows: AxisSummary, columns: AxisSummary, scanned: Bool) -> Int {
    var total = rows.totalLength * columns.totalLength
    let (rowCount, columnCount) = (rows.count, columns.count)
    if rowCount >= 2 {
      // A row advance: the column loop restarts on its first tile, or with Scan turns where
      // its sweep (numbered by the row pair's lower index) ended.
      for pairParity in 0...1 where (pairParity == 0 ? rowCount / 2 : (rowCount - 1) / 2) > 0 {
        let column =
          columnCount == 1
          ? columns.firstLength
          : scanned ? (pairParity == 0 ? columns.lastLength : columns.firstLength) : columns.restartOverlap
        total -= rows.neighbourOverlapByParity[pairParity] * column
      }
    }
    if columnCount >= 2 {
      // A column advance within a row: forward, or backward on an odd row with Scan.
      for rowParity in 0...1 where rowParity == 0 || rowCount / 2 > 0 {
        let length = rows.lengthByParity[rowParity]
        guard length != 0 else { continue }
        let forward = !scanned || rowParity == 0
        for pairParity in 0...1 where (pairParity == 0 ? columnCount / 2 : (columnCount - 1) / 2) > 0 {
          total -= length * columns.neighbourOverlapByParity[forward ? pairParity : (columnCount + pairParity) % 2]
        }
      }
    }
    return total
  }

  static func loads(levels: [LoopLevel], summaries: [AxisSummary]) -> Int {
    var total = summaries.reduce(1) { $0 * $1.totalLength }
    for level in levels.indices where levels[level].count >= 2 {
      total -= sharedOnAdvance(of: level, levels: levels, summaries: summaries)
    }
    return total
  }

  /// Entries shared by consecutive steps when loop `advancing` moves to its next tile.
  private static func sharedOnAdvance(of advancing: Int, levels: [LoopLevel], summaries: [AxisSummary]) -> Int {
    // Sums of products over the loops outside `advancing`, by the parity of their linear index.
    var byParity = [1, 0]
    for level in 0..<advancing {
      let loop = levels[level]
      byParity = step(byParity, counters: loop.count, indices: loop.count, radix: loop.count, scanned: loop.scanned) {
        indexParity in
        summaries[level].lengthByParity[indexParity]
      }
    }
    // The advancing loop: counter c = 0 ... count-2 moves to its neighbour; forward that is the
    // pair (c, c+1), backward the pair (count-2-c, count-1-c), numbered by its lower index.
    let moving = levels[advancing]
    byParity = step(
      byParity, counters: moving.count - 1, indices: moving.count - 1, radix: moving.count, scanned: moving.scanned
    ) { pairParity in summaries[advancing].neighbourOverlapByParity[pairParity] }
    var shared = 0
    for parity in 0...1 where byParity[parity] != 0 {
      var product = byParity[parity]
      var sweepParity = parity
      for level in (advancing + 1)..<levels.count {
        let loop = levels[level]
        let summary = summaries[level]
        if loop.count == 1 {
          product *= summary.firstLength
        } else if loop.scanned {
          // An even sweep runs forward and turns on its last tile; an odd one on its first.
          product *= sweepParity == 0 ? summary.lastLength : summary.firstLength
        } else {
          product *= summary.restartOverlap
        }
        // The sweep number of the next loop inward: this loop's sweep number * count + (count - 1).
        sweepParity = (sweepParity * (loop.count % 2) + (loop.count - 1) % 2) % 2
      }
      shared += product
    }
    return shared
  }

  /// Folds one loop into the parity-indexed sums. Its counters 0 ..< `counters` run forward on
  /// an even sweep (or always, without Scan) and backward otherwise, where counter c visits
  /// index `indices - 1 - c`; `sum(p)` is the sum of the loop's factor over indices of parity p.
  /// The linear index of the loops so far becomes previous * `radix` + counter.
  private static func step(
    _ byParity: [Int], counters: Int, indices: Int, radix: Int, scanned: Bool, sum: (Int) -> Int
  ) -> [Int] {
    var next = [0, 0]
    for parity in 0...1 where byParity[parity] != 0 {
      let forward = !scanned || parity == 0
      for counterParity in 0...1 where (counterParity == 0 ? (counters + 1) / 2 : counters / 2) > 0 {
        let indexParity = forward ? counterParity : (indices + 1 + counterParity) % 2
        let nextParity = (parity * (radix % 2) + counterParity) % 2
        next[nextParity] += byParity[parity] * sum(indexParity)
      }
    }
    return next
  }
}
