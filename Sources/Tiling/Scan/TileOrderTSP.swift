/// Scan as a travelling-salesman walk (tiling issue, item 4).
///
/// When the reduction fits in one tile (Tk >= K) every output tile (m, n) is visited
/// exactly once and is complete when it is left, so a schedule is just an order of the
/// cm x cn output tiles. The reload cost of a step depends only on the two tiles: moving
/// from (m, n) to (m', n') loads the input tile of row m' (Tm_m' x K entries) if m' != m
/// and the weight tile of column n' (K x Tn_n' entries) if n' != n. The first tile loads
/// both. Every output tile is written once: M x N entries whatever the order.
///
/// All costs are in entries (elements), like `Traffic`.

/// One output tile of a grid with a single reduction tile: row `m` (index of the m tile)
/// and column `n` (index of the n tile).
package struct OutputTile: Hashable, Sendable, Codable, CustomStringConvertible {
  package var m: Int
  package var n: Int

  package init(m: Int, n: Int) {
    self.m = m
    self.n = n
  }

  package var description: String { "(\(m),\(n))" }
}

/// Why a tile order could not be costed or optimised.
package enum TileOrderError: Error, Hashable, Sendable, CustomStringConvertible {
  /// Held-Karp needs 2^tiles x tiles table entries; it is refused above `limit` tiles.
  case tooManyTiles(count: Int, limit: Int)
  /// An order must visit every tile of the grid exactly once.
  case notAPermutation

  package var description: String {
    switch self {
    case .tooManyTiles(let count, let limit):
      return "Held-Karp over \(count) tiles refused: at most \(limit) tiles (the table grows as 2^tiles x tiles)"
    case .notAPermutation:
      return "the order does not visit every output tile of the grid exactly once"
    }
  }
}

/// The output-tile grid of a GEMM whose reduction fits in one tile (Tk >= K).
/// Edge tiles that do not fill a tile size are fragments, counted with their real size.
package struct OutputTileGrid: Hashable, Sendable {
  package let shape: GEMMShape
  let rowAxis: TileAxis
  let columnAxis: TileAxis

  /// nil unless every size and tile size is at least 1.
  package init?(shape: GEMMShape, tileM: Int, tileN: Int) {
    guard shape.m >= 1, shape.k >= 1, shape.n >= 1, tileM >= 1, tileN >= 1 else { return nil }
    self.shape = shape
    rowAxis = TileAxis(extent: shape.m, tileSize: tileM)
    columnAxis = TileAxis(extent: shape.n, tileSize: tileN)
  }

  /// The grid of a tiling; nil when the reduction does not fit in one tile (Tk < K).
  package init?(shape: GEMMShape, tiling: GEMMTiling) {
    guard tiling.tile.k >= shape.k else { return nil }
    self.init(shape: shape, tileM: tiling.tile.m, tileN: tiling.tile.n)
  }

  /// Number of m tiles (cm).
  package var rows: Int { rowAxis.count }
  /// Number of n tiles (cn).
  package var columns: Int { columnAxis.count }
  package var tileCount: Int { rows * columns }

  /// Every output tile, row by row; a tile's node number is m x columns + n.
  package var tiles: [OutputTile] {
    (0..<rows).flatMap { m in (0..<columns).map { n in OutputTile(m: m, n: n) } }
  }

  /// Entries read when the input tile of row m is loaded: Tm_m x K.
  package func inputTileEntries(row m: Int) -> Int { rowAxis.length(of: m) * shape.k }

  /// Entries read when the weight tile of column n is loaded: K x Tn_n.
  package func weightTileEntries(column n: Int) -> Int { shape.k * columnAxis.length(of: n) }

  /// Entries read when moving from `from` to `to` (both tiles, or only the first tile
  /// when `from` is nil).
  package func reloadEntries(from: OutputTile?, to: OutputTile) -> Int {
    (from?.m == to.m ? 0 : inputTileEntries(row: to.m)) + (from?.n == to.n ? 0 : weightTileEntries(column: to.n))
  }

  func contains(_ tile: OutputTile) -> Bool { (0..<rows).contains(tile.m) && (0..<columns).contains(tile.n) }
}

/// An order of the output tiles and its traffic.
package struct TileOrderOptimum: Hashable, Sendable {
  package var order: [OutputTile]
  /// Input and weight reads of the order plus the M x N output writes, in entries.
  package var traffic: Traffic
}

package enum TileOrderTSP {
  /// Held-Karp is refused above this many tiles: 2^16 x 16 table entries (about 9 MB) is the limit.
  package static let maxTiles = 16

  /// The DRAM traffic, in entries, of visiting the grid's output tiles in `order`
  /// with one resident tile per operand: input and weight reads by `reloadEntries`,
  /// every output tile written once (M x N). No partial sums: each output tile's
  /// reduction is complete in its single visit.
  package static func traffic(of order: [OutputTile], in grid: OutputTileGrid) throws(TileOrderError) -> Traffic {
    guard order.count == grid.tileCount, Set(order).count == order.count, order.allSatisfy(grid.contains) else {
      throw .notAPermutation
    }
    var traffic = Traffic(outputWrites: grid.shape.m * grid.shape.n)
    var previous: OutputTile?
    for tile in order {
      if previous?.m != tile.m { traffic.inputReads += grid.inputTileEntries(row: tile.m) }
      if previous?.n != tile.n { traffic.weightReads += grid.weightTileEntries(column: tile.n) }
      previous = tile
    }
    return traffic
  }

  /// A minimum-traffic order of the grid's output tiles: Held-Karp dynamic programming
  /// over subsets for the open path (free start and end), O(2^t t^2) time and O(2^t t)
  /// memory for t tiles. Throws `tooManyTiles` above `maxTiles`.
  package static func heldKarp(_ grid: OutputTileGrid) throws(TileOrderError) -> TileOrderOptimum {
    let tiles = grid.tiles
    let count = tiles.count
    guard count <= maxTiles else { throw .tooManyTiles(count: count, limit: maxTiles) }
    let step = tiles.map { from in tiles.map { to in grid.reloadEntries(from: from, to: to) } }
    let unreached = Int.max
    let subsets = 1 << count
    // best[mask * count + last]: least reload entries of a path over `mask` ending at `last`.
    var best = [Int](repeating: unreached, count: subsets * count)
    var parent = [Int8](repeating: -1, count: subsets * count)
    for (node, tile) in tiles.enumerated() {
      best[(1 << node) * count + node] = grid.reloadEntries(from: nil, to: tile)
    }
    for mask in 1..<subsets {
      for last in 0..<count where mask & (1 << last) != 0 {
        let cost = best[mask * count + last]
        guard cost != unreached else { continue }
        for next in 0..<count where mask & (1 << next) == 0 {
          let slot = (mask | (1 << next)) * count + next
          let candidate = cost + step[last][next]
          if candidate < best[slot] {
            best[slot] = candidate
            parent[slot] = Int8(last)
          }
        }
      }
    }
    let full = subsets - 1
    var end = 0
    for last in 1..<count where best[full * count + last] < best[full * count + end] { end = last }
    var reversed: [OutputTile] = []
    var mask = full
    var node = end
    while node >= 0 {
      reversed.append(tiles[node])
      let previous = Int(parent[mask * count + node])
      mask &= ~(1 << node)
      node = previous
    }
    let order = Array(reversed.reversed())
    return TileOrderOptimum(order: order, traffic: try traffic(of: order, in: grid))
  }
}
