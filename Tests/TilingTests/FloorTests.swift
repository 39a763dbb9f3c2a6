import Testing

@testable import Tiling
import TestSupport

@Suite struct FloorTests {
  /// The counter-example of docs/tiling-model.md, "Floors", to 2MNK/sqrt(B) + MN: with the whole weight matrix resident
  /// the model moves exactly the compulsory traffic, below that "bound" and on the valid floor.
  @Test func residentWeightsUndercutTheInvalidBoundButNotTheFloor() throws {
    let shape = GEMMShape(m: 3136, k: 16, n: 1024)
    let buffer = 64 * 1024
    let tiling = GEMMTiling(tile: PerDimension(m: 47, k: 16, n: 1024), order: try #require(LoopOrder(name: "mnk")))
    #expect(tiling.footprint(for: shape) <= buffer)
    let traffic = GEMMClosedForm.traffic(shape: shape, tiling: tiling)
    #expect(traffic.total == 3_277_824)
    let invalid = 2 * 3136 * 1024 * 16 / 256 + 3136 * 1024
    #expect(invalid == 3_612_672)
    #expect(traffic.total < invalid)
    let floor = TrafficFloor.gemm(shape, buffer: buffer)
    #expect(floor.value == 3_277_824)
    #expect(floor.matrixMultiplication == 401_408 - 131_072)
    #expect(traffic.total >= floor.value)
  }

  /// No schedule goes below its floor at the buffer size it occupies: random shapes, tiles,
  /// orders and scans, each checked against the floor for a buffer exactly its footprint.
  @Test func noScheduleGoesBelowItsFloor() {
    var random = SplitMix64(seed: 0xF100_0008)
    var checked = 0
    var boundBinding = 0
    for _ in 0..<4000 {
      let shape = GEMMShape(
        m: Int.random(in: 1...200, using: &random), k: Int.random(in: 1...200, using: &random),
        n: Int.random(in: 1...200, using: &random))
      let tiling = GEMMTiling(
        tile: PerDimension(
          m: Int.random(in: 1...shape.m, using: &random), k: Int.random(in: 1...shape.k, using: &random),
          n: Int.random(in: 1...shape.n, using: &random)),
        order: LoopOrder.allCases.randomElement(using: &random) ?? LoopOrder.allCases[0],
        scan: PerDimension(m: Bool.random(using: &random), k: Bool.random(using: &random), n: Bool.random(using: &random)))
      let floor = TrafficFloor.gemm(shape, buffer: tiling.footprint(for: shape))
      let traffic = GEMMClosedForm.traffic(shape: shape, tiling: tiling)
      #expect(traffic.total >= floor.value, "\(shape) \(tiling): \(traffic.total) < \(floor)")
      if (floor.matrixMultiplication ?? 0) > floor.compulsory { boundBinding += 1 }
      checked += 1
    }
    #expect(checked == 4000)
    // The test is only meaningful if the matrix-multiplication bound is the binding one in many cases.
    #expect(boundBinding > 400)
  }
}
