import Testing

@testable import Tiling
import TestSupport

@Suite struct GEMMClosedFormTests {
  static let allScans: [PerDimension<Bool>] = (0..<8).map {
    PerDimension(m: $0 & 1 != 0, k: $0 & 2 != 0, n: $0 & 4 != 0)
  }

  /// Closed form == the sum over the walk, operand by operand, on random shapes (prime,
  /// tiny, and tiles larger than the dimension), every order and every scan combination.
  @Test func closedFormEqualsTheWalk() {
    var random = SplitMix64(seed: 0xD5E_0008)
    let dimensions = [1, 2, 3, 5, 7, 8, 11, 13, 16, 17, 24, 31]
    var cases = 0
    for _ in 0..<150 {
      let shape = GEMMShape(
        m: dimensions.randomElement(using: &random) ?? 1, k: dimensions.randomElement(using: &random) ?? 1,
        n: dimensions.randomElement(using: &random) ?? 1)
      let tile = PerDimension(
        m: Int.random(in: 1...(shape.m + 2), using: &random), k: Int.random(in: 1...(shape.k + 2), using: &random),
        n: Int.random(in: 1...(shape.n + 2), using: &random))
      for order in LoopOrder.allCases {
        for scan in Self.allScans {
          let tiling = GEMMTiling(tile: tile, order: order, scan: scan)
          let walked = GEMMWalk(shape: shape, tiling: tiling).traffic()
          let closed = GEMMClosedForm.traffic(shape: shape, tiling: tiling)
          #expect(closed == walked, "\(shape) \(tiling)")
          cases += 1
        }
      }
    }
    #expect(cases == 150 * 48)
  }

  /// A hand-counted case: M=3, K=1, N=2 with 1x1x1 tiles, order m n k, row-major.
  /// Steps (m,n): (0,0) (0,1) (1,0) (1,1) (2,0) (2,1): the input tile (m) is read 3 times,
  /// the weight tile (n) changes at every step: 6 reads; no partial sums.
  /// With Scan on n: (0,0) (0,1) (1,1) (1,0) (2,0) (2,1): weights change 4 times.
  @Test func handCountedSmallCase() throws {
    let shape = GEMMShape(m: 3, k: 1, n: 2)
    let order = try #require(LoopOrder(name: "mnk"))
    let rowMajor = GEMMTiling(tile: PerDimension(m: 1, k: 1, n: 1), order: order)
    #expect(GEMMClosedForm.traffic(shape: shape, tiling: rowMajor) == Traffic(inputReads: 3, weightReads: 6, outputWrites: 6))
    var scan = rowMajor
    scan.scan.n = true
    #expect(GEMMClosedForm.traffic(shape: shape, tiling: scan) == Traffic(inputReads: 3, weightReads: 4, outputWrites: 6))
  }

  /// k outermost: every output tile is left K/Tk - 1 times with a partial sum.
  @Test func partialSumsWhenTheReductionIsOutermost() throws {
    let shape = GEMMShape(m: 4, k: 6, n: 4)
    let tiling = GEMMTiling(tile: PerDimension(m: 2, k: 2, n: 4), order: try #require(LoopOrder(name: "kmn")))
    let traffic = GEMMClosedForm.traffic(shape: shape, tiling: tiling)
    #expect(traffic.outputWrites == 16)
    #expect(traffic.psumWrites == 32)
    #expect(traffic.psumReads == 32)
    #expect(traffic == GEMMWalk(shape: shape, tiling: tiling).traffic())
  }
}
