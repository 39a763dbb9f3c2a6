import Networks

/// Whether the search may make loops Scan (snake).
public enum ScanOption: String, Hashable, Sendable, Codable, CaseIterable {
  /// Row-major loops only (the `layerwise-rowmajor` baseline).
  case never
  /// Any loop may Scan (`layerwise-scan`).
  case allowed
}

/// What a tiling search may choose and what it minimises, for GEMMs and convolutions alike.
package struct SearchOptions: Hashable, Sendable, Codable {
  /// Buffer entries per output entry held as a partial sum (see `GEMMTiling.footprint`).
  package var psumWidth: Int
  package var scan: ScanOption
  package var objective: TrafficObjective

  package init(psumWidth: Int = 1, scan: ScanOption = .allowed, objective: TrafficObjective = .entries) {
    self.psumWidth = psumWidth
    self.scan = scan
    self.objective = objective
  }
}

/// A tiling the search found, with its exact traffic and objective.
package struct GEMMSchedule: Hashable, Sendable, Codable, CustomStringConvertible {
  package var tiling: GEMMTiling
  package var traffic: Traffic
  /// The objective's value for `traffic`.
  package var cost: Int
  /// Buffer entries occupied (`GEMMTiling.footprint`).
  package var footprint: Int

  package var description: String { "\(tiling): cost \(cost), footprint \(footprint); \(traffic)" }
}

/// Why a tiling search (GEMM or convolution) returned nothing.
package enum SearchError: Error, Hashable, Sendable, CustomStringConvertible {
  /// Not even tiles of size 1 fit: the buffer needs at least `minimum` entries.
  case bufferTooSmall(buffer: Int, minimum: Int)
  /// A layer with a dimension, kernel or stride below 1, or negative padding.
  case invalidProblem(String)
  case invalidOptions(String)
  /// A streaming layer's one output row does not fit: it holds `minimum` entries (a row or a
  /// pooling window of every input, and the output row).
  case streamingTooSmall(buffer: Int, minimum: Int)

  package var description: String {
    switch self {
    case .bufferTooSmall(let buffer, let minimum):
      return "buffer of \(buffer) entries is too small: the smallest tiling (every tile of size 1) needs \(minimum) entries"
    case .invalidProblem(let reason): return "invalid layer: \(reason)"
    case .invalidOptions(let reason): return "invalid search options: \(reason)"
    case .streamingTooSmall(let buffer, let minimum):
      return "buffer of \(buffer) entries is too small: streaming one output row holds what every input gives it (a row, or a pooling window) and the row itself, \(minimum) entries"
    }
  }
}

/// Exact search for the tilings with the least DRAM traffic (or weighted objective) at a buffer
/// size, over every tile size (not only divisors), every loop order and every Scan choice.
///
/// Exact for GEMMClosedForm (tests compare with brute force over every tile size) because it only
/// discards tilings that another one beats or ties with a smaller footprint:
/// - the outer tile matters only through its count, so the smallest tile of each count class wins;
/// - within count classes the cost is linear in each of Ty, Tz with the other fixed, so at the
///   optimum each sits at its class minimum or at the largest value that still fits; the search
///   walks the shorter of the two ranges and tries both ends of the other. Ty is walked only when
///   its first/last lengths matter (Scan allowed, more than one x and y tile); otherwise its class
///   minimum wins;
/// - count classes whose lower bound exceeds the k-th best so far are skipped (branch and bound).
///
/// Ties are broken by footprint, loop order name, fewer Scan flags, then tile sizes m, k, n, so
/// results are reproducible. The top k are distinct schedules: at most one per loop order and
/// tile counts, and orders that differ only in where single-tile loops sit (same steps) count once.
package enum GEMMSearch {
  /// The best schedule.
  package static func best(
    shape: GEMMShape, buffer: Int, options: SearchOptions = .init(), orders: [LoopOrder] = LoopOrder.allCases
  ) throws -> GEMMSchedule {
    let found = try top(1, shape: shape, buffer: buffer, options: options, orders: orders)
    guard let best = found.first else {
      throw SearchError.bufferTooSmall(buffer: buffer, minimum: minimumBuffer(psumWidth: options.psumWidth))
    }
    return best
  }

  /// The `count` best distinct schedules, best first (fewer if fewer exist), with loop orders
  /// restricted to `orders` when given.
  package static func top(
    _ count: Int, shape: GEMMShape, buffer: Int, options: SearchOptions = .init(),
    orders: [LoopOrder] = LoopOrder.allCases
  ) throws -> [GEMMSchedule] {
    guard shape.m >= 1, shape.k >= 1, shape.n >= 1 else { throw SearchError.invalidProblem("GEMM m \(shape.m) k \(shape.k) n \(shape.n) has a dimension below 1") }
    if let problem = Limits.gemmProblem(shape) { throw SearchError.invalidProblem(problem) }
    if let problem = Limits.bufferProblem(buffer) { throw SearchError.invalidOptions(problem) }
    guard count >= 1 else { throw SearchError.invalidOptions("top count \(count) is below 1") }
    guard (0...Limits.psumWidth).contains(options.psumWidth) else {
      throw SearchError.invalidOptions("psum width \(options.psumWidth) is outside 0...\(Limits.psumWidth)")
    }
    guard options.objective.isValid else {
      throw SearchError.invalidOptions("objective weights must be from 0 to \(TrafficObjective.largestWeight)")
    }
    let minimum = minimumBuffer(psumWidth: options.psumWidth)
    guard buffer >= minimum else { throw SearchError.bufferTooSmall(buffer: buffer, minimum: minimum) }
    var search = SearchRun(shape: shape, buffer: buffer, options: options, capacity: count)
    guard !orders.isEmpty else { throw SearchError.invalidOptions("no loop order to consider") }
    for order in LoopOrder.allCases where orders.contains(order) {
      search.search(
        OrderedGEMM(
          order: order, shape: shape, psumWidth: options.psumWidth, objective: options.objective,
          considered: orders))
    }
    return search.kept.map { candidate in
      let tiling = candidate.tiling
      let traffic = GEMMClosedForm.traffic(shape: shape, tiling: tiling)
      return GEMMSchedule(
        tiling: tiling, traffic: traffic, cost: options.objective.cost(traffic),
        footprint: tiling.footprint(for: shape, psumWidth: options.psumWidth))
    }
  }

  /// Footprint of 1x1x1 tiles: one input, one weight and one output entry of `psumWidth`.
  package static func minimumBuffer(psumWidth: Int) -> Int { 2 + psumWidth }

  /// Tie-break rank of a set of Scan flags: fewer scanned loops first, then by m (1), k (2), n (4).
  static func scanRank(_ scan: PerDimension<Bool>) -> Int {
    let bits = (scan.m ? 1 : 0) + (scan.k ? 2 : 0) + (scan.n ? 4 : 0)
    return bits.nonzeroBitCount * 8 + bits
  }
}
