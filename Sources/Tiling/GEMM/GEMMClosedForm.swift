/// Exact DRAM traffic of a GEMM tiling without enumerating tiles: O(1) per operand.
///
/// For an operand, let r be the loop level of the dimension it does not depend on.
/// A "run" is a maximal sequence of steps with the same operand tile; each run costs
/// one load of that tile. Then:
/// - r innermost: each tile has exactly one run; traffic = the operand's size.
/// - r in the middle: every sweep of the inner loop loads the whole row of tiles again
///   (n_r times the operand), except that with Scan on the inner loop the first tile
///   of each later sweep is the last tile of the previous one and stays resident.
///   Which tile that is (the last, possibly fragmented, or the first) alternates with
///   the global sweep parity.
/// - r outermost: each outer iteration loads the whole operand again, except that when
///   both inner loops Scan (or have one tile) the next iteration starts on the tile the
///   previous one ended with.
/// Output tiles: every run but the last ends in a partial-sum write and every run but
/// the first starts with a partial-sum read; the last run writes the final tile.
package enum GEMMClosedForm {
  package static func traffic(shape: GEMMShape, tiling: GEMMTiling) -> Traffic {
    let axes = tiling.axes(for: shape)
    let outputRuns = runTraffic(.output, axes: axes, tiling: tiling)
    let outputSize = shape.m * shape.n
    return Traffic(
      inputReads: runTraffic(.input, axes: axes, tiling: tiling),
      weightReads: runTraffic(.weight, axes: axes, tiling: tiling),
      outputWrites: outputSize, psumReads: outputRuns - outputSize, psumWrites: outputRuns - outputSize)
  }

  /// Sum over the operand's runs of the entries of its tile.
  static func runTraffic(_ operand: Operand, axes: PerDimension<TileAxis>, tiling: GEMMTiling) -> Int {
    let order = tiling.order.outerToInner
    let irrelevantLevel = tiling.order.level(of: operand.irrelevantDimension)
    let (a, b) = operand.dimensions
    let size = axes[a].extent * axes[b].extent
    switch irrelevantLevel {
    case 2:
      return size
    case 1:
      let outer = axes[order[0]]
      let middle = axes[order[1]]
      let inner = axes[order[2]]
      let loads = middle.count * size
      guard tiling.scan[order[2]] || inner.count == 1 else { return loads }
      // Sweep g of the inner loop ends on its last tile when g is even, on its first when odd.
      // Within outer iteration i the sweeps that hand a tile over are g = i*c .. i*c + c - 2.
      let handovers = middle.count - 1
      let endsOnLastFromEvenStart = (handovers + 1) / 2
      let endsOnLastFromOddStart = handovers / 2
      let fromEvenStart = endsOnLastFromEvenStart * inner.last + (handovers - endsOnLastFromEvenStart) * inner.first
      let fromOddStart = endsOnLastFromOddStart * inner.last + (handovers - endsOnLastFromOddStart) * inner.first
      let skipped =
        middle.count % 2 == 0
        ? outer.extent * fromEvenStart
        : outer.evenSum * fromEvenStart + outer.oddSum * fromOddStart
      return loads - skipped
    default:
      let outer = axes[order[0]]
      let middle = axes[order[1]]
      let inner = axes[order[2]]
      let loads = outer.count * size
      let middleStays = tiling.scan[order[1]] || middle.count == 1
      let innerStays = tiling.scan[order[2]] || inner.count == 1
      guard middleStays, innerStays else { return loads }
      // At the end of outer iteration q the middle loop sits on its last tile when q is even
      // (first when odd); the inner loop's last sweep there has global number (q+1)*c - 1.
      let handovers = outer.count - 1
      let evenQ = (handovers + 1) / 2
      let oddQ = handovers / 2
      let innerAtEvenQ = middle.count % 2 == 1 ? inner.last : inner.first
      return loads - evenQ * middle.last * innerAtEvenQ - oddQ * middle.first * inner.first
    }
  }
}
