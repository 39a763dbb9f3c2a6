/// A tiling under consideration, ordered by the search's total preference:
/// cost, footprint, loop order name, Scan rank (fewer flags first), tile sizes (co, ci, h, w).
struct ConvolutionCandidate: Comparable, Sendable {
  var cost: Int
  var footprint: Int
  var orderRank: Int
  var scanRank: Int
  /// Indexed like the problem's `dimensions`.
  var sizes: DimensionSizes
  var order: Int
  var scanMask: Int

  static func < (lhs: ConvolutionCandidate, rhs: ConvolutionCandidate) -> Bool {
    lhs.key < rhs.key
  }

  static func == (lhs: ConvolutionCandidate, rhs: ConvolutionCandidate) -> Bool { lhs.key == rhs.key }

  var key: Key { Key(cost: cost, footprint: footprint, orderRank: orderRank, scanRank: scanRank, sizes: sizes) }

  /// The part of the preference a bound can be compared with.
  struct Key: Comparable {
    var cost: Int
    var footprint: Int
    var orderRank: Int
    var scanRank: Int
    var sizes: DimensionSizes

    static func < (lhs: Key, rhs: Key) -> Bool {
      if (lhs.cost, lhs.footprint, lhs.orderRank, lhs.scanRank) != (rhs.cost, rhs.footprint, rhs.orderRank, rhs.scanRank) {
        return (lhs.cost, lhs.footprint, lhs.orderRank, lhs.scanRank)
          < (rhs.cost, rhs.footprint, rhs.orderRank, rhs.scanRank)
      }
      // Lanes past the last dimension are 1 in both.
      return (lhs.sizes[0], lhs.sizes[1], lhs.sizes[2], lhs.sizes[3])
        < (rhs.sizes[0], rhs.sizes[1], rhs.sizes[2], rhs.sizes[3])
    }
  }

  /// Fewer Scan flags first, then by the flags' dimension bits.
  static func scanRank(_ mask: Int) -> Int { mask.nonzeroBitCount * 16 + mask }
}

/// One search: the k best group winners so far and the branch and bound that finds them.
struct ConvolutionSearchRun {
  let model: ConvolutionSearchModel
  let buffer: Int
  let capacity: Int
  /// canonicalOrders[mask]: the orders that are the alphabetically first of those with the same
  /// loops in the same places once the single-tile loops (bits of `mask`) are removed.
  let canonicalOrders: [[Int]]
  /// The dimensions in the order sizes are refined: the last one has an affine cost in its size.
  let refinement: [Int]
  private(set) var kept: [ConvolutionCandidate] = []

  init(model: ConvolutionSearchModel, buffer: Int, capacity: Int) {
    self.model = model
    self.buffer = buffer
    self.capacity = capacity
    let count = model.dimensions.count
    let orders = model.orders.map { order in (0..<count).map { order[$0] } }
    canonicalOrders = (0..<(1 << count)).map { mask in
      orders.indices.filter { order in
        let effective = orders[order].filter { mask & (1 << $0) == 0 }
        return !orders.indices.contains { other in
          model.orderNames[other] < model.orderNames[order] && orders[other].filter { mask & (1 << $0) == 0 } == effective
        }
      }
    }
    // Rows, columns, input channels, then output channels (depthwise: channels) last.
    let sequence: [ConvolutionDimension] = [.rows, .columns, .inputChannels, .outputChannels]
    refinement = model.problem.isDepthwise
      ? [.rows, .columns, .inputChannels].compactMap { model.dimensions.firstIndex(of: $0) }
      : sequence.compactMap { model.dimensions.firstIndex(of: $0) }
  }

  /// Whether a box whose cheapest point has this key can still improve `best` or the kept list.
  private func admits(_ key: ConvolutionCandidate.Key, best: ConvolutionCandidate?) -> Bool {
    if let best, best.key < key { return false }
    if kept.count == capacity, let last = kept.last, last.key < key { return false }
    return true
  }

  private mutating func keep(_ candidate: ConvolutionCandidate) {
    if kept.count == capacity, let last = kept.last, !(candidate < last) { return }
    let index = kept.firstIndex { candidate < $0 } ?? kept.count
    kept.insert(candidate, at: index)
    if kept.count > capacity { kept.removeLast() }
  }

  /// Every count vector whose smallest tiles fit, largest tiles first, walking the dimensions in
  /// `refinement` order (rows and columns first: open channel axes keep `PartialBound` tight).
  mutating func search() {
    var sizes = model.ones
    var largest = model.ones
    visitClasses(0, &sizes, &largest, alive: (1 << model.orders.count) - 1)
  }

  /// `alive`: the orders (bits) whose partial bound has not yet exceeded the kept list.
  private mutating func visitClasses(
    _ step: Int, _ sizes: inout DimensionSizes, _ largest: inout DimensionSizes, alive: Int
  ) {
    guard step < refinement.count else { return searchGroups(sizes: sizes, largest: largest, alive: alive) }
    let dimension = refinement[step]
    for range in model.tables[dimension].classes {
      sizes[dimension] = range.smallest
      largest[dimension] = range.largest
      // Undecided dimensions sit at size 1: if even that does not fit, neither does anything smaller here.
      guard model.footprint(sizes) <= buffer else { continue }
      let orders = step + 1 < refinement.count ? survivors(alive, step: step, sizes: sizes, largest: largest) : alive
      guard orders != 0 else { continue }
      visitClasses(step + 1, &sizes, &largest, alive: orders)
    }
    sizes[dimension] = 1
    largest[dimension] = 1
  }

  /// The orders of `alive` whose `PartialBound` (dimensions after `step` open) does not exceed
  /// the cost of the last kept schedule: a full kept list of k distinct groups all costing at
  /// most that already beats every tiling of the others.
  private func survivors(_ alive: Int, step: Int, sizes: DimensionSizes, largest: DimensionSizes) -> Int {
    guard kept.count == capacity, let threshold = kept.last?.cost else { return alive }
    var caps = sizes
    var open = 0
    for (position, dimension) in refinement.enumerated() {
      if position <= step {
        caps[dimension] = model.fit(dimension, sizes, largest: largest[dimension], buffer: buffer)
      } else {
        open |= 1 << dimension
        caps[dimension] = model.fit(dimension, sizes, largest: model.tables[dimension].extent, buffer: buffer)
      }
    }
    let bound = PartialBound(model: model, low: sizes, high: caps, open: open, openCaps: caps)
    var survivors = 0
    for order in model.orders.indices where alive & (1 << order) != 0 {
      if bound.cost(model, order: model.orders[order]) <= threshold { survivors |= 1 << order }
    }
    return survivors
  }

  /// All groups (canonical loop orders) of one count vector.
  private mutating func searchGroups(sizes: DimensionSizes, largest: DimensionSizes, alive: Int) {
    var trivial = 0
    var caps = sizes
    for dimension in 0..<model.dimensions.count {
      if model.tables[dimension].count(sizes[dimension]) == 1 { trivial |= 1 << dimension }
      caps[dimension] = model.fit(dimension, sizes, largest: largest[dimension], buffer: buffer)
    }
    let footprint = model.footprint(sizes)
    let box = AnyScanBound(model: model, low: sizes, high: caps)
    for order in canonicalOrders[trivial] where alive & (1 << order) != 0 {
      let orderRank = model.orderRanks[order]
      let key = ConvolutionCandidate.Key(
        cost: box.cost(model, order: model.orders[order]), footprint: footprint, orderRank: orderRank, scanRank: 0,
        sizes: sizes)
      guard admits(key, best: nil) else { continue }
      var free = 0
      if model.options.scan == .allowed {
        // Every loop with more than one tile but the outermost may scan.
        var outermost = true
        for position in 0..<model.dimensions.count {
          let dimension = model.orders[order][position]
          guard trivial & (1 << dimension) == 0 else { continue }
          if !outermost { free |= 1 << dimension }
          outermost = false
        }
      }
      // Every subset of `free`, as bits of a set of masks (bit m: Scan flags m).
      var masks = 1
      var mask = 0
      while mask != free {
        mask = (mask - free) & free  // next subset of `free`
        masks |= 1 << mask
      }
      var best: ConvolutionCandidate?
      refine(order: order, scanMasks: masks, low: sizes, high: caps, best: &best)
      if let best { keep(best) }
    }
  }

  /// Branch and bound over the sizes of one group, for each of its Scan choices still open,
  /// on boxes `low ... high` (one class per dimension), halving the widest range but the last
  /// refined dimension's. The choices share each box's sizes, fit and loops; each has its own
  /// bound, and drops out of a box it cannot improve or whose least corner wins it.
  /// `scanMasks`: the open choices as bits (bit m: Scan flags m), taken in increasing order.
  private func refine(
    order: Int, scanMasks: Int, low: DimensionSizes, high: DimensionSizes, best: inout ConvolutionCandidate?
  ) {
    let footprint = model.footprint(low)
    guard footprint <= buffer else { return }
    // A point of the box that fits has every size at most what fits with the others at their lows.
    var high = high
    for dimension in refinement where high[dimension] > low[dimension] {
      high[dimension] = model.fit(dimension, low, largest: high[dimension], buffer: buffer)
    }
    let orderRank = model.orderRanks[order]
    func offer(_ point: DimensionSizes, footprint: Int, cost: Int, scanMask: Int) {
      let candidate = ConvolutionCandidate(
        cost: cost, footprint: footprint, orderRank: orderRank, scanRank: ConvolutionCandidate.scanRank(scanMask),
        sizes: point, order: order, scanMask: scanMask)
      if best.map({ candidate < $0 }) ?? true { best = candidate }
    }
    // Every choice's bound over the box first (by Scan mask), then the box's minimum corner in
    // the same nests' place: it has the box's least footprint and sizes, and reaching a
    // choice's bound it wins the box for that choice. Each choice is still admitted against
    // the best as the choices before it left it.
    var nests = model.nests(order: order, low: low, high: high)
    var bounds = SIMD16<Int>(repeating: 0)
    var remaining = scanMasks
    while remaining != 0 {
      let scanMask = remaining.trailingZeroBitCount
      remaining &= remaining - 1
      bounds[scanMask] = model.cost(nests, order: order, scanMask: scanMask)
    }
    let isPoint = low == high
    var cornerMade = isPoint
    var open = 0
    remaining = scanMasks
    while remaining != 0 {
      let scanMask = remaining.trailingZeroBitCount
      remaining &= remaining - 1
      let bound = bounds[scanMask]
      let key = ConvolutionCandidate.Key(
        cost: bound, footprint: footprint, orderRank: orderRank, scanRank: ConvolutionCandidate.scanRank(scanMask), sizes: low)
      guard admits(key, best: best) else { continue }
      if !cornerMade {
        nests = model.nests(order: order, low: low, high: low)
        cornerMade = true
      }
      let cost = isPoint ? bound : model.cost(nests, order: order, scanMask: scanMask)
      offer(low, footprint: footprint, cost: cost, scanMask: scanMask)
      if cost > bound { open |= 1 << scanMask }
    }
    guard open != 0 else { return }
    var split = -1
    var width = 0
    for dimension in refinement.dropLast() where high[dimension] - low[dimension] > width {
      (split, width) = (dimension, high[dimension] - low[dimension])
    }
    guard split >= 0 else {
      // The others are fixed and the cost is affine in the last size: its low or its high wins.
      let last = refinement[refinement.count - 1]
      if high[last] > low[last] {
        var point = low
        point[last] = high[last]
        let pointFootprint = model.footprint(point)
        let pointNests = model.nests(order: order, low: point, high: point)
        var remaining = open
        while remaining != 0 {
          let scanMask = remaining.trailingZeroBitCount
          offer(
            point, footprint: pointFootprint, cost: model.cost(pointNests, order: order, scanMask: scanMask),
            scanMask: scanMask)
          remaining &= remaining - 1
        }
      }
      return
    }
    let middle = (low[split] + high[split]) / 2
    var lowerHigh = high
    lowerHigh[split] = middle
    var upperLow = low
    upperLow[split] = middle + 1
    refine(order: order, scanMasks: open, low: upperLow, high: high, best: &best)
    refine(order: order, scanMasks: open, low: low, high: lowerHigh, best: &best)
  }
}
