/// A convolution as the search sees it: per dimension (the problem's `dimensions`, indexed
/// 0 ..< count) a table of tile sums, how each operand sees it, and the objective's coefficients.
struct ConvolutionSearchModel: Sendable {
  let problem: ConvolutionProblem
  let options: SearchOptions
  let dimensions: [ConvolutionDimension]
  let tables: [DimensionTable]
  /// kinds[operand][dimension]: input, weight, output.
  let kinds: [[AxisKind]]
  /// Weights entries per weight-tile entry (kernel area x multiplier); output entries per output-tile entry.
  let weightScale: Int
  let outputScale: Int
  let outputSize: Int
  /// The fewest loads of each operand (its distinct entries), in tile-entry units.
  let compulsory: [Int]
  /// Every order of the dimensions, its name, and its rank among the names sorted.
  let orders: [[Int]]
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
    kinds = [
      dimensions.map { $0 == .outputChannels ? .irrelevant : ($0 == .inputChannels ? .tiles : .windows) },
      dimensions.map { $0 == .outputChannels || $0 == .inputChannels ? .tiles : .irrelevant },
      dimensions.map { $0 == .inputChannels && !problem.isDepthwise ? .irrelevant : .tiles },
    ]
    let multiplier = problem.isDepthwise ? problem.multiplier : 1
    weightScale = problem.kernel.height * problem.kernel.width * multiplier
    outputScale = multiplier
    outputSize = problem.output.channels * problem.output.height * problem.output.width
    let tables = tables
    let kinds = kinds
    compulsory = kinds.map { operandKinds in
      zip(tables, operandKinds).reduce(1) { product, pair in
        let (table, kind) = pair
        return product * table.sums(kind, size: table.extent).total
      }
    }
    orders = Self.permutations(Array(problem.dimensions.indices))
    let dimensions = dimensions
    orderNames = orders.map { order in order.map { dimensions[$0].rawValue }.joined(separator: "-") }
    let sorted = orderNames.sorted()
    orderRanks = orderNames.map { name in sorted.firstIndex(of: name) ?? 0 }
  }

  /// Buffer entries of the largest tile of each operand at these sizes (indexed by dimension).
  func footprint(_ sizes: [Int]) -> Int {
    var (input, weight, output) = (1, 1, 1)
    for dimension in sizes.indices {
      let table = tables[dimension]
      let size = sizes[dimension]
      input *= table.sums(kinds[0][dimension], size: size).longest
      weight *= table.sums(kinds[1][dimension], size: size).longest
      output *= table.sums(kinds[2][dimension], size: size).longest
    }
    return input + weight * weightScale + output * outputScale * options.psumWidth
  }

  /// The objective for loads of input, weight and output tiles (exact loads give the exact
  /// cost; lower bounds on loads give a lower bound, since every weight is non-negative).
  func cost(loads: [Int]) -> Int {
    let input = max(loads[0], compulsory[0])
    let weight = max(loads[1], compulsory[1])
    let outputRuns = max(loads[2], compulsory[2]) * outputScale
    return options.objective.input * input + options.objective.weight * weight * weightScale
      + options.objective.output * outputSize + options.objective.psum * 2 * (outputRuns - outputSize)
  }

  /// The cost of an order and Scan flags over the box of sizes low ... high per dimension,
  /// where every low is its class minimum or equals high: exact when the box is one point,
  /// otherwise a lower bound for every point in it.
  func cost(order: [Int], scanned: [Bool], low: [Int], high: [Int]) -> Int {
    cost(loads: (0..<3).map { ConvolutionSearchBound.loads(levels(operand: $0, order, scanned, low, high)) })
  }

  /// A lower bound over every Scan choice and every point of the box.
  func costAnyScan(order: [Int], low: [Int], high: [Int]) -> Int {
    let scanned = Array(repeating: false, count: low.count)
    return cost(
      loads: (0..<3).map {
        ConvolutionSearchBound.loadsAnyScan(levels(operand: $0, order, scanned, low, high), scanAllowed: options.scan == .allowed)
      })
  }

  private func levels(operand: Int, _ order: [Int], _ scanned: [Bool], _ low: [Int], _ high: [Int])
    -> [ConvolutionSearchBound.Level]
  {
    order.map { dimension in
      let table = tables[dimension]
      let kind = kinds[operand][dimension]
      let size = high[dimension]
      return ConvolutionSearchBound.Level(
        count: table.count(size), scanned: scanned[dimension],
        axis: low[dimension] == size ? AxisRange(exact: table.sums(kind, size: size)) : table.range(kind, upTo: size))
    }
  }

  func tiling(_ candidate: ConvolutionCandidate) -> ConvolutionTiling {
    var tile: [ConvolutionDimension: Int] = [:]
    for (index, dimension) in dimensions.enumerated() { tile[dimension] = candidate.sizes[index] }
    return ConvolutionTiling(
      tile: tile, order: orders[candidate.order].map { dimensions[$0] },
      scan: Set(dimensions.indices.filter { candidate.scanMask & (1 << $0) != 0 }.map { dimensions[$0] }))
  }

  static func permutations(_ items: [Int]) -> [[Int]] {
    guard items.count > 1 else { return [items] }
    return items.indices.flatMap { index in
      permutations(Array(items[..<index] + items[(index + 1)...])).map { [items[index]] + $0 }
    }
  }
}
