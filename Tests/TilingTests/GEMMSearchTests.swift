import Foundation
import Testing

@testable import Tiling
import TestSupport

@Suite struct GEMMSearchTests {
  /// The search's preference, recomputed by brute force: every (Tm, Tk, Tn) in 1...D, every order,
  /// every allowed scan combination; the best tiling per distinct schedule (loop order without
  /// its single-tile loops, and tile counts), the `count` best of those.
  static func bruteForce(
    shape: GEMMShape, buffer: Int, options: SearchOptions, count: Int, orders: [LoopOrder] = LoopOrder.allCases
  ) -> [Candidate] {
    struct Group: Hashable {
      var effectiveOrder: [GEMMDimension]
      var counts: PerDimension<Int>
    }
    let names = LoopOrder.allCases.map(\.name).sorted()
    let scans: [PerDimension<Bool>] =
      options.scan == .allowed
      ? (0..<8).map { PerDimension(m: $0 & 1 != 0, k: $0 & 2 != 0, n: $0 & 4 != 0) }
      : [PerDimension(m: false, k: false, n: false)]
    var best: [Group: Candidate] = [:]
    for tm in 1...shape.m {
      for tk in 1...shape.k {
        for tn in 1...shape.n {
          let tile = PerDimension(m: tm, k: tk, n: tn)
          let footprint = GEMMTiling(tile: tile, order: LoopOrder.allCases[0]).footprint(
            for: shape, psumWidth: options.psumWidth)
          guard footprint <= buffer else { break }  // grows with Tn
          let counts = PerDimension(m: (shape.m + tm - 1) / tm, k: (shape.k + tk - 1) / tk, n: (shape.n + tn - 1) / tn)
          for order in LoopOrder.allCases where orders.contains(order) {
            let group = Group(effectiveOrder: order.outerToInner.filter { counts[$0] > 1 }, counts: counts)
            for scan in scans {
              let tiling = GEMMTiling(tile: tile, order: order, scan: scan)
              let cost = options.objective.cost(GEMMClosedForm.traffic(shape: shape, tiling: tiling))
              let candidate = Candidate(
                cost: cost, footprint: footprint, orderRank: names.firstIndex(of: order.name) ?? 0,
                scanRank: GEMMSearch.scanRank(scan), tile: tile, order: order, scan: scan)
              if best[group].map({ candidate < $0 }) ?? true { best[group] = candidate }
            }
          }
        }
      }
    }
    return Array(best.values.sorted().prefix(count))
  }

  static func randomCase(_ random: inout SplitMix64) -> (GEMMShape, Int) {
    let dimensions = [1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 16, 17, 19, 23, 24]
    var shape = GEMMShape(m: 1, k: 1, n: 1)
    repeat {
      shape = GEMMShape(
        m: dimensions.randomElement(using: &random) ?? 1, k: dimensions.randomElement(using: &random) ?? 1,
        n: dimensions.randomElement(using: &random) ?? 1)
    } while shape.m * shape.k * shape.n > 3000
    let whole = shape.m * shape.k + shape.k * shape.n + 2 * shape.m * shape.n
    let buffer = Int.random(in: 4...(whole + 8), using: &random)
    return (shape, buffer)
  }

  /// Search == brute force: the same best tiling and the same top-5 list, tiling for tiling,
  /// with and without Scan, psum width 1 and 2, entries and a weighted objective.
  @Test(arguments: [ScanOption.never, .allowed])
  func searchEqualsBruteForce(scan: ScanOption) throws {
    var random = SplitMix64(seed: scan == .allowed ? 0x5EA_4C01 : 0x5EA_4C02)
    var compared = 0
    for index in 0..<120 {
      let (shape, buffer) = Self.randomCase(&random)
      let objective = index % 3 == 2 ? TrafficObjective(input: 8, weight: 4, output: 8, psum: 24) : .entries
      let options = SearchOptions(psumWidth: index % 2 == 0 ? 1 : 2, scan: scan, objective: objective)
      guard buffer >= GEMMSearch.minimumBuffer(psumWidth: options.psumWidth) else { continue }
      let expected = Self.bruteForce(shape: shape, buffer: buffer, options: options, count: 5)
      let found = try GEMMSearch.top(5, shape: shape, buffer: buffer, options: options)
      let context = "\(shape) buffer \(buffer) psum \(options.psumWidth) \(scan)"
      #expect(found.map(\.cost) == expected.map(\.cost), "\(context)")
      #expect(found.map(\.tiling) == expected.map(\.tiling), "\(context)")
      for schedule in found {
        #expect(schedule.footprint <= buffer, "\(context)")
        #expect(schedule.traffic == GEMMWalk(shape: shape, tiling: schedule.tiling).traffic(), "\(context)")
        #expect(schedule.traffic.total >= TrafficFloor.gemm(shape, buffer: buffer).value, "\(context)")
        if options.scan == .never { #expect(schedule.tiling.scan == PerDimension(m: false, k: false, n: false)) }
      }
      compared += 1
    }
    #expect(compared >= 110)
  }

  /// Restricted to one loop order, the search equals brute force over that order alone.
  @Test func searchRestrictedToOneOrderEqualsBruteForce() throws {
    var random = SplitMix64(seed: 0x5EA_4C03)
    for index in 0..<36 {
      let (shape, buffer) = Self.randomCase(&random)
      let order = LoopOrder.allCases[index % 6]
      let options = SearchOptions(scan: index % 4 < 2 ? .allowed : .never)
      guard buffer >= GEMMSearch.minimumBuffer(psumWidth: 1) else { continue }
      let expected = Self.bruteForce(shape: shape, buffer: buffer, options: options, count: 3, orders: [order])
      let found = try GEMMSearch.top(3, shape: shape, buffer: buffer, options: options, orders: [order])
      #expect(found.map(\.tiling) == expected.map(\.tiling), "\(shape) buffer \(buffer) order \(order)")
      #expect(found.allSatisfy { $0.tiling.order == order })
    }
  }

  /// Cases where the best tiling (or one of the top 5) has Ty above its class minimum: the
  /// search's Ty walk finds them (random small cases almost never need it; without the walk,
  /// these differ from brute force by 1 to 4 entries).
  @Test(arguments: [(23, 19, 23, 124), (26, 19, 26, 148), (102, 77, 197, 1712)])
  func casesThatNeedTheMiddleTileWalk(m: Int, k: Int, n: Int, buffer: Int) throws {
    let shape = GEMMShape(m: m, k: k, n: n)
    let options = SearchOptions(scan: .allowed)
    let expected = Self.bruteForce(shape: shape, buffer: buffer, options: options, count: 5)
    let found = try GEMMSearch.top(5, shape: shape, buffer: buffer, options: options)
    #expect(found.map(\.cost) == expected.map(\.cost))
    #expect(found.map(\.tiling) == expected.map(\.tiling))
  }

  /// The case of docs/tiling-model.md, "Floors": the search does at least as well as keeping all weights resident,
  /// stays on the valid floor and beats the invalid 2MNK/sqrt(B) + MN "bound".
  @Test func residentWeightsCase() throws {
    let shape = GEMMShape(m: 3136, k: 16, n: 1024)
    let buffer = 64 * 1024
    for scan in ScanOption.allCases {
      let best = try GEMMSearch.best(shape: shape, buffer: buffer, options: SearchOptions(scan: scan))
      #expect(best.traffic.total <= 3_277_824)
      #expect(best.traffic.total >= TrafficFloor.gemm(shape, buffer: buffer).value)
      #expect(best.traffic.total < 3_612_672)
      #expect(best.footprint <= buffer)
      #expect(best.traffic == GEMMClosedForm.traffic(shape: shape, tiling: best.tiling))
    }
  }

  @Test func tooSmallBufferStatesTheMinimum() {
    let shape = GEMMShape(m: 4, k: 4, n: 4)
    #expect(throws: SearchError.bufferTooSmall(buffer: 2, minimum: 3)) {
      try GEMMSearch.best(shape: shape, buffer: 2, options: SearchOptions(psumWidth: 1))
    }
    #expect(throws: SearchError.bufferTooSmall(buffer: 3, minimum: 4)) {
      try GEMMSearch.top(5, shape: shape, buffer: 3, options: SearchOptions(psumWidth: 2))
    }
    #expect(SearchError.bufferTooSmall(buffer: 3, minimum: 4).description.contains("4 entries"))
    #expect(throws: SearchError.self) { try GEMMSearch.best(shape: GEMMShape(m: 0, k: 4, n: 4), buffer: 100) }
    #expect((try? GEMMSearch.best(shape: shape, buffer: 3)) != nil)
  }

  @Test func deterministic() throws {
    let shape = GEMMShape(m: 784, k: 144, n: 32)
    let first = try GEMMSearch.top(5, shape: shape, buffer: 16 * 1024)
    let second = try GEMMSearch.top(5, shape: shape, buffer: 16 * 1024)
    #expect(first == second)
    #expect(first.count == 5)
    #expect(zip(first, first.dropFirst()).allSatisfy { $0.cost <= $1.cost })
  }

  static let mobileNetV2: [GEMMShape] = [
    (12544, 32, 16), (12544, 16, 96), (3136, 96, 24), (3136, 24, 144), (3136, 144, 24), (784, 144, 32),
    (784, 32, 192), (784, 192, 32), (196, 192, 64), (196, 64, 384), (196, 384, 64), (196, 384, 96),
    (196, 96, 576), (196, 576, 96), (49, 576, 160), (49, 160, 960), (49, 960, 160), (49, 960, 320),
    (49, 320, 1280), (1, 1280, 1000),
  ].map { GEMMShape(m: $0.0, k: $0.1, n: $0.2) }

  /// ResNet-50: stem (im2col 7x7), the 1x1 layers and the 3x3 layers in im2col view, per stage.
  static let resNet50: [GEMMShape] = [
    (12544, 147, 64),
    (3136, 64, 64), (3136, 576, 64), (3136, 64, 256), (3136, 256, 64),
    (3136, 256, 128), (784, 1152, 128), (784, 128, 512), (784, 256, 512), (784, 512, 128),
    (784, 512, 256), (196, 2304, 256), (196, 256, 1024), (196, 512, 1024), (196, 1024, 256),
    (196, 1024, 512), (49, 4608, 512), (49, 512, 2048), (49, 1024, 2048), (49, 2048, 512), (1, 2048, 1000),
  ].map { GEMMShape(m: $0.0, k: $0.1, n: $0.2) }

  /// Prints search times (never asserts them; `dse bench` is the measuring tool), when
  /// DSE_TIMING is set: `DSE_TIMING=1 swift test -c release -Xswiftc -enable-testing --filter
  /// GEMMSearchTests/timing`.
  @Test(.enabled(if: ProcessInfo.processInfo.environment["DSE_TIMING"] != nil)) func timing() throws {
    for (name, network) in [("MobileNetV2", Self.mobileNetV2), ("ResNet-50", Self.resNet50)] {
      for buffer in [16 * 1024, 64 * 1024, 256 * 1024] {
        for scan in ScanOption.allCases {
          for count in [1, 5] {
            let clock = ContinuousClock()
            var total = 0
            let elapsed = try clock.measure {
              for shape in network {
                total +=
                  try GEMMSearch.top(count, shape: shape, buffer: buffer, options: .init(scan: scan)).first?.cost ?? 0
              }
            }
            let label = "search \(name) (\(network.count) GEMMs) B=\(buffer / 1024)K scan \(scan) top \(count)"
            print("\(label): \(elapsed), total \(total)")
          }
        }
      }
    }
  }
}
