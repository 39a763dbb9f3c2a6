/// Tile sizes (or counts) indexed by the problem's `dimensions`; lanes past the last dimension
/// hold 1. A fixed-size value, so that the search's inner loops allocate nothing.
typealias DimensionSizes = SIMD4<Int>

/// A convolution as the search sees it: per dimension (the problem's `dimensions`, indexed
/// 0 ..< count) a table of tile sums, how each operand sees it, and the objective's coefficients.
/// Immutable, and a class: every bound the search makes reads it, and as a struct it was copied
/// (with a retain per array) into each call that was not inlined.
final class ConvolutionSearchModel: Sendable {
  let problem: ConvolutionProblem
  let options: SearchOptions
  let dimensions: [ConvolutionDimension]
  let tables: [DimensionTable]
  /// kinds[operand * 4 + dimension]: input, weight, output.
  private let kinds: [AxisKind]
  /// Weights entries per weight-tile entry (kernel area x multiplier); output entries per output-tile entry.
  let weightScale: Int
  let outputScale: Int
  let outputSize: Int
  /// The fewest loads of each operand (its distinct entries), in tile-entry units.
  let compulsory: (Int, Int, Int)
  /// Every order of the dimensions (outer to inner in the first `dimensions.count` lanes), its
  /// name, and its rank among the names sorted.
  let orders: [DimensionSizes]
  let orderNames: [String]
  let orderRanks: [Int]

  init(problem: ConvolutionProblem, options: SearchOptions) {
    self.problem = problem
    self.options = options
    dimensions = problem.dimensions
    tables = problem.dimensions.map { dimension in
      let extent = problem.extent(of: dimension)
      switch dimension {
      case .rows:
        return DimensionTable(
          extent: extent,
          window: (problem.stride.height, problem.kernel.height, problem.padding.top, problem.input.height))
      case .columns:
        return DimensionTable(
          extent: extent,
          window: (problem.stride.width, problem.kernel.width, problem.padding.left, problem.input.width))
      case .outputChannels, .inputChannels:
        return DimensionTable(extent: extent, window: nil)
      }
    }
    let operandKinds: [[AxisKind]] = [
      dimensions.map { $0 == .outputChannels ? .irrelevant : ($0 == .inputChannels ? .tiles : .windows) },
      dimensions.map { $0 == .outputChannels || $0 == .inputChannels ? .tiles : .irrelevant },
      dimensions.map { $0 == .inputChannels && !problem.isDepthwise ? .irrelevant : .tiles },
    ]
    kinds = operandKinds.flatMap { $0 + Array(repeating: AxisKind.irrelevant, count: 4 - $0.count) }
    let multiplier = problem.isDepthwise ? problem.multiplier : 1
    weightScale = problem.kernel.height * problem.kernel.width * multiplier
    outputScale = multiplier
    outputSize = problem.output.channels * problem.output.height * problem.output.width
    let tables = tables
    let distinct = operandKinds.map { operandKinds in
      zip(tables, operandKinds).reduce(1) { product, pair in
        let (table, kind) = pair
        return product * table.sums(kind, size: table.extent).total
      }
    }
    compulsory = (distinct[0], distinct[1], distinct[2])
    let permutations = Self.permutations(Array(problem.dimensions.indices))
    orders = permutations.map { order in
      var lanes = DimensionSizes(repeating: 0)
      for (position, dimension) in order.enumerated() { lanes[position] = dimension }
      return lanes
    }
    let dimensions = dimensions
    orderNames = permutations.map { order in order.map { dimensions[$0].rawValue }.joined(separator: "-") }
    let sorted = orderNames.sorted()
    orderRanks = orderNames.map { name in sorted.firstIndex(of: name) ?? 0 }
  }

  func kind(_ operand: Int, _ dimension: Int) -> AxisKind { kinds[operand * 4 + dimension] }

  /// Sizes of 1 in every dimension.
  var ones: DimensionSizes { DimensionSizes(repeating: 1) }

  /// Buffer entries of the largest tile of each operand at these sizes (indexed by dimension).
  func footprint(_ sizes: DimensionSizes) -> Int {
    var (input, weight, output) = (1, 1, 1)
    for dimension in 0..<dimensions.count {
      let table = tables[dimension]
      let size = sizes[dimension]
      input *= table.longest(kind(0, dimension), size: size)
      weight *= table.longest(kind(1, dimension), size: size)
      output *= table.longest(kind(2, dimension), size: size)
    }
    return input + weight * weightScale + output * outputScale * options.psumWidth
  }

  /// The largest size of `dimension` from `sizes[dimension]` up to `largest` that fits in
  /// `buffer` with `sizes` elsewhere (`sizes` itself must fit). The footprint is
  /// a*input + b*weight + c*output lengths along `dimension`, each non-decreasing in its size.
  func fit(_ dimension: Int, _ sizes: DimensionSizes, largest: Int, buffer: Int) -> Int {
    var (input, weight, output) = (1, 1, 1)
    for other in 0..<dimensions.count where other != dimension {
      let table = tables[other]
      let size = sizes[other]
      input *= table.longest(kind(0, other), size: size)
      weight *= table.longest(kind(1, other), size: size)
      output *= table.longest(kind(2, other), size: size)
    }
    weight *= weightScale
    output *= outputScale * options.psumWidth
    let table = tables[dimension]
    let (inputKind, weightKind, outputKind) = (kind(0, dimension), kind(1, dimension), kind(2, dimension))
    func fits(_ size: Int) -> Bool {
      input * table.longest(inputKind, size: size) + weight * table.longest(weightKind, size: size)
        + output * table.longest(outputKind, size: size) <= buffer
    }
    var (low, high) = (sizes[dimension], largest)
    if fits(high) { return high }
    high -= 1
    while low < high {
      let middle = (low + high + 1) / 2
      if fits(middle) { low = middle } else { high = middle - 1 }
    }
    return low
  }

  /// The objective for loads of input, weight and output tiles (exact loads give the exact
  /// cost; lower bounds on loads give a lower bound, since every weight is non-negative).
  func cost(loads: (Int, Int, Int)) -> Int {
    let input = max(loads.0, compulsory.0)
    let weight = max(loads.1, compulsory.1)
    let outputRuns = max(loads.2, compulsory.2) * outputScale
    return options.objective.input * input + options.objective.weight * weight * weightScale
      + options.objective.output * outputSize + options.objective.psum * 2 * (outputRuns - outputSize)
  }

  /// The sums one operand has along one dimension over the sizes low ... high of one class.
  func axis(_ operand: Int, _ dimension: Int, low: Int, high: Int) -> AxisRange {
    tables[dimension].range(kind(operand, dimension), from: low, to: high)
  }

  /// The cost of an order and Scan flags (bit d: dimension d scans) over the box of sizes
  /// low ... high per dimension, each within one class: exact when the box is one point,
  /// otherwise a lower bound for every point in it.
  func cost(order: Int, scanMask: Int, low: DimensionSizes, high: DimensionSizes) -> Int {
    cost(nests(order: order, low: low, high: high), order: order, scanMask: scanMask)
  }

  /// Each operand's loops in an order over a box, Scan off: what `cost` needs of the box, made
  /// once for every Scan choice of it.
  func nests(order: Int, low: DimensionSizes, high: DimensionSizes) -> ConvolutionSearchBound.OperandNests {
    let loopOrder = orders[order]
    func nest(_ operand: Int) -> ConvolutionSearchBound.Nest {
      ConvolutionSearchBound.Nest(depth: dimensions.count) { position in
        let dimension = loopOrder[position]
        return (
          count: tables[dimension].count(high[dimension]),
          axis: axis(operand, dimension, low: low[dimension], high: high[dimension])
        )
      }
    }
    return ConvolutionSearchBound.OperandNests(input: nest(0), weight: nest(1), output: nest(2))
  }

  /// The cost of `nests` (made for `order`) with the Scan flags of `scanMask`.
  func cost(_ nests: ConvolutionSearchBound.OperandNests, order: Int, scanMask: Int) -> Int {
    let loopOrder = orders[order]
    var scanned = 0
    for position in 0..<dimensions.count where scanMask & (1 << loopOrder[position]) != 0 { scanned |= 1 << position }
    return cost(
      loads: (
        ConvolutionSearchBound.loads(nests, operand: 0, scanned: scanned),
        ConvolutionSearchBound.loads(nests, operand: 1, scanned: scanned),
        ConvolutionSearchBound.loads(nests, operand: 2, scanned: scanned)
      ))
  }

  func tiling(_ candidate: ConvolutionCandidate) -> ConvolutionTiling {
    var tile: [ConvolutionDimension: Int] = [:]
    for (index, dimension) in dimensions.enumerated() { tile[dimension] = candidate.sizes[index] }
    return ConvolutionTiling(
      tile: tile, order: (0..<dimensions.count).map { dimensions[orders[candidate.order][$0]] },
      scan: Set(dimensions.indices.filter { candidate.scanMask & (1 << $0) != 0 }.map { dimensions[$0] }))
  }

  static func permutations(_ items: [Int]) -> [[Int]] {
    guard items.count > 1 else { return [items] }
    return items.indices.flatMap { index in
      permutations(Array(items[..<index] + items[(index + 1)...])).map { [items[index]] + $0 }
    }
  }
}

/// A lower bound on the cost of every point of a box of sizes, in one loop order, whatever the
/// Scan flags are. Per operand, loads = prod(totals) - sum over advancing loops of the shared
/// entries, and what a loop shares is at most: the product of the outer loops' totals, times
/// the advancing loop's summed neighbour overlaps, times, per inner loop, the largest of what
/// it can end on (first or last tile with Scan) or keep when restarting (last with first), or
/// its only tile. With totals at their least over the box and the rest at their most, that
/// bounds every point and Scan choice from below.
///
/// The factors depend on the box, not on the order, so they are computed once per count
/// vector and each of its (up to 24) orders costs a few multiplications.
struct AnyScanBound {
  /// One operand's factors, indexed by dimension (lanes past the last are unused).
  private struct Factors {
    var highTotal = DimensionSizes(repeating: 1)
    var overlap = DimensionSizes(repeating: 0)
    var kept = DimensionSizes(repeating: 1)
    var lowTotal = 1
  }

  /// Input, weight, output: fixed-size, so that making a bound per count vector allocates nothing.
  private var input: Factors
  private var weight: Factors
  private var output: Factors
  private let depth: Int

  init(model: ConvolutionSearchModel, low: DimensionSizes, high: DimensionSizes) {
    depth = model.dimensions.count
    let scanAllowed = model.options.scan == .allowed
    let depth = depth
    func factors(_ operand: Int) -> Factors {
      var factors = Factors()
      for dimension in 0..<depth {
        let axis = model.axis(operand, dimension, low: low[dimension], high: high[dimension])
        factors.lowTotal *= axis.lowTotal
        (factors.highTotal[dimension], factors.overlap[dimension], factors.kept[dimension]) =
          axis.boundFactors(count: model.tables[dimension].count(high[dimension]), scanAllowed: scanAllowed)
      }
      return factors
    }
    (input, weight, output) = (factors(0), factors(1), factors(2))
  }

  /// The bound in this order (outer to inner in the first lanes).
  func cost(_ model: ConvolutionSearchModel, order: DimensionSizes) -> Int {
    model.cost(loads: (loads(0, order), loads(1, order), loads(2, order)))
  }

  /// Passed an operand rather than its factors: a large argument is copied at every call.
  private func loads(_ operand: Int, _ order: DimensionSizes) -> Int {
    let factors = operand == 0 ? input : (operand == 1 ? weight : output)
    var total = factors.lowTotal
    for advancing in 0..<depth {
      var product = factors.overlap[order[advancing]]
      guard product != 0 else { continue }
      for level in 0..<advancing { product *= factors.highTotal[order[level]] }
      for level in (advancing + 1)..<depth { product *= factors.kept[order[level]] }
      total -= product
    }
    return total
  }
}
