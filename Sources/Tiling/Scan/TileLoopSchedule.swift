/// Loop schedules of an output-tile grid with one reduction tile (Tk >= K): the tile
/// orders a `GEMMTiling` can express, for comparison with the Held-Karp optimum.
///
/// With one k tile the k loop has no effect on the order wherever it sits, so a loop
/// schedule is: the outer loop over rows (m) or columns (n), the inner loop over the
/// other, Scan (snake) on the inner loop or not. A scan flag on the outer loop does
/// nothing, since the outer loop starts once. Optionally each level visits its tiles in
/// a fixed permutation instead of 0..<count.
package struct TileLoopSchedule: Hashable, Sendable, CustomStringConvertible {
  package enum Outer: String, Hashable, Sendable, CaseIterable {
    case m, n
  }

  package var outer: Outer
  /// Scan on the inner loop: it reverses direction each time the outer loop restarts it.
  package var snake: Bool
  /// The m tiles in the order each pass over rows visits them (a permutation of 0..<rows).
  package var rowOrder: [Int]
  /// The n tiles in the order each pass over columns visits them (a permutation of 0..<columns).
  package var columnOrder: [Int]

  package init(outer: Outer, snake: Bool, rowOrder: [Int], columnOrder: [Int]) {
    self.outer = outer
    self.snake = snake
    self.rowOrder = rowOrder
    self.columnOrder = columnOrder
  }

  /// The schedule with tiles in their natural order 0, 1, ..., as a `GEMMTiling` runs them.
  package static func natural(outer: Outer, snake: Bool, in grid: OutputTileGrid) -> TileLoopSchedule {
    TileLoopSchedule(outer: outer, snake: snake, rowOrder: Array(0..<grid.rows), columnOrder: Array(0..<grid.columns))
  }

  package var description: String {
    let outerOrder = outer == .m ? rowOrder : columnOrder
    let innerOrder = outer == .m ? columnOrder : rowOrder
    let inner = outer == .m ? "n" : "m"
    return "\(outer.rawValue)\(outerOrder) outer, \(inner)\(innerOrder) inner" + (snake ? " scan" : "")
  }

  /// The output tiles in visiting order.
  package func order() -> [OutputTile] {
    let outerOrder = outer == .m ? rowOrder : columnOrder
    let innerOrder = outer == .m ? columnOrder : rowOrder
    var tiles: [OutputTile] = []
    for (pass, o) in outerOrder.enumerated() {
      let sweep = snake && pass % 2 == 1 ? Array(innerOrder.reversed()) : innerOrder
      for i in sweep {
        tiles.append(outer == .m ? OutputTile(m: o, n: i) : OutputTile(m: i, n: o))
      }
    }
    return tiles
  }
}

/// A schedule and its traffic.
package struct ScheduledTraffic: Hashable, Sendable {
  package var schedule: TileLoopSchedule
  /// In entries, as `TileOrderTSP.traffic(of:in:)` counts it.
  package var traffic: Traffic
}

package enum TileLoopSearch {
  /// The least-traffic loop schedule of the grid over both outer loops, with Scan on the
  /// inner loop (`snake`) or row-major (not `snake`).
  ///
  /// With `permuted`, each level's tiles may be visited in any fixed permutation. The
  /// search need not try them all: the outer loop loads each of its tiles exactly once
  /// whatever its order, and the inner loop reloads all its tiles on every pass except,
  /// under Scan, the tile at the turn, which is its first or last tile. So only the
  /// inner permutation's two end tiles matter, and the search tries every ordered pair of
  /// ends (the tests check this against all permutations of both levels on small grids).
  /// Ties keep the first schedule found, natural orders and outer m first.
  package static func best(in grid: OutputTileGrid, snake: Bool, permuted: Bool) throws(TileOrderError) -> ScheduledTraffic {
    let first = TileLoopSchedule.natural(outer: .m, snake: snake, in: grid)
    var best = ScheduledTraffic(schedule: first, traffic: try TileOrderTSP.traffic(of: first.order(), in: grid))
    for outer in TileLoopSchedule.Outer.allCases {
      let natural = TileLoopSchedule.natural(outer: outer, snake: snake, in: grid)
      var candidates = [natural]
      if permuted {
        let innerCount = outer == .m ? grid.columns : grid.rows
        for first in 0..<innerCount {
          for last in 0..<innerCount where last != first {
            let middle = (0..<innerCount).filter { $0 != first && $0 != last }
            var schedule = natural
            if outer == .m { schedule.columnOrder = [first] + middle + [last] } else { schedule.rowOrder = [first] + middle + [last] }
            candidates.append(schedule)
          }
        }
      }
      for schedule in candidates {
        let traffic = try TileOrderTSP.traffic(of: schedule.order(), in: grid)
        if traffic.total < best.traffic.total {
          best = ScheduledTraffic(schedule: schedule, traffic: traffic)
        }
      }
    }
    return best
  }
}
