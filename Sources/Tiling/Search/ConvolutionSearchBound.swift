/// The closed form of `LoopNestTraffic`, rewritten on plain integers for the search, and its
/// bounds over ranges of tile sizes.
///
/// Loads = prod(total length per axis) - sum over advancing levels of the shared entries, and
/// each shared term is a sum of products of per-axis sums, all non-negative, one factor per
/// axis. So with every sum replaced by its maximum over a range of sizes, and every total by
/// its minimum, the formula bounds the loads of every size in the range from below; with a
/// single size it is exact. That is what makes branch and bound over tile sizes exact.
///
/// Everything here works on fixed-size values (at most four loops) so that the millions of
/// evaluations a search makes allocate nothing.
enum ConvolutionSearchBound {
  /// The loops of a nest as one operand sees them (whether each scans is given apart, so that
  /// one nest serves every Scan choice): per loop, outer to inner in the first `depth` lanes,
  /// its tile count and its axis's sums (`AxisRange`: the least total, the other sums at their
  /// most). Lanes past `depth` are a single tile of one entry. Lanes rather than one record
  /// per loop: the millions of evaluations read single sums and never copy a loop.
  struct Nest {
    var depth: Int
    var counts = DimensionSizes(repeating: 1)
    /// The product of the loops' least totals.
    var total = 1
    var even = DimensionSizes(repeating: 1)
    var odd = DimensionSizes(repeating: 0)
    var overlapEven = DimensionSizes(repeating: 0)
    var overlapOdd = DimensionSizes(repeating: 0)
    var first = DimensionSizes(repeating: 1)
    var last = DimensionSizes(repeating: 1)
    var restart = DimensionSizes(repeating: 1)

    /// `level(p)`: the count and sums of the loop at position p (outer to inner).
    init(depth: Int, level: (Int) -> (count: Int, axis: AxisRange)) {
      self.depth = depth
      for position in 0..<depth {
        let (count, axis) = level(position)
        let sums = axis.high
        counts[position] = count
        total *= axis.lowTotal
        (even[position], odd[position]) = (sums.even, sums.odd)
        (overlapEven[position], overlapOdd[position]) = (sums.overlapEven, sums.overlapOdd)
        (first[position], last[position], restart[position]) = (sums.first, sums.last, sums.restart)
      }
    }
  }

  /// The loops of the three operands over one box in one order.
  struct OperandNests {
    var input: Nest
    var weight: Nest
    var output: Nest
  }

  /// Loads of one operand (exact for single sizes, a lower bound for ranges); `scanned`: bit p
  /// set when the loop at position p (outer to inner) scans.
  ///
  /// Loads = prod(totals) - sum over advancing loops a of the entries shared when a moves: the
  /// parity dynamic programme of `LoopNestTraffic.sharedOnAdvance` over the loops outside a
  /// (carried from one advancing loop to the next rather than redone for each), times, per
  /// parity of the sweep a starts, what the loops inside a keep. That product of the inner
  /// loops is made once for every a, from the innermost loop out (`keptInside`).
  /// Passed all three nests and an operand rather than its nest: a large argument is copied at
  /// every call, and the evaluations are counted in millions.
  static func loads(_ nests: OperandNests, operand: Int, scanned: Int) -> Int {
    let nest = operand == 0 ? nests.input : (operand == 1 ? nests.weight : nests.output)
    let depth = nest.depth
    var total = nest.total
    // keptInside.0[a] / .1[a]: the product over the loops inside a of what each keeps, when
    // the sweep inside a starts at an even / odd parity. A loop with one tile keeps its tile;
    // one that scans ends on its last tile after an even sweep and on its first after an odd
    // one; one that restarts keeps what its last and first tiles share. An even count of tiles
    // flips the parity the next loop in sees; an odd count keeps it.
    var keptInside = (DimensionSizes(repeating: 1), DimensionSizes(repeating: 1))
    var product = (1, 1)
    var level = depth - 1
    while level > 0 {
      let count = nest.counts[level]
      let kept: (Int, Int)
      if count == 1 {
        kept = (nest.first[level], nest.first[level])
      } else if scanned & (1 << level) != 0 {
        kept = (nest.last[level], nest.first[level])
      } else {
        kept = (nest.restart[level], nest.restart[level])
      }
      product = (kept.0 * (count % 2 == 1 ? product.0 : product.1), kept.1 * product.1)
      keptInside.0[level - 1] = product.0
      keptInside.1[level - 1] = product.1
      level -= 1
    }
    var outer = (1, 0)
    for advancing in 0..<depth {
      let count = nest.counts[advancing]
      let scans = scanned & (1 << advancing) != 0
      if count >= 2 {
        let moving = step(
          outer, counters: count - 1, indices: count - 1, radix: count, scanned: scans,
          sums: (nest.overlapEven[advancing], nest.overlapOdd[advancing]))
        if moving.0 != 0 { total -= moving.0 * keptInside.0[advancing] }
        if moving.1 != 0 { total -= moving.1 * keptInside.1[advancing] }
      }
      outer = step(
        outer, counters: count, indices: count, radix: count, scanned: scans, sums: (nest.even[advancing], nest.odd[advancing]))
    }
    return total
  }

  @inline(__always)
  private static func step(
    _ byParity: (Int, Int), counters: Int, indices: Int, radix: Int, scanned: Bool, sums: (Int, Int)
  ) -> (Int, Int) {
    var next = (0, 0)
    for parity in 0...1 {
      let weight = parity == 0 ? byParity.0 : byParity.1
      guard weight != 0 else { continue }
      let forward = !scanned || parity == 0
      for counterParity in 0...1 where (counterParity == 0 ? (counters + 1) / 2 : counters / 2) > 0 {
        let indexParity = forward ? counterParity : (indices + 1 + counterParity) % 2
        let value = weight * (indexParity == 0 ? sums.0 : sums.1)
        if (parity * (radix % 2) + counterParity) % 2 == 0 { next.0 += value } else { next.1 += value }
      }
    }
    return next
  }
}
