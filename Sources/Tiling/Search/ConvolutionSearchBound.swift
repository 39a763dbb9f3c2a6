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
  /// One loop of the nest as one operand sees it (whether it scans is given apart, so that
  /// one nest serves every Scan choice).
  struct Level {
    var count: Int
    var axis: AxisRange
  }

  /// The loops of a nest, outer to inner (at most four), stored inline.
  struct Nest {
    var depth: Int
    private var levels: (Level, Level, Level, Level)

    init(depth: Int, level: (Int) -> Level) {
      let none = Level(count: 1, axis: AxisRange(exact: .irrelevant(count: 1)))
      self.depth = depth
      levels = (
        depth > 0 ? level(0) : none, depth > 1 ? level(1) : none, depth > 2 ? level(2) : none,
        depth > 3 ? level(3) : none
      )
    }

    subscript(index: Int) -> Level {
      switch index {
      case 0: return levels.0
      case 1: return levels.1
      case 2: return levels.2
      default: return levels.3
      }
    }
  }

  /// Loads of one operand (exact for single sizes, a lower bound for ranges); `scanned`: bit p
  /// set when the loop at position p (outer to inner) scans.
  static func loads(_ levels: Nest, scanned: Int) -> Int {
    var total = 1
    for level in 0..<levels.depth { total *= levels[level].axis.lowTotal }
    // The parity dynamic programme over the loops outside the advancing one, carried from one
    // advancing loop to the next rather than redone for each.
    var outer = (1, 0)
    for advancing in 0..<levels.depth {
      let loop = levels[advancing]
      if loop.count >= 2 { total -= shared(advancing, levels, scanned: scanned, outer: outer) }
      outer = step(
        outer, counters: loop.count, indices: loop.count, radix: loop.count, scanned: scanned & (1 << advancing) != 0,
        sums: (loop.axis.high.even, loop.axis.high.odd))
    }
    return total
  }

  /// Entries consecutive steps share when loop `advancing` moves to its next tile: the parity
  /// dynamic programme of `LoopNestTraffic.sharedOnAdvance`, from `outer`, its state after the
  /// loops outside `advancing`.
  private static func shared(_ advancing: Int, _ levels: Nest, scanned: Int, outer: (Int, Int)) -> Int {
    let moving = levels[advancing]
    let (even, odd) = step(
      outer, counters: moving.count - 1, indices: moving.count - 1, radix: moving.count,
      scanned: scanned & (1 << advancing) != 0, sums: (moving.axis.high.overlapEven, moving.axis.high.overlapOdd))
    var shared = 0
    for parity in 0...1 {
      var product = parity == 0 ? even : odd
      guard product != 0 else { continue }
      var sweepParity = parity
      for level in (advancing + 1)..<levels.depth {
        let loop = levels[level]
        let sums = loop.axis.high
        if loop.count == 1 {
          product *= sums.first
        } else if scanned & (1 << level) != 0 {
          product *= sweepParity == 0 ? sums.last : sums.first
        } else {
          product *= sums.restart
        }
        sweepParity = (sweepParity * (loop.count % 2) + (loop.count - 1) % 2) % 2
      }
      shared += product
    }
    return shared
  }

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
