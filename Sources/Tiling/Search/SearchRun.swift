/// A tiling under consideration, ordered by the search's total preference:
/// cost, footprint, loop order name, Scan rank, tile sizes m, k, n.
struct Candidate: Comparable, Sendable {
  var cost: Int
  var footprint: Int
  var orderRank: Int
  var scanRank: Int
  var tile: PerDimension<Int>
  var order: LoopOrder
  var scan: PerDimension<Bool>

  var tiling: GEMMTiling { GEMMTiling(tile: tile, order: order, scan: scan) }

  static func < (lhs: Candidate, rhs: Candidate) -> Bool {
    if lhs.cost != rhs.cost { return lhs.cost < rhs.cost }
    return (lhs.footprint, lhs.orderRank, lhs.scanRank, lhs.tile.m, lhs.tile.k, lhs.tile.n)
      < (rhs.footprint, rhs.orderRank, rhs.scanRank, rhs.tile.m, rhs.tile.k, rhs.tile.n)
  }
}

/// One search: the k best group winners so far, and the walk over count classes.
struct SearchRun {
  let buffer: Int
  let scanAllowed: Bool
  let capacity: Int
  let classes: PerDimension<[TileClass]>
  /// The best candidates, sorted, at most `capacity`; one per group (order and tile counts).
  private(set) var kept: [Candidate] = []

  init(shape: GEMMShape, buffer: Int, options: SearchOptions, capacity: Int) {
    self.buffer = buffer
    self.scanAllowed = options.scan == .allowed
    self.capacity = capacity
    classes = PerDimension(
      m: TileClass.classes(of: shape.m), k: TileClass.classes(of: shape.k), n: TileClass.classes(of: shape.n))
  }

  /// Costs above this cannot enter the kept list.
  private var threshold: Int { kept.count < capacity ? Int.max : (kept.last?.cost ?? Int.max) }

  private mutating func keep(_ candidate: Candidate) {
    if kept.count == capacity, let last = kept.last, !(candidate < last) { return }
    let index = kept.firstIndex { candidate < $0 } ?? kept.count
    kept.insert(candidate, at: index)
    if kept.count > capacity { kept.removeLast() }
  }

  /// Walks the count classes of x (smallest tile of each), y and z, largest tiles first,
  /// skipping those that do not fit or whose lower bound cannot beat the kept list.
  mutating func search(_ problem: OrderedGEMM) {
    let (xClasses, yClasses, zClasses) = (classes[problem.x], classes[problem.y], classes[problem.z])
    for xClass in xClasses {
      let tx = xClass.smallest
      guard problem.footprint(tx, 1, 1) <= buffer else { continue }
      let yCap = min(problem.dy, problem.maxY(buffer: buffer, tx: tx, tz: 1))
      let zCapX = min(problem.dz, problem.maxZ(buffer: buffer, tx: tx, ty: 1))
      guard problem.lowerBound(cx: xClass.count, cy: 1, yTop: yCap, zTop: zCapX) <= threshold else { continue }
      for yClass in yClasses where yClass.smallest <= yCap {
        let zCap = min(problem.dz, problem.maxZ(buffer: buffer, tx: tx, ty: yClass.smallest))
        let yTop = min(yClass.largest, yCap)
        guard problem.lowerBound(cx: xClass.count, cy: yClass.count, yTop: yTop, zTop: zCap) <= threshold else {
          continue
        }
        for zClass in zClasses[Self.firstFitting(zClasses, cap: zCap)...] {
          let trivial = (xClass.count == 1 ? 1 : 0) + (yClass.count == 1 ? 2 : 0) + (zClass.count == 1 ? 4 : 0)
          guard problem.canonical[trivial] else { continue }
          let groupYTop = min(yClass.largest, problem.maxY(buffer: buffer, tx: tx, tz: zClass.smallest))
          let groupZTop = min(zClass.largest, zCap)
          let bound = problem.lowerBound(cx: xClass.count, cy: yClass.count, yTop: groupYTop, zTop: groupZTop)
          guard bound <= threshold else { continue }
          if let winner = bestInGroup(problem, tx: tx, xClass, yClass, zClass, yTop: groupYTop, zTop: groupZTop) {
            keep(winner)
          }
        }
      }
    }
  }

  /// Index of the first class (largest tiles first) whose smallest tile is at most `cap`.
  static func firstFitting(_ classes: [TileClass], cap: Int) -> Int {
    var (low, high) = (0, classes.count)
    while low < high {
      let middle = (low + high) / 2
      if classes[middle].smallest <= cap { high = middle } else { low = middle + 1 }
    }
    return low
  }

  /// The best tiling with these counts: Tx the class minimum; Ty and Tz each at a class end or
  /// the largest value that fits, walking the shorter range when Ty's lengths matter.
  private func bestInGroup(
    _ problem: OrderedGEMM, tx: Int, _ xClass: TileClass, _ yClass: TileClass, _ zClass: TileClass,
    yTop: Int, zTop: Int
  ) -> Candidate? {
    var best: Candidate?
    let (yLow, zLow) = (yClass.smallest, zClass.smallest)
    func consider(_ ty: Int, _ tz: Int) {
      offer(problem, tx: tx, counts: (xClass.count, yClass.count, zClass.count), ty: ty, tz: tz, to: &best)
    }
    let yMatters = scanAllowed && xClass.count > 1 && yClass.count > 1
    if !yMatters || yTop <= yLow {
      consider(yLow, zLow)
      if zTop > zLow { consider(yLow, zTop) }
    } else if yTop - yLow <= zTop - zLow {
      for ty in yLow...yTop {
        let zHigh = min(zClass.largest, problem.maxZ(buffer: buffer, tx: tx, ty: ty))
        guard zHigh >= zLow else { break }
        consider(ty, zLow)
        if zHigh > zLow { consider(ty, zHigh) }
      }
    } else {
      for tz in zLow...max(zLow, zTop) {
        let yHigh = min(yClass.largest, problem.maxY(buffer: buffer, tx: tx, tz: tz))
        guard yHigh >= yLow else { break }
        consider(yLow, tz)
        if yHigh > yLow { consider(yHigh, tz) }
      }
    }
    return best
  }

  /// Evaluates one tiling under every allowed Scan choice (the outermost loop never restarts,
  /// so its flag never matters) and keeps it in `best` if it is preferred.
  private func offer(
    _ problem: OrderedGEMM, tx: Int, counts: (x: Int, y: Int, z: Int), ty: Int, tz: Int, to best: inout Candidate?
  ) {
    var cost = Int.max
    var rank = Int.max
    var flags = (false, false)
    for scanY in scanAllowed ? [false, true] : [false] {
      for scanZ in scanAllowed ? [false, true] : [false] {
        let value = problem.cost(cx: counts.x, cy: counts.y, ty: ty, cz: counts.z, tz: tz, scanY: scanY, scanZ: scanZ)
        let valueRank = problem.scanRank(scanY: scanY, scanZ: scanZ)
        if (value, valueRank) < (cost, rank) { (cost, rank, flags) = (value, valueRank, (scanY, scanZ)) }
      }
    }
    if let best, cost > best.cost { return }
    var tile = PerDimension(m: 0, k: 0, n: 0)
    tile[problem.x] = tx
    tile[problem.y] = ty
    tile[problem.z] = tz
    var scan = PerDimension(m: false, k: false, n: false)
    scan[problem.y] = flags.0
    scan[problem.z] = flags.1
    let candidate = Candidate(
      cost: cost, footprint: problem.footprint(tx, ty, tz), orderRank: problem.orderRank, scanRank: rank, tile: tile,
      order: problem.order, scan: scan)
    if best.map({ candidate < $0 }) ?? true { best = candidate }
  }
}
