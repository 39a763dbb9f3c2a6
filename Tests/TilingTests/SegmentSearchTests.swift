import Networks
import Testing

@testable import Tiling
import TestSupport

/// Small random segments for the search oracle: every size of every tiling is enumerable.
enum SmallSegments {
  /// With `maxPools`, a max pool (KxK, stride 1 or 2) may stand anywhere a depthwise layer may.
  static func make(_ random: inout SplitMix64, maxPools: Bool = false) -> FusedSegment {
    let height = Int.random(in: 1...4, using: &random)
    let width = Int.random(in: 1...4, using: &random)
    let input = TensorShape(channels: Int.random(in: 1...3, using: &random), height: height, width: width)
    var layers: [SegmentLayer] = []
    var current = input
    let length = Int.random(in: 1...3, using: &random)
    for index in 0..<length {
      var choice = Int.random(in: 0..<(index == 0 ? 2 : 3), using: &random)
      if maxPools && Int.random(in: 0..<2, using: &random) == 0 { choice = 3 }
      let kernel = Int.random(in: 1...3, using: &random)
      let padding = kernel / 2
      let stride = current.height >= 3 && Int.random(in: 0..<4, using: &random) == 0 ? 2 : 1
      func out(_ extent: Int) -> Int { (extent + 2 * padding - kernel) / stride + 1 }
      switch choice {
      case 0:
        let output = TensorShape(channels: Int.random(in: 1...3, using: &random), height: out(current.height), width: out(current.width))
        layers.append(
          SegmentLayer(
            name: "m\(index)", kind: .mixing, input: current, output: output, kernel: Extent2D(square: kernel),
            stride: Extent2D(square: stride), padding: Padding(symmetric: padding, padding)))
        current = output
      case 1:
        let output = TensorShape(channels: current.channels, height: out(current.height), width: out(current.width))
        layers.append(
          SegmentLayer(
            name: "d\(index)", kind: .depthwise, input: current, output: output, kernel: Extent2D(square: kernel),
            stride: Extent2D(square: stride), padding: Padding(symmetric: padding, padding), weightBits: 4))
        current = output
      case 3:
        let output = TensorShape(channels: current.channels, height: out(current.height), width: out(current.width))
        layers.append(
          SegmentLayer(
            name: "p\(index)", kind: .maxPool, input: current, output: output, kernel: Extent2D(square: kernel),
            stride: Extent2D(square: stride), padding: Padding(symmetric: padding, padding)))
        current = output
      default:
        let skip: SegmentLayer.Skip =
          current == input ? .segmentInput
          : (layers.last.map { $0.output == current } ?? false) && layers.count >= 2
            && layers[layers.count - 2].output == current ? .layer(layers.count - 2) : .external(name: "x", bits: 16)
        layers.append(SegmentLayer(name: "a\(index)", kind: .add, input: current, output: current, skip: skip))
      }
    }
    return FusedSegment(name: "random", input: input, inputName: "in", inputBits: 8, layers: layers)
  }

  /// A fire module on a 1-2 x 1-3 x 1-3 input: a squeeze (1x1) half the time, a 1x1 and a 1x1
  /// or 3x3 expand reading its output (or the input), the second a branch, and a final concat
  /// of the two, either operand first.
  static func fire(_ random: inout SplitMix64) -> FusedSegment {
    let input = TensorShape(
      channels: Int.random(in: 1...2, using: &random), height: Int.random(in: 1...3, using: &random),
      width: Int.random(in: 1...3, using: &random))
    func shape(_ channels: Int) -> TensorShape { TensorShape(channels: channels, height: input.height, width: input.width) }
    var layers: [SegmentLayer] = []
    if Bool.random(using: &random) {
      layers.append(SegmentLayer(name: "squeeze", kind: .mixing, input: input, output: shape(Int.random(in: 1...2, using: &random))))
    }
    let source = layers.count
    let squeezed = layers.last?.output ?? input
    let narrow = SegmentLayer(name: "expand1", kind: .mixing, input: squeezed, output: shape(Int.random(in: 1...2, using: &random)))
    let size = [1, 3].randomElement(using: &random) ?? 3
    let wide = SegmentLayer(
      name: "expand3", kind: .mixing, input: squeezed, output: shape(Int.random(in: 1...3, using: &random)),
      kernel: Extent2D(square: size), padding: Padding(symmetric: size / 2, size / 2), branchFrom: source)
    layers += [
      narrow, wide,
      SegmentLayer(
        name: "cat", kind: .concat, input: wide.output, output: shape(narrow.output.channels + wide.output.channels),
        skip: .layer(source), chainFirst: Bool.random(using: &random)),
    ]
    return FusedSegment(name: "fire", input: input, inputName: "in", inputBits: 8, layers: layers)
  }

  /// A layer reading all of `input` that keeps its extent: a 1x1 or 3x3 ("same") convolution to
  /// 1-2 channels, a 3x3 depthwise layer or a 3x3 max pool.
  static func reader(of input: TensorShape, using random: inout SplitMix64) -> SegmentLayer {
    let kind = [SegmentLayer.Kind.mixing, .mixing, .depthwise, .maxPool].randomElement(using: &random) ?? .mixing
    let size = kind == .mixing ? [1, 3].randomElement(using: &random) ?? 1 : 3
    let channels = kind == .mixing ? Int.random(in: 1...2, using: &random) : input.channels
    return SegmentLayer(
      name: "next", kind: kind, input: input, output: TensorShape(channels: channels, height: input.height, width: input.width),
      kernel: Extent2D(square: size), padding: Padding(symmetric: size / 2, size / 2))
  }

  /// A random tiling of `segment`, legal or not: any tile, Scan, chunk sizes and residency, and
  /// a line buffer on each layer's input with odds one in `lineBufferOneIn`.
  static func randomTiling(of segment: FusedSegment, lineBufferOneIn: Int, using random: inout SplitMix64) -> SegmentTiling {
    let layers = segment.layers.count
    return SegmentTiling(
      rows: Int.random(in: 1...segment.output.height, using: &random),
      columns: Int.random(in: 1...segment.output.width, using: &random), scan: Bool.random(using: &random),
      chunks: segment.stageChannels.map { Int.random(in: 1...$0, using: &random) },
      resident: (0..<layers).map { _ in Bool.random(using: &random) },
      lineBuffers: (0..<layers).map { _ in Int.random(in: 0..<lineBufferOneIn, using: &random) == 0 })
  }

  /// A random schedule of `model`'s segment (a line buffer one time in four) with its cost and
  /// the regions and evaluator of its spatial tiling, as the search makes them; nil when the
  /// model refuses the schedule.
  static func costedSchedule(of model: SegmentModel, using random: inout SplitMix64) -> (
    tiling: SegmentTiling, cost: SegmentCost, rows: SegmentRegions, columns: SegmentRegions, evaluator: SegmentSearchCost
  )? {
    let segment = model.segment
    let tiling = randomTiling(of: segment, lineBufferOneIn: 4, using: &random)
    guard let cost = try? model.cost(of: tiling) else { return nil }
    let rows = SegmentRegions.rows(segment, tileSize: tiling.rows, lineBuffers: tiling.lineBuffers)
    let columns = SegmentRegions.columns(segment, tileSize: tiling.columns)
    return (tiling, cost, rows, columns, SegmentSearchCost(model: model, scan: tiling.scan, rows: rows, columns: columns))
  }
}

@Suite struct SegmentSearchTests {
  /// The search's result equals brute force's over every tiling, size by size, on random small
  /// segments and buffers (least bits, then fewest extra MACs), and nothing fits for one when
  /// nothing fits for the other.
  @Test func searchEqualsBruteForce() throws {
    var random = SplitMix64(seed: 41)
    var compared = 0
    for _ in 0..<150 {
      let segment = SmallSegments.make(&random)
      if try Self.compareWithBruteForce(segment, randomScan: true, using: &random) != nil { compared += 1 }
    }
    #expect(compared > 100)
  }

  /// Searches that share a segment's spatial tilings through one cache, at several buffer sizes
  /// one after the other (the cache filled at the first, whichever it is), still equal brute
  /// force at each: the tilings the cache keeps do not depend on the buffer.
  @Test func searchesSharingSpatialTilingsEqualBruteForce() throws {
    var random = SplitMix64(seed: 43)
    var compared = 0
    for _ in 0..<40 {
      let segment = SmallSegments.make(&random)
      let cache = SegmentSpatialCache()
      let untiled = try SegmentModel(segment: segment, psumWidth: 1).cost(of: .untiled(segment)).footprint
      for _ in 0..<3 {
        let buffer = Int.random(in: 4...max(5, untiled + 4), using: &random)
        let shared = try SegmentSearch.best(segment, buffer: buffer, spatialCache: cache)
        let brute = try SegmentSearch.bruteForce(segment, buffer: buffer)
        guard let shared = Self.expectSameOptimum(shared, brute, "\(segment.layers.map(\.name)) at \(buffer)") else { continue }
        #expect(shared == (try SegmentSearch.best(segment, buffer: buffer)))
        compared += 1
      }
    }
    #expect(compared > 60)
  }

  /// Whether the search and brute force agree: both find nothing, or optima of one key (least
  /// bits, then fewest extra MACs), recorded as an issue naming `place` when not. The search's
  /// optimum when both found one.
  static func expectSameOptimum(_ found: SegmentSchedule?, _ brute: SegmentSchedule?, _ place: String) -> SegmentSchedule? {
    #expect((found == nil) == (brute == nil), "\(place): search \(String(describing: found?.tiling)), brute force \(String(describing: brute?.tiling))")
    guard let found, let brute else { return nil }
    #expect(
      SegmentSearchRun.key(found.cost) == SegmentSearchRun.key(brute.cost),
      "\(place): search \(found.tiling) \(found.cost.bits)/\(found.cost.extraMACs), brute force \(brute.tiling) \(brute.cost.bits)/\(brute.cost.extraMACs)")
    return found
  }

  /// The search and brute force on `segment` at a random buffer of up to its untiled footprint
  /// plus 4 (and, with `randomScan`, Scan allowed or not at random): both find nothing, or
  /// optima of one key that fit and do not go below the floor. The search's optimum, if any.
  static func compareWithBruteForce(
    _ segment: FusedSegment, psumWidth: Int = 1, randomScan: Bool = false, using random: inout SplitMix64
  ) throws -> SegmentSchedule? {
    let model = SegmentModel(segment: segment, psumWidth: psumWidth)
    let untiled = try model.cost(of: .untiled(segment)).footprint
    let buffer = Int.random(in: 4...max(5, untiled + 4), using: &random)
    let scan: ScanOption = !randomScan || Bool.random(using: &random) ? .allowed : .never
    let found = try SegmentSearch.best(segment, buffer: buffer, psumWidth: psumWidth, scan: scan)
    let brute = try SegmentSearch.bruteForce(segment, buffer: buffer, psumWidth: psumWidth, scan: scan)
    guard let found = expectSameOptimum(found, brute, "\(segment.layers.map(\.name)) \(segment.input) at \(buffer)") else {
      return nil
    }
    #expect(found.cost.footprint <= buffer)
    #expect(found.cost.traffic.total >= found.floor)
    #expect(try model.cost(of: found.tiling) == found.cost)
    return found
  }

  /// The same on segments ending in a global average pool (tiles over the pool's input, sums
  /// held for every channel, the averages written once).
  @Test func searchEqualsBruteForceWithAGlobalPool() throws {
    var random = SplitMix64(seed: 47)
    var compared = 0
    var tiled = 0
    for _ in 0..<50 {
      var segment = SmallSegments.make(&random)
      segment.layers.append(SegmentWalkGenerator.globalPool(after: segment.output))
      guard let found = try Self.compareWithBruteForce(segment, psumWidth: 2, using: &random) else { continue }
      compared += 1
      if found.tiling.rows * found.tiling.columns < segment.tiledShape.height * segment.tiledShape.width { tiled += 1 }
      #expect(found.cost.traffic.outputWrites == segment.output.channels)
    }
    #expect(compared > 30)
    #expect(tiled > 5, "only \(tiled) optima tile the pool's input")
  }

  /// The same on segments with max pools (windows without weights or MACs, line buffers on
  /// their inputs).
  @Test func searchEqualsBruteForceWithMaxPools() throws {
    var random = SplitMix64(seed: 53)
    var compared = 0
    var pooled = 0
    for _ in 0..<100 {
      let segment = SmallSegments.make(&random, maxPools: true)
      guard try Self.compareWithBruteForce(segment, using: &random) != nil else { continue }
      compared += 1
      if segment.layers.contains(where: { $0.kind == .maxPool }) { pooled += 1 }
    }
    #expect(compared > 60)
    #expect(pooled > 40, "only \(pooled) compared segments hold a max pool")
  }

  /// The same on segments ending in a concat of the chain and a tensor in DRAM (YOLO's route
  /// of an upsampled tensor and an earlier layer's output): every tile reads all the DRAM
  /// tensor's channels once, whatever the chunks, and writes them beside the chain's.
  @Test func searchEqualsBruteForceWithAConcatOfADRAMTensor() throws {
    var random = SplitMix64(seed: 71)
    var compared = 0
    for _ in 0..<60 {
      var segment = SmallSegments.make(&random)
      segment.layers.append(
        SegmentWalkGenerator.concat(
          segment.output, dramChannels: Int.random(in: 1...3, using: &random), chainFirst: Bool.random(using: &random),
          index: segment.layers.count))
      if try Self.compareWithBruteForce(segment, using: &random) != nil { compared += 1 }
    }
    #expect(compared > 40)
  }

  /// The same with a concat inside the segment, a stage of its own held whole for the layer
  /// after it (a 1x1 or 3x3 convolution, a depthwise layer or a max pool): of the chain and a
  /// tensor in DRAM (YOLO's route before a convolution), or closing a fire module (the next
  /// fire module's squeeze after it). The chain's stage may be chunked, each chunk copied in.
  /// Chains of at most two layers before the concat, fire modules without a squeeze: brute
  /// force over six stages takes seconds a case.
  @Test func searchEqualsBruteForceWithAConcatInside() throws {
    var random = SplitMix64(seed: 79)
    var compared = 0
    var tiled = 0
    var chunked = 0
    for round in 0..<60 {
      var segment: FusedSegment
      if round % 2 == 0 {
        segment = SmallSegments.make(&random)
        segment.layers = Array(segment.layers.prefix(2))
        segment.layers.append(
          SegmentWalkGenerator.concat(
            segment.output, dramChannels: Int.random(in: 1...2, using: &random), chainFirst: Bool.random(using: &random),
            index: segment.layers.count))
      } else {
        segment = SmallSegments.fire(&random)
        guard segment.layers.count == 3 else { continue }
      }
      let concat = segment.layers.count - 1
      segment.layers.append(SmallSegments.reader(of: segment.output, using: &random))
      guard let found = try Self.compareWithBruteForce(segment, using: &random) else { continue }
      compared += 1
      let stages = segment.stageOfTensor
      #expect(found.tiling.chunks[stages[concat + 1]] == segment.layers[concat].output.channels)
      if found.tiling.rows * found.tiling.columns < segment.tiledShape.height * segment.tiledShape.width { tiled += 1 }
      if found.tiling.chunks[stages[concat]] < segment.stageChannels[stages[concat]] { chunked += 1 }
    }
    #expect(compared >= 25)
    #expect(tiled >= 5, "only \(tiled) optima tile the output")
    #expect(chunked >= 2, "only \(chunked) optima chunk the concat's chain")
  }

  /// The same on YOLO's upsampling path: a 1x1 convolution, an upsample by 2 or 3, then a 3x3
  /// convolution ("same"). Row bands of the upsample's output share an input row when the
  /// factor does not divide their height, and the 3x3 layer's halo reaches across them.
  @Test func searchEqualsBruteForceWithAnUpsample() throws {
    var random = SplitMix64(seed: 67)
    var compared = 0
    var tiled = 0
    for _ in 0..<40 {
      let input = TensorShape(
        channels: Int.random(in: 1...3, using: &random), height: Int.random(in: 1...3, using: &random),
        width: Int.random(in: 1...3, using: &random))
      let reduce = SegmentLayer(
        name: "reduce", kind: .mixing, input: input,
        output: TensorShape(channels: Int.random(in: 1...3, using: &random), height: input.height, width: input.width))
      let upsample = SegmentWalkGenerator.upsample(reduce.output, factor: Int.random(in: 2...3, using: &random), index: 1)
      let spread = SegmentLayer(
        name: "spread", kind: .mixing, input: upsample.output,
        output: TensorShape(
          channels: Int.random(in: 1...3, using: &random), height: upsample.output.height, width: upsample.output.width),
        kernel: Extent2D(square: 3), padding: Padding(top: 1, left: 1, bottom: 1, right: 1))
      let segment = FusedSegment(name: "up", input: input, inputName: "in", inputBits: 8, layers: [reduce, upsample, spread])
      guard let found = try Self.compareWithBruteForce(segment, using: &random) else { continue }
      compared += 1
      if found.tiling.rows < segment.tiledShape.height { tiled += 1 }
    }
    #expect(compared >= 25)
    #expect(tiled > 5, "only \(tiled) optima tile the rows")
  }

  /// The same on segments closing with a branch from the input into an add with the chain (the
  /// input held whole for both readers, the chain's last output held as the add's skip).
  @Test func searchEqualsBruteForceWithABranch() throws {
    var random = SplitMix64(seed: 59)
    var compared = 0
    var tiled = 0
    for _ in 0..<100 {
      var segment = SmallSegments.make(&random)
      guard let branch = SegmentWalkGenerator.branch(from: segment.input, to: segment.output, index: segment.layers.count)
      else { continue }
      let source = segment.layers.count - 1
      segment.layers.append(branch)
      segment.layers.append(
        SegmentLayer(name: "join", kind: .add, input: branch.output, output: branch.output, skip: .layer(source)))
      guard let found = try Self.compareWithBruteForce(segment, using: &random) else { continue }
      compared += 1
      if found.tiling.rows * found.tiling.columns < segment.tiledShape.height * segment.tiledShape.width { tiled += 1 }
      #expect(found.tiling.chunks[0] == segment.input.channels)
    }
    #expect(compared >= 30)
    #expect(tiled > 10, "only \(tiled) optima tile the output")
  }

  /// The same on fire modules (a squeeze, or none; two expands reading its output, the second a
  /// branch; a final concat, either operand first): the squeeze's stage held whole for both
  /// expands, the 1x1 expand's output held until the concat writes it.
  @Test func searchEqualsBruteForceWithAFireModule() throws {
    var random = SplitMix64(seed: 61)
    var compared = 0
    var tiled = 0
    var chunked = 0
    for _ in 0..<50 {
      let segment = SmallSegments.fire(&random)
      let source = segment.layers.count - 3
      let input = segment.input
      guard let found = try Self.compareWithBruteForce(segment, using: &random) else { continue }
      compared += 1
      if found.tiling.rows * found.tiling.columns < segment.tiledShape.height * segment.tiledShape.width { tiled += 1 }
      if found.tiling.chunks[segment.lastStage] < segment.stageChannels[segment.lastStage] { chunked += 1 }
      #expect(found.tiling.chunks[segment.stageOfTensor[source]] == segment.stageChannels[segment.stageOfTensor[source]])
      #expect(found.cost.traffic.outputWrites == segment.output.channels * input.height * input.width)
    }
    #expect(compared >= 25)
    #expect(tiled >= 5, "only \(tiled) optima tile the output")
    #expect(chunked >= 2, "only \(chunked) optima chunk the 3x3 expand")
  }

  /// A line buffer may sit on a pointwise layer's input (not only on a window's or a skip
  /// reader's): before an expanding 1x1, the narrow tensor is the cheap one to keep, and the
  /// halo the 3x3 after the expand needs is then recomputed by the expand alone. The search
  /// equals brute force at every buffer size, and the line buffer on the 1x1's input is the
  /// optimum at some of them (the case is reached, not only allowed).
  @Test func searchEqualsBruteForceWithALineBufferBeforeAPointwiseLayer() throws {
    let input = TensorShape(channels: 2, height: 5, width: 2)
    let narrow = TensorShape(channels: 2, height: 5, width: 2)
    let wide = TensorShape(channels: 4, height: 5, width: 2)
    let same = Padding(symmetric: 1, 1)
    let segment = FusedSegment(
      name: "expand", input: input, inputName: "in", inputBits: 8,
      layers: [
        SegmentLayer(name: "conv", kind: .mixing, input: input, output: narrow, kernel: Extent2D(square: 3), padding: same),
        SegmentLayer(name: "expand", kind: .mixing, input: narrow, output: wide),
        SegmentLayer(name: "dw", kind: .depthwise, input: wide, output: wide, kernel: Extent2D(square: 3), padding: same),
      ])
    let model = SegmentModel(segment: segment, psumWidth: 1)
    let untiled = try model.cost(of: .untiled(segment)).footprint
    var beforeThePointwise = 0
    for buffer in 4...untiled {
      let found = try SegmentSearch.best(segment, buffer: buffer, scan: .allowed)
      let brute = try SegmentSearch.bruteForce(segment, buffer: buffer, scan: .allowed)
      guard let found = Self.expectSameOptimum(found, brute, "expand at \(buffer)") else { continue }
      if found.tiling.lineBuffers[1] { beforeThePointwise += 1 }
    }
    #expect(beforeThePointwise > 0, "no optimum keeps a line buffer before the 1x1 layer")
  }

  /// The same with the two filters: a cutoff on bits (random, around the true optimum) and a
  /// cap on extra MACs (0, or random up to about twice the optimum's): the search finds what
  /// brute force finds among the schedules that pass them, or nothing when nothing does.
  @Test func filtersEqualBruteForce() throws {
    var random = SplitMix64(seed: 43)
    var compared = 0
    var excluded = 0
    for _ in 0..<60 {
      let segment = SmallSegments.make(&random)
      let untiled = try SegmentModel(segment: segment).cost(of: .untiled(segment)).footprint
      let buffer = Int.random(in: 4...max(5, untiled + 4), using: &random)
      let scan: ScanOption = Bool.random(using: &random) ? .allowed : .never
      guard let optimum = try SegmentSearch.bruteForce(segment, buffer: buffer, scan: scan)?.cost else { continue }
      let spread = max(2, optimum.bits / 4)
      let filters: [(cutoff: Int?, cap: Int?)] = [
        (Int.random(in: (optimum.bits - spread)...(optimum.bits + spread), using: &random), nil),
        (optimum.bits + Int.random(in: 0...1, using: &random), nil),
        (nil, 0),
        (nil, Int.random(in: 0...(2 * optimum.extraMACs + 2), using: &random)),
        (Int.random(in: (optimum.bits - spread)...(optimum.bits + 2 * spread), using: &random),
         Bool.random(using: &random) ? 0 : Int.random(in: 0...(2 * optimum.extraMACs + 2), using: &random)),
      ]
      for (cutoff, cap) in filters {
        let found = try SegmentSearch.best(segment, buffer: buffer, scan: scan, below: cutoff, maxExtraMACs: cap)
        let brute = try SegmentSearch.bruteForce(segment, buffer: buffer, scan: scan, below: cutoff, maxExtraMACs: cap)
        let context = "\(segment.layers.map(\.name)) \(segment.input) at \(buffer) below \(cutoff ?? -1) cap \(cap ?? -1)"
        #expect((found == nil) == (brute == nil), "\(context): search \(found.map { "\($0.tiling)" } ?? "nil"), brute force \(brute.map { "\($0.tiling)" } ?? "nil")")
        guard let found, let brute else {
          excluded += 1
          continue
        }
        compared += 1
        #expect(
          SegmentSearchRun.key(found.cost) == SegmentSearchRun.key(brute.cost),
          "\(context): search \(found.tiling) \(found.cost.bits)/\(found.cost.extraMACs), brute force \(brute.tiling) \(brute.cost.bits)/\(brute.cost.extraMACs)")
        #expect(found.cost.bits < cutoff ?? Int.max && found.cost.extraMACs <= cap ?? Int.max)
        #expect(found.cost.footprint <= buffer)
      }
    }
    // Both outcomes are exercised.
    #expect(compared > 120 && excluded > 50, "\(compared) compared, \(excluded) excluded")
  }
}

@Suite struct SegmentSearchCostTests {
  /// The search's closed-form evaluation equals `SegmentModel.cost` (bits, extra MACs,
  /// footprint) on random legal tilings of random small segments.
  @Test func closedFormEqualsModel() throws {
    var random = SplitMix64(seed: 47)
    var compared = 0
    for _ in 0..<300 {
      let segment = SmallSegments.make(&random)
      let model = SegmentModel(segment: segment, psumWidth: Int.random(in: 1...2, using: &random))
      for _ in 0..<20 {
        let tiling = SmallSegments.randomTiling(of: segment, lineBufferOneIn: 3, using: &random)
        if Self.closedFormAgrees(model, tiling) { compared += 1 }
      }
    }
    #expect(compared > 2000)
  }
}

extension SegmentSearchCostTests {
  /// The same on the chains of real networks (many channels: long chunk loops, several nests).
  @Test(arguments: ["mobilenetv2.yaml", "resnet50-cp.yaml"])
  func closedFormEqualsModelOnNetworks(file: String) throws {
    let analysis = try FusedGreedyPlannerTests.analysis(file, side: 32)
    let chains = FusionChains(analysis)
    var random = SplitMix64(seed: 53)
    var compared = 0
    for (_, segment) in chains.legalSegments(maxLength: 6, maxStages: .max) {
      let model = SegmentModel(segment: segment)
      for _ in 0..<10 {
        let layers = segment.layers.count
        let tiling = SegmentTiling(
          rows: Int.random(in: 1...segment.output.height, using: &random),
          columns: Bool.random(using: &random) ? segment.output.width : Int.random(in: 1...segment.output.width, using: &random),
          scan: Bool.random(using: &random),
          chunks: segment.stageChannels.map { Bool.random(using: &random) ? $0 : Int.random(in: 1...$0, using: &random) },
          resident: (0..<layers).map { _ in Bool.random(using: &random) },
          lineBuffers: (0..<layers).map { _ in Int.random(in: 0..<3, using: &random) == 0 })
        if Self.closedFormAgrees(model, tiling) { compared += 1 }
      }
    }
    #expect(compared > 300)
  }

  /// Bits and extra MACs never decrease with more chunks in any stage, a whole stage (one
  /// chunk) included: what the search's bounds and its pruning of chunk choices by their subsets
  /// rest on. The footprint never grows with more chunks of a chunked stage (`firstFitting`);
  /// from a whole stage it may (a whole input stage holds the segment input's skip for free). On
  /// the chains of a real network, by the model.
  @Test func moreChunksNeverCostLess() throws {
    let analysis = try FusedGreedyPlannerTests.analysis("mobilenetv2.yaml", side: 16)
    var random = SplitMix64(seed: 59)
    var (compared, fromWhole) = (0, 0)
    for (_, segment) in FusionChains(analysis).legalSegments(maxLength: 6, maxStages: .max) {
      let model = SegmentModel(segment: segment)
      for _ in 0..<8 {
        let layers = segment.layers.count
        var tiling = SegmentTiling(
          rows: Int.random(in: 1...segment.output.height, using: &random),
          columns: Int.random(in: 1...segment.output.width, using: &random), scan: Bool.random(using: &random),
          chunks: segment.stageChannels.map { Bool.random(using: &random) ? $0 : Int.random(in: 1...$0, using: &random) },
          resident: (0..<layers).map { _ in Bool.random(using: &random) },
          lineBuffers: Array(repeating: false, count: layers))
        guard let stage = segment.stageChannels.indices.filter({ tiling.chunks[$0] >= 2 }).randomElement(using: &random),
          let before = try? model.cost(of: tiling)
        else { continue }
        let whole = tiling.chunks[stage] >= segment.stageChannels[stage]
        tiling.chunks[stage] = Int.random(in: 1..<min(tiling.chunks[stage], segment.stageChannels[stage]), using: &random)
        guard let after = try? model.cost(of: tiling) else { continue }
        #expect(after.bits >= before.bits && after.extraMACs >= before.extraMACs, "\(segment.name) \(tiling) stage \(stage)")
        #expect(whole || after.footprint <= before.footprint, "\(segment.name) \(tiling) stage \(stage)")
        compared += 1
        if whole { fromWhole += 1 }
      }
    }
    #expect(compared > 300 && fromWhole > 100, "\(compared) compared, \(fromWhole) from a whole stage")
  }

  /// Whether the search's closed form gives the model's bits, extra MACs and footprint for a
  /// legal tiling (recorded as an issue when it does not); false for an illegal tiling.
  static func closedFormAgrees(_ model: SegmentModel, _ tiling: SegmentTiling) -> Bool {
    guard let cost = try? model.cost(of: tiling) else { return false }
    let segment = model.segment
    let rows = SegmentRegions.rows(segment, tileSize: tiling.rows, lineBuffers: tiling.lineBuffers)
    let columns = SegmentRegions.columns(segment, tileSize: tiling.columns)
    let fast = SegmentSearchCost(model: model, scan: tiling.scan, rows: rows, columns: columns).evaluate(tiling)
    #expect(
      fast.bits == cost.bits && fast.extraMACs == cost.extraMACs && fast.footprint == cost.footprint,
      "\(segment.name) \(segment.input) \(tiling): \(fast) vs \(cost.bits) \(cost.extraMACs) \(cost.footprint)")
    return true
  }
}

/// The residency bound the search prunes with: its knapsack is exact, and the bound is below
/// every schedule it claims to bound.
@Suite struct SegmentResidencyBoundTests {
  @Test func mostValueEqualsBruteForce() {
    var random = SplitMix64(seed: 59)
    for round in 0..<2000 {
      let count = Int.random(in: 0...9, using: &random)
      // Some values near the top of Int exercise the overflow-safe comparisons.
      let huge = round % 10 == 0
      let items = (0..<count).map { _ in
        (
          value: huge ? Int.random(in: 0...(Int.max / 16), using: &random) : Int.random(in: -5...1000, using: &random),
          size: Int.random(in: 0...300, using: &random)
        )
      }
      let capacity = Int.random(in: 0...900, using: &random)
      var best = 0
      for mask in 0..<(1 << count) {
        var value = 0
        var size = 0
        for bit in 0..<count where mask & (1 << bit) != 0 {
          value += items[bit].value
          size += items[bit].size
        }
        if size <= capacity { best = max(best, value) }
      }
      #expect(SegmentSearchRun.mostValue(items, capacity: capacity) == best, "\(items) in \(capacity)")
      // The decision the chunk search asks: whether some choice reaches a value, near the best.
      for value in [best - 1, best, best + 1, Int.random(in: -10...2000, using: &random)] {
        var copy = items
        let reached = copy.withUnsafeMutableBufferPointer { SegmentSearchRun.reaches($0, capacity: capacity, value: value) }
        #expect(reached == (best >= value), "\(items) in \(capacity) reaching \(value)")
      }
    }
  }

  /// For random schedules of random small segments: with fewer chunks than the schedule's
  /// counts and smaller chunk sizes than its sizes, the bound is at most the schedule's bits
  /// and extra MACs whenever the schedule fits, and nil only when it does not.
  @Test func residencyBoundIsBelowEverySchedule() throws {
    var random = SplitMix64(seed: 61)
    var checked = 0
    var binding = 0
    for _ in 0..<1000 {
      let segment = SmallSegments.make(&random)
      let model = SegmentModel(segment: segment, psumWidth: Int.random(in: 1...2, using: &random))
      let stages = segment.stageChannels
      for _ in 0..<20 {
        guard let (tiling, cost, rows, columns, evaluator) = SmallSegments.costedSchedule(of: model, using: &random) else { continue }
        var bounding = tiling
        var least = tiling
        for stage in stages.indices {
          // Half the time the schedule's own: the bound is then at its tightest.
          if Bool.random(using: &random) {
            bounding.chunks[stage] = Int.random(in: tiling.chunks[stage]...stages[stage], using: &random)
          }
          // A stage the schedule keeps whole stays whole, as in the search's structures: the
          // footprint shrinks with the chunk sizes only among schedules with the same whole
          // stages (a skip of the segment input is held for free only when stage 0 is whole).
          if Bool.random(using: &random) && tiling.chunks[stage] < stages[stage] {
            least.chunks[stage] = Int.random(in: 1...tiling.chunks[stage], using: &random)
          }
        }
        // Every weight the schedule keeps resident may be resident in the bound; others too.
        bounding.resident = tiling.resident.map { $0 || Bool.random(using: &random) }
        least.resident = least.resident.map { _ in false }
        let buffer = cost.footprint + Int.random(in: 0...50, using: &random)
        let run = SegmentSearchRun(model: model, buffer: buffer, scan: .allowed)
        let bound = run.residencyBound(bounding, least: least, evaluator: evaluator)
        // The search's test of the bound against a limit decides as the bound does.
        for _ in 0..<3 {
          let below = bound.map { ($0.0 + Int.random(in: -2...2, using: &random), $0.1 + Int.random(in: -1...1, using: &random)) }
          let limit = SegmentSearchRun.Limit(
            below: Bool.random(using: &random) ? below : nil, maxExtraMACs: Int.random(in: 0...2, using: &random) == 0 ? 0 : Int.max)
          #expect(
            run.residencyAdmits(bounding, least: least, evaluator: evaluator, limit: limit) == (bound.map(limit.admits) ?? false),
            "\(segment.name) \(tiling): bound \(String(describing: bound)) against \(limit)")
        }
        #expect(bound != nil, "\(segment.name) \(tiling) fits \(buffer) but the bound says nothing does; least \(least.chunks) of \(stages)")
        guard let bound else { continue }
        #expect(
          bound.0 <= cost.bits && bound.1 <= cost.extraMACs,
          "\(segment.name) \(tiling): bound \(bound) above \(cost.bits) \(cost.extraMACs)")
        checked += 1
        if bound.0 > evaluator.evaluate(bounding).bits { binding += 1 }
      }
    }
    // The knapsack decides something in a good share of the cases.
    #expect(checked > 8000 && binding > 150, "\(checked) checked, \(binding) where the knapsack raised the bound")
  }

  /// The structure test that skips a spatial tiling before its structures are built
  /// (`mayHaveStructure`) says no only when `structures` finds none, and never for the spatial
  /// tiling of a schedule that fits and beats the cut-off; and it does say no, often.
  @Test func structureTestRejectsOnlyTilingsWithoutStructures() throws {
    var random = SplitMix64(seed: 67)
    var rejected = 0
    var schedules = 0
    for _ in 0..<1000 {
      let segment = SmallSegments.make(&random)
      let model = SegmentModel(segment: segment, psumWidth: Int.random(in: 1...2, using: &random))
      for _ in 0..<20 {
        guard let (schedule, cost, rows, columns, evaluator) = SmallSegments.costedSchedule(of: model, using: &random) else {
          continue
        }
        // As the search has it: every weight that may be resident resident (here all of them).
        var spatial = schedule
        spatial.resident = spatial.resident.map { _ in true }
        let buffer = cost.footprint + Int.random(in: -20...20, using: &random)
        let cutoff = cost.bits + Int.random(in: -2...2, using: &random)
        let run = SegmentSearchRun(
          model: model, buffer: buffer, scan: .allowed, below: cutoff,
          maxExtraMACs: Int.random(in: 0..<4, using: &random) == 0 ? cost.extraMACs : nil)
        let may = run.mayHaveStructure(spatial, evaluator: evaluator)
        let structures = run.structures(of: spatial, rows: rows, columns: columns, evaluator: evaluator)
        #expect(may || structures.isEmpty, "\(segment.name) \(schedule) in \(buffer) below \(cutoff): \(structures.count) structures")
        if !may { rejected += 1 }
        if cost.footprint <= buffer && cost.bits < cutoff && run.promising(SegmentSearchRun.key(cost))
          && model.counts.holds(chunks: schedule.chunks)
        {
          schedules += 1
          #expect(may, "\(segment.name) \(schedule) fits \(buffer) below \(cutoff) but its spatial tiling was rejected")
        }
      }
    }
    #expect(rejected > 2000 && schedules > 2000, "\(rejected) rejected, \(schedules) schedules below the cut-off")
  }
}
