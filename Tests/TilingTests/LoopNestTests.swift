import Testing

@testable import Tiling
import TestSupport

@Suite struct LoopNestTests {
  /// The generic closed form reproduces the GEMM closed form operand by operand.
  @Test func reproducesTheGEMMClosedForm() {
    var random = SplitMix64(seed: 0x100F_0001)
    for _ in 0..<200 {
      let shape = GEMMShape(
        m: Int.random(in: 1...20, using: &random), k: Int.random(in: 1...20, using: &random),
        n: Int.random(in: 1...20, using: &random))
      let tiling = GEMMTiling(
        tile: PerDimension(
          m: Int.random(in: 1...22, using: &random), k: Int.random(in: 1...22, using: &random),
          n: Int.random(in: 1...22, using: &random)),
        order: LoopOrder.allCases.randomElement(using: &random) ?? LoopOrder.allCases[0],
        scan: PerDimension(m: Bool.random(using: &random), k: Bool.random(using: &random), n: Bool.random(using: &random)))
      let dimensions = tiling.order.outerToInner
      let levels = dimensions.map { dimension in
        LoopLevel(count: AxisIntervals.tiles(extent: shape[dimension], size: tiling.tile[dimension]).count, scanned: tiling.scan[dimension])
      }
      let axesForGEMM = tiling.axes(for: shape)
      for operand in Operand.allCases {
        let axes = dimensions.map { dimension in
          dimension == operand.irrelevantDimension
            ? AxisIntervals.irrelevant(count: axesForGEMM[dimension].count)
            : AxisIntervals.tiles(extent: shape[dimension], size: tiling.tile[dimension])
        }
        let expected = GEMMClosedForm.runTraffic(operand, axes: axesForGEMM, tiling: tiling)
        #expect(LoopNestTraffic.loads(levels: levels, axes: axes) == expected, "\(operand) \(shape) \(tiling)")
      }
    }
  }

  /// Closed form == the walk's explicit intersections, on nests of 1 to 4 loops whose axes
  /// are random mixes of disjoint tiles, irrelevant loops and overlapping clipped windows.
  @Test func closedFormEqualsTheWalkWithOverlappingWindows() {
    var random = SplitMix64(seed: 0x100F_0002)
    var nonTrivialOverlap = 0
    for _ in 0..<3000 {
      let depth = Int.random(in: 1...4, using: &random)
      var levels: [LoopLevel] = []
      var axes: [AxisIntervals] = []
      for _ in 0..<depth {
        let axis = randomAxis(using: &random)
        axes.append(axis)
        levels.append(LoopLevel(count: axis.count, scanned: Bool.random(using: &random)))
      }
      let walked = LoopNestWalk(levels: levels).loads(axes: axes).reduce(0, +)
      let closed = LoopNestTraffic.loads(levels: levels, axes: axes)
      #expect(closed == walked, "\(levels) \(axes)")
      if axes.contains(where: { axis in (0..<max(0, axis.count - 1)).contains { axis.overlap($0, $0 + 1) > 0 } }) {
        nonTrivialOverlap += 1
      }
    }
    #expect(nonTrivialOverlap > 1000)
  }

  /// The segments' two-level form (rows never scanned, columns scanned or not) == the walk.
  @Test func spatialLoadsEqualTheWalk() {
    var random = SplitMix64(seed: 0x100F_0003)
    var scannedTurns = 0
    for _ in 0..<3000 {
      let (rows, columns) = (randomAxis(using: &random), randomAxis(using: &random))
      let scanned = Bool.random(using: &random)
      let levels = [LoopLevel(count: rows.count, scanned: false), LoopLevel(count: columns.count, scanned: scanned)]
      let walked = LoopNestWalk(levels: levels).loads(axes: [rows, columns]).reduce(0, +)
      let closed = LoopNestTraffic.spatialLoads(rows: AxisSummary(rows), columns: AxisSummary(columns), scanned: scanned)
      #expect(closed == walked, "\(levels) \(rows) \(columns)")
      if scanned && rows.count >= 3 && columns.count >= 3 { scannedTurns += 1 }
    }
    #expect(scannedTurns > 100)
  }

  private func randomAxis(using random: inout SplitMix64) -> AxisIntervals {
    switch Int.random(in: 0...2, using: &random) {
    case 0:
      return .irrelevant(count: Int.random(in: 1...4, using: &random))
    case 1:
      return .tiles(extent: Int.random(in: 1...13, using: &random), size: Int.random(in: 1...6, using: &random))
    default:
      let input = Int.random(in: 1...17, using: &random)
      let kernel = Int.random(in: 1...min(5, input + 2), using: &random)
      let stride = Int.random(in: 1...3, using: &random)
      let padding = Int.random(in: 0...(kernel - 1), using: &random)
      let output = max(1, (input + 2 * padding - kernel) / stride + 1)
      return .windows(
        outputExtent: output, size: Int.random(in: 1...4, using: &random), stride: stride, kernel: kernel,
        padding: padding, inputExtent: input)
    }
  }
}
