/// A lower bound on the cost of every tiling whose first dimensions (in the walk's sequence)
/// sit in given count classes and whose other ("open") dimensions may take any size that fits,
/// in one loop order and whatever the Scan flags: what lets the walk over count vectors drop
/// orders, and whole subtrees, before reaching most vectors.
///
/// It relaxes the any-Scan bound of `AnyScanBound` (loads >= prod(T) - sum over advancing loops
/// a of O_a * prod(T outside a) * prod(K inside a), with T the totals, O the summed neighbour
/// overlaps, K what an inner loop can keep) once more: per axis, T at its least (first product)
/// or its most (shared terms), O and K at their most, over every size the axis may take. For an
/// open axis that is every size from 1 to what fits with the others at their lows, whatever its
/// count. Disjoint tiles have T = extent and O = 0 at any size, so open channel axes cost the
/// bound little. An open axis the operand does not depend on has T = c, O = c - 1, K = 1 for
/// its count c: the bound is then c * (A - C) - (c - 1) * B - D, with A the product of the
/// other totals, B the shared term of that axis's own advance without its factor c - 1, C the
/// shared terms of loops inside it without their factor c, D those of loops outside it: linear
/// in c, so its least over the count range is at one end. (Two such open axes: no bound beyond
/// the compulsory loads; the walk opens channels last, so it never has to.)
struct PartialBound {
  /// What each axis of one operand contributes over every size it may take, indexed by
  /// dimension (lanes past the last are unused).
  struct Factors {
    var lowTotal = DimensionSizes(repeating: 1)
    var highTotal = DimensionSizes(repeating: 1)
    var overlap = DimensionSizes(repeating: 0)
    var kept = DimensionSizes(repeating: 1)
    /// Bit d: dimension d is open and the operand does not depend on it; its count range is
    /// `openLow[d] ... openHigh[d]`.
    var openIrrelevant = 0
    var openLow = DimensionSizes(repeating: 1)
    var openHigh = DimensionSizes(repeating: 1)
  }

  /// Input, weight, output: fixed-size, so that the millions of bounds allocate nothing.
  private var input: Factors
  private var weight: Factors
  private var output: Factors
  private let depth: Int

  /// `low`/`high`: the assigned dimensions' sizes (one class each); `openCaps`: for open
  /// dimensions (bit set in `open`), the largest size that fits.
  init(model: ConvolutionSearchModel, low: DimensionSizes, high: DimensionSizes, open: Int, openCaps: DimensionSizes) {
    depth = model.dimensions.count
    let scanAllowed = model.options.scan == .allowed
    let depth = depth
    func factors(_ operand: Int) -> Factors {
      var factors = Factors()
      for dimension in 0..<depth {
        let table = model.tables[dimension]
        let kind = model.kind(operand, dimension)
        if open & (1 << dimension) != 0 {
          if kind == .irrelevant {
            factors.openIrrelevant |= 1 << dimension
            (factors.openLow[dimension], factors.openHigh[dimension]) = (table.count(openCaps[dimension]), table.extent)
          } else {
            let sizes = table.open(kind, upTo: openCaps[dimension])
            factors.lowTotal[dimension] = sizes.lowTotal
            factors.highTotal[dimension] = sizes.highTotal
            factors.overlap[dimension] = sizes.overlap
            factors.kept[dimension] = scanAllowed ? sizes.keptScanning : sizes.kept
          }
        } else {
          let range = model.axis(operand, dimension, low: low[dimension], high: high[dimension])
          factors.lowTotal[dimension] = range.lowTotal
          (factors.highTotal[dimension], factors.overlap[dimension], factors.kept[dimension]) =
            range.boundFactors(count: table.count(high[dimension]), scanAllowed: scanAllowed)
        }
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
    // Two open axes the operand does not depend on: no bound beyond the compulsory loads.
    guard factors.openIrrelevant & (factors.openIrrelevant - 1) == 0 else { return 0 }
    var openPosition = -1
    if factors.openIrrelevant != 0 {
      let dimension = factors.openIrrelevant.trailingZeroBitCount
      for position in 0..<depth where order[position] == dimension { openPosition = position }
    }
    // Shared when `advancing` moves, without the open axis's factor (its T or its K = 1).
    func shared(_ advancing: Int) -> Int {
      var product = factors.overlap[order[advancing]]
      guard product != 0 else { return 0 }
      for level in 0..<depth where level != openPosition && level != advancing && product != 0 {
        product *= level < advancing ? factors.highTotal[order[level]] : factors.kept[order[level]]
      }
      return product
    }
    var lowTotals = 1
    for position in 0..<depth where position != openPosition { lowTotals *= factors.lowTotal[order[position]] }
    guard openPosition >= 0 else {
      var total = lowTotals
      for advancing in 0..<depth { total -= shared(advancing) }
      return total
    }
    var inner = 0
    var outer = 0
    for advancing in 0..<depth where advancing != openPosition {
      if advancing > openPosition { inner += shared(advancing) } else { outer += shared(advancing) }
    }
    var own = 1
    for level in 0..<depth where level != openPosition {
      own *= level < openPosition ? factors.highTotal[order[level]] : factors.kept[order[level]]
    }
    func value(_ count: Int) -> Int { count * (lowTotals - inner) - (count - 1) * own - outer }
    let dimension = order[openPosition]
    return min(value(factors.openLow[dimension]), value(factors.openHigh[dimension]))
  }
}

/// An axis's sums over every size from 1 to a cap, whatever the count: least and largest total,
/// largest summed neighbour overlap of the sizes with at least two tiles, largest of what an
/// inner loop keeps (its only tile when it has one; with Scan also its first or last).
struct OpenAxisSums: Sendable {
  var lowTotal: Int
  var highTotal: Int
  var overlap: Int
  var kept: Int
  var keptScanning: Int

  /// Prefix extrema over sizes 1 ... s, indexed by s - 1.
  static func prefixes(_ sums: [AxisSums], extent: Int) -> [OpenAxisSums] {
    var result: [OpenAxisSums] = []
    result.reserveCapacity(sums.count)
    for (index, axis) in sums.enumerated() {
      let count = (extent + index) / (index + 1)
      let exact = AxisRange(exact: axis)
      let rowMajor = exact.boundFactors(count: count, scanAllowed: false)
      var next = OpenAxisSums(
        lowTotal: axis.total, highTotal: rowMajor.highTotal, overlap: rowMajor.overlap, kept: rowMajor.kept,
        keptScanning: exact.boundFactors(count: count, scanAllowed: true).kept)
      if let previous = result.last {
        next.lowTotal = min(next.lowTotal, previous.lowTotal)
        next.highTotal = max(next.highTotal, previous.highTotal)
        next.overlap = max(next.overlap, previous.overlap)
        next.kept = max(next.kept, previous.kept)
        next.keptScanning = max(next.keptScanning, previous.keptScanning)
      }
      result.append(next)
    }
    return result
  }
}
