import Testing

@testable import Tiling
import TestSupport

/// Scan as a travelling-salesman walk (tiling issue, item 4): with one reduction tile the
/// traffic of a schedule is the cost of a path through the output tiles, and Held-Karp
/// gives the optimum to compare the loop schedules with.
@Suite struct ScanTSPTests {
  static let allScans: [PerDimension<Bool>] = (0..<8).map {
    PerDimension(m: $0 & 1 != 0, k: $0 & 2 != 0, n: $0 & 4 != 0)
  }

  /// Every permutation of `items` (Heap's algorithm, iterative).
  static func permutations<T>(_ items: [T]) -> [[T]] {
    var items = items
    var result = [items]
    var counters = [Int](repeating: 0, count: items.count)
    var i = 1
    while i < items.count {
      if counters[i] < i {
        items.swapAt(i % 2 == 0 ? 0 : counters[i], i)
        result.append(items)
        counters[i] += 1
        i = 1
      } else {
        counters[i] = 0
        i += 1
      }
    }
    return result
  }

  /// A random grid of `rows` x `columns` tiles with tile sizes in 1...16 (2...16 when
  /// `fragmented`) and K in 1...64. Uniform: the tile sizes divide M and N. Fragmented:
  /// the last row or column (or both) is a fragment of random length.
  static func randomGrid(rows: Int, columns: Int, fragmented: Bool, using random: inout SplitMix64) -> OutputTileGrid? {
    let lowest = fragmented ? 2 : 1
    while true {
      let tileM = Int.random(in: lowest...16, using: &random)
      let tileN = Int.random(in: lowest...16, using: &random)
      let lastM = fragmented ? Int.random(in: 1...tileM, using: &random) : tileM
      let lastN = fragmented ? Int.random(in: 1...tileN, using: &random) : tileN
      if fragmented && lastM == tileM && lastN == tileN { continue }
      let shape = GEMMShape(
        m: (rows - 1) * tileM + lastM, k: Int.random(in: 1...64, using: &random), n: (columns - 1) * tileN + lastN)
      return OutputTileGrid(shape: shape, tileM: tileM, tileN: tileN)
    }
  }

  /// A random grid shape rows x columns with rows*columns <= maxTiles (and each side >= minSide).
  static func randomCounts(maxTiles: Int, minSide: Int, using random: inout SplitMix64) -> (rows: Int, columns: Int) {
    let rows = Int.random(in: minSide...(maxTiles / minSide), using: &random)
    let columns = Int.random(in: minSide...(maxTiles / rows), using: &random)
    return (rows, columns)
  }

  static func percent(_ worse: Int, over better: Int) -> Double { Double(worse - better) / Double(better) * 100 }

  static func format(_ value: Double) -> String {
    let hundredths = Int((value * 100).rounded())
    let fraction = hundredths % 100
    return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
  }

  // MARK: (a) the order cost is the walk's traffic

  /// For every loop order and scan combination with Tk >= K, the order cost of the walk's
  /// tile sequence equals the closed form, and `TileLoopSchedule` reproduces that sequence.
  @Test func orderCostEqualsClosedFormForLoopSchedules() throws {
    var random = SplitMix64(seed: 0x75B_0001)
    let dimensions = [1, 2, 3, 5, 7, 8, 11, 13, 16, 17, 24]
    var cases = 0
    for _ in 0..<120 {
      let shape = GEMMShape(
        m: dimensions.randomElement(using: &random) ?? 1, k: dimensions.randomElement(using: &random) ?? 1,
        n: dimensions.randomElement(using: &random) ?? 1)
      let tile = PerDimension(
        m: Int.random(in: 1...(shape.m + 2), using: &random), k: Int.random(in: shape.k...(shape.k + 3), using: &random),
        n: Int.random(in: 1...(shape.n + 2), using: &random))
      for loopOrder in LoopOrder.allCases {
        for scan in Self.allScans {
          let tiling = GEMMTiling(tile: tile, order: loopOrder, scan: scan)
          let grid = try #require(OutputTileGrid(shape: shape, tiling: tiling))
          let walked = GEMMWalk(shape: shape, tiling: tiling).steps().map { OutputTile(m: $0.m, n: $0.n) }
          #expect(try TileOrderTSP.traffic(of: walked, in: grid) == GEMMClosedForm.traffic(shape: shape, tiling: tiling), "\(shape) \(tiling)")
          let mOuter = loopOrder.level(of: .m) < loopOrder.level(of: .n)
          let schedule = TileLoopSchedule.natural(outer: mOuter ? .m : .n, snake: mOuter ? scan.n : scan.m, in: grid)
          #expect(schedule.order() == walked, "\(shape) \(tiling)")
          cases += 1
        }
      }
    }
    #expect(cases == 120 * 48)
  }

  /// A hand-counted 2 x 2 grid: M=5 (tiles 3, 2), K=2, N=4 (tiles 2, 2).
  /// Order (0,0) (0,1) (1,1) (1,0): input 3*2 + 2*2 = 10, weight 2*2 + 2*2 + 2*2 = 12 (the turn
  /// tile n=1 stays), output 20.
  @Test func handCountedOrderCost() throws {
    let grid = try #require(OutputTileGrid(shape: GEMMShape(m: 5, k: 2, n: 4), tileM: 3, tileN: 2))
    let order = [OutputTile(m: 0, n: 0), OutputTile(m: 0, n: 1), OutputTile(m: 1, n: 1), OutputTile(m: 1, n: 0)]
    #expect(try TileOrderTSP.traffic(of: order, in: grid) == Traffic(inputReads: 10, weightReads: 12, outputWrites: 20))
  }

  @Test func invalidOrdersAndOversizedGridsAreRefused() throws {
    let grid = try #require(OutputTileGrid(shape: GEMMShape(m: 4, k: 3, n: 2), tileM: 2, tileN: 1))
    let repeated = [OutputTile(m: 0, n: 0), OutputTile(m: 0, n: 0), OutputTile(m: 1, n: 0), OutputTile(m: 1, n: 1)]
    #expect(throws: TileOrderError.notAPermutation) { try TileOrderTSP.traffic(of: repeated, in: grid) }
    let outside = [OutputTile(m: 0, n: 0), OutputTile(m: 0, n: 1), OutputTile(m: 1, n: 0), OutputTile(m: 2, n: 0)]
    #expect(throws: TileOrderError.notAPermutation) { try TileOrderTSP.traffic(of: outside, in: grid) }
    #expect(throws: TileOrderError.notAPermutation) { try TileOrderTSP.traffic(of: [], in: grid) }
    let big = try #require(OutputTileGrid(shape: GEMMShape(m: 17, k: 1, n: 1), tileM: 1, tileN: 1))
    #expect(throws: TileOrderError.tooManyTiles(count: 17, limit: 16)) { try TileOrderTSP.heldKarp(big) }
    let huge = try #require(OutputTileGrid(shape: GEMMShape(m: 1000, k: 1, n: 1000), tileM: 1, tileN: 1))
    #expect(throws: TileOrderError.tooManyTiles(count: 1_000_000, limit: 16)) { try TileOrderTSP.heldKarp(huge) }
    #expect(OutputTileGrid(shape: GEMMShape(m: 4, k: 3, n: 2), tiling: GEMMTiling(tile: PerDimension(m: 2, k: 2, n: 1), order: .init(name: "mnk") ?? .allCases[0])) == nil)
    #expect(OutputTileGrid(shape: GEMMShape(m: 4, k: 3, n: 2), tileM: 0, tileN: 1) == nil)
  }

  // MARK: (b) Held-Karp is optimal

  /// Held-Karp == the best of all visiting orders on grids of up to 7 tiles, and its order
  /// is a valid permutation whose cost is the reported one.
  @Test func heldKarpEqualsBruteForce() throws {
    var random = SplitMix64(seed: 0x75B_0002)
    for trial in 0..<60 {
      let (rows, columns) = Self.randomCounts(maxTiles: 7, minSide: 1, using: &random)
      let grid = try #require(Self.randomGrid(rows: rows, columns: columns, fragmented: trial % 3 != 0, using: &random))
      let optimum = try TileOrderTSP.heldKarp(grid)
      #expect(try TileOrderTSP.traffic(of: optimum.order, in: grid) == optimum.traffic)
      var bruteForce = Int.max
      for order in Self.permutations(grid.tiles) {
        bruteForce = min(bruteForce, try TileOrderTSP.traffic(of: order, in: grid).total)
      }
      #expect(optimum.traffic.total == bruteForce, "\(grid.shape) \(rows)x\(columns)")
    }
  }

  /// The permuted search (only the inner level's end tiles tried) == all permutations of
  /// both levels, for Scan and row-major, on grids small enough to enumerate.
  @Test func permutedSearchEqualsAllPermutations() throws {
    var random = SplitMix64(seed: 0x75B_0003)
    for _ in 0..<40 {
      let (rows, columns) = Self.randomCounts(maxTiles: 12, minSide: 1, using: &random)
      guard rows <= 5, columns <= 5 else { continue }
      let grid = try #require(Self.randomGrid(rows: rows, columns: columns, fragmented: true, using: &random))
      for snake in [true, false] {
        var bruteForce = Int.max
        for rowOrder in Self.permutations(Array(0..<rows)) {
          for columnOrder in Self.permutations(Array(0..<columns)) {
            for outer in TileLoopSchedule.Outer.allCases {
              let schedule = TileLoopSchedule(outer: outer, snake: snake, rowOrder: rowOrder, columnOrder: columnOrder)
              bruteForce = min(bruteForce, try TileOrderTSP.traffic(of: schedule.order(), in: grid).total)
            }
          }
        }
        #expect(try TileLoopSearch.best(in: grid, snake: snake, permuted: true).traffic.total == bruteForce)
      }
    }
  }

  // MARK: (c) uniform grids: Scan is optimal

  /// Tile sizes dividing M and N, up to 12 tiles: the best Scan schedule reaches the
  /// Held-Karp optimum in every case.
  @Test func bestScanIsOptimalOnUniformGrids() throws {
    var random = SplitMix64(seed: 0x75B_0004)
    var grids = 0
    var exceptions = 0
    var twoByTwoOrMore = 0
    for trial in 0..<320 {
      // One grid in eight may be a single row or column (trivially optimal); the rest are 2 x 2 or more.
      let (rows, columns) = Self.randomCounts(maxTiles: 12, minSide: trial % 8 == 0 ? 1 : 2, using: &random)
      let grid = try #require(Self.randomGrid(rows: rows, columns: columns, fragmented: false, using: &random))
      let optimum = try TileOrderTSP.heldKarp(grid).traffic.total
      let scan = try TileLoopSearch.best(in: grid, snake: true, permuted: false).traffic.total
      #expect(optimum <= scan)
      #expect(scan == optimum, "\(grid.shape) \(rows)x\(columns)")
      if scan != optimum { exceptions += 1 }
      grids += 1
      if rows >= 2 && columns >= 2 { twoByTwoOrMore += 1 }
    }
    print("ScanTSP uniform: \(grids) grids (up to 12 tiles, \(twoByTwoOrMore) of them at least 2 x 2), best Scan != Held-Karp in \(exceptions)")
  }

  // MARK: (d) fragmented grids: the gap

  /// Grids of 2...6 x 2...6 tiles (at most 12), tile sizes T in 2...16, the last row and
  /// column each of a length uniform in 1...T, kept when at least one is a fragment (so
  /// about 70% have both). Held-Karp never loses to a loop schedule and beats the best Scan
  /// in some cases. The measured figures are printed, not asserted: they depend strongly
  /// on how many edges are fragmented, hence the split by kind.
  @Test func heldKarpGapOnFragmentedGrids() throws {
    var random = SplitMix64(seed: 0x75B_0005)
    let trials = 300
    var scanTotal = Gap(), scanReads = Gap(), permutedTotal = Gap(), permutedReads = Gap()
    var rowMajorTotal = Gap(), rowMajorReads = Gap()
    // The same total-traffic gaps split by which edge is fragmented: the figures depend on it.
    let kinds = ["m only", "n only", "m and n"]
    var scanByKind = [Gap](repeating: Gap(), count: 3), permutedByKind = [Gap](repeating: Gap(), count: 3)
    var trialsByKind = [0, 0, 0]
    for _ in 0..<trials {
      let (rows, columns) = Self.randomCounts(maxTiles: 12, minSide: 2, using: &random)
      let grid = try #require(Self.randomGrid(rows: rows, columns: columns, fragmented: true, using: &random))
      let optimum = try TileOrderTSP.heldKarp(grid).traffic
      for outer in TileLoopSchedule.Outer.allCases {
        for snake in [true, false] {
          let schedule = TileLoopSchedule.natural(outer: outer, snake: snake, in: grid)
          #expect(optimum.total <= (try TileOrderTSP.traffic(of: schedule.order(), in: grid)).total)
        }
      }
      let scan = try TileLoopSearch.best(in: grid, snake: true, permuted: false).traffic
      let permuted = try TileLoopSearch.best(in: grid, snake: true, permuted: true).traffic
      let rowMajor = try TileLoopSearch.best(in: grid, snake: false, permuted: false).traffic
      #expect(optimum.total <= permuted.total)
      #expect(permuted.total <= scan.total)
      #expect(scan.total <= rowMajor.total)
      scanTotal.add(Self.percent(scan.total, over: optimum.total))
      scanReads.add(Self.percent(scan.reads, over: optimum.reads))
      permutedTotal.add(Self.percent(permuted.total, over: optimum.total))
      permutedReads.add(Self.percent(permuted.reads, over: optimum.reads))
      rowMajorTotal.add(Self.percent(rowMajor.total, over: optimum.total))
      rowMajorReads.add(Self.percent(rowMajor.reads, over: optimum.reads))
      let mFragment = grid.shape.m % grid.rowAxis.size != 0
      let nFragment = grid.shape.n % grid.columnAxis.size != 0
      let kind = mFragment && nFragment ? 2 : (mFragment ? 0 : 1)
      trialsByKind[kind] += 1
      scanByKind[kind].add(Self.percent(scan.total, over: optimum.total))
      permutedByKind[kind].add(Self.percent(permuted.total, over: optimum.total))
    }
    #expect(scanTotal.beaten > 0)
    print("ScanTSP fragmented: \(trials) grids, 2..6 x 2..6 tiles (<= 12), tile sizes 2...16, K 1...64")
    print("  " + scanTotal.report("best Scan, natural order, total traffic", trials: trials))
    print("  " + scanReads.report("best Scan, natural order, input+weight reads", trials: trials))
    print("  " + permutedTotal.report("best Scan, permuted tile orders, total traffic", trials: trials))
    print("  " + permutedReads.report("best Scan, permuted tile orders, input+weight reads", trials: trials))
    print("  " + rowMajorTotal.report("best row-major, total traffic", trials: trials))
    print("  " + rowMajorReads.report("best row-major, input+weight reads", trials: trials))
    for kind in 0..<3 where trialsByKind[kind] > 0 {
      print("  fragment in \(kinds[kind]): " + scanByKind[kind].report("natural", trials: trialsByKind[kind]) + "; "
        + permutedByKind[kind].report("permuted", trials: trialsByKind[kind]))
    }
  }
}

/// Gaps in percent of a schedule over the Held-Karp optimum, accumulated over trials.
private struct Gap {
  var beaten = 0
  var sum = 0.0
  var sumBeaten = 0.0
  var maximum = 0.0
  mutating func add(_ gap: Double) {
    if gap > 0 { beaten += 1; sumBeaten += gap }
    sum += gap
    maximum = max(maximum, gap)
  }
  func report(_ name: String, trials: Int) -> String {
    "\(name): Held-Karp better in \(beaten)/\(trials) (\(ScanTSPTests.format(Double(beaten) / Double(trials) * 100))%), "
      + "gap mean \(ScanTSPTests.format(sum / Double(trials)))% over all, "
      + "\(beaten > 0 ? ScanTSPTests.format(sumBeaten / Double(beaten)) : "-")% over those, max \(ScanTSPTests.format(maximum))%"
  }
}
