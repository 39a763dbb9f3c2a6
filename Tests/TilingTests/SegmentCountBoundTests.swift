import Networks
import Testing

@testable import Tiling
import TestSupport

/// `SegmentCountBound`: schedules whose counts could pass 2^62 are not legal, the searches
/// skip them exactly, and no segment of a real network loses its whole-stage schedules.
@Suite struct SegmentCountBoundTests {
  static func segments(_ yaml: String, maxLength: Int = 8) throws -> [FusedSegment] {
    let analysis = try NetworkFormat.yaml.parse(yaml, file: "bound.yaml").analyze()
    return FusionChains(analysis).legalSegments(maxLength: maxLength, maxStages: .max).map(\.segment)
  }

  /// Every segment the sweep considers at the default limits of every bundled network, at its
  /// own resolution and at 1024x1024 and 4096x4096 inputs, is a candidate (its schedules with
  /// every stage whole are legal); at its own resolution, up to 8 layers and 3 stages, every
  /// schedule is.
  @Test(arguments: LayerWorkloadTests.bundled)
  func bundledSegmentsAreCandidates(file: String) throws {
    var network = try NetworkFormat.load(path: packageRoot.appendingPathComponent("nets/\(file)").path)
    for side in [nil, 1024, 4096] {
      if let side {
        for index in network.inputs.indices {
          network.inputs[index].shape.height = side
          network.inputs[index].shape.width = side
        }
      }
      let chains = FusionChains(try network.analyze())
      let place = "\(file) at \(side.map(String.init) ?? "its size")"
      for (_, segment) in chains.legalSegments(maxLength: SegmentLimits.defaultLength, maxStages: SegmentLimits.defaultStages) {
        let bound = SegmentCountBound(segment: segment)
        #expect(bound.holds(chunks: segment.stageChannels), "\(place): \(segment.name)")
        if side == nil && segment.layers.count <= 8 && segment.stageChannels.count <= 3 {
          #expect(bound.everyScheduleFits, "\(place): \(segment.name)")
        }
      }
    }
  }

  /// The bound holds: on small segments it is at least the bits, MACs and extra MACs of every
  /// schedule the exhaustive search visits, chunk sizes included.
  @Test func theBoundCoversTheModelsCounts() throws {
    let yaml = """
      input: [3, 9, 7]
      layers:
        - {op: conv, out: 4, kernel: 1}
        - {op: depthwise, kernel: 3, stride: 2, padding: 1}
        - {op: conv, out: 2, kernel: 1}
        - {op: depthwise, kernel: [3, 1], padding: [1, 0]}
      """
    var checked = 0
    for segment in try Self.segments(yaml) where segment.layers.count >= 2 {
      let model = SegmentModel(segment: segment, psumWidth: 2)
      let chunkChoices = segment.stageChannels.reduce([[Int]]([[]])) { partial, channels in
        partial.flatMap { prefix in (1...channels).map { prefix + [$0] } }
      }
      for chunks in chunkChoices {
        let bound = try #require(model.counts.bound(chunks: chunks))
        for rows in 1...segment.output.height {
          for columns in 1...segment.output.width {
            let tiling = SegmentTiling(
              rows: rows, columns: columns, scan: false, chunks: chunks, resident: segment.layers.map { _ in false },
              lineBuffers: segment.layers.map { _ in false })
            guard let cost = try? model.cost(of: tiling) else { continue }
            #expect(cost.bits <= bound && cost.macs <= bound && cost.extraMACs <= bound, "\(segment.name) \(tiling)")
            checked += 1
          }
        }
      }
    }
    #expect(checked > 1000)
  }

  /// With the count limit lowered below the largest term of the optimum (when that is chunked
  /// more than the whole-stage schedules allow, which stay legal), the search still equals brute
  /// force over the legal schedules, and the optimum changes.
  @Test func searchEqualsBruteForceUnderACountLimit() throws {
    var random = SplitMix64(seed: 67)
    var compared = 0
    var changed = 0
    for _ in 0..<400 {
      let segment = SmallSegments.make(&random)
      let free = SegmentModel(segment: segment)
      // Only segments where chunks can raise a term: the others have nothing to rule out.
      guard let finest = free.counts.termBounds(chunks: segment.stageChannels.map { _ in 1 })?.max(),
        finest > free.counts.termBounds(chunks: segment.stageChannels)?.max() ?? Int.max
      else { continue }
      let untiled = try free.cost(of: .untiled(segment)).footprint
      // Small buffers: the optima cut stages into chunks.
      let buffer = Int.random(in: 4...max(5, untiled / 2), using: &random)
      // (The search equals brute force without a limit: SegmentSearchTests.)
      guard let unlimited = SegmentSearch.best(free, buffer: buffer, scan: .allowed, below: nil, maxExtraMACs: nil),
        let whole = free.counts.termBounds(chunks: segment.stageChannels)?.max(),
        let optimum = free.counts.termBounds(chunks: unlimited.tiling.chunks)?.max(), optimum > whole
      else { continue }
      let termLimit = Int.random(in: whole..<optimum, using: &random)
      let model = SegmentModel(segment: segment, psumWidth: 1, largestCount: termLimit * (2 + 3 * segment.layers.count))
      // The searches' quick test agrees with the term bounds on every choice of chunks.
      let chunkChoices = segment.stageChannels.reduce([[Int]]([[]])) { partial, channels in
        partial.flatMap { prefix in (1...channels).map { prefix + [$0] } }
      }
      for chunks in chunkChoices {
        #expect(model.counts.holds(chunks: chunks) == (model.counts.termBounds(chunks: chunks) != nil), "\(chunks)")
      }
      let found = SegmentSearch.best(model, buffer: buffer, scan: .allowed, below: nil, maxExtraMACs: nil)
      let brute = SegmentSearch.bruteForce(model, buffer: buffer, scan: .allowed, below: nil, maxExtraMACs: nil)
      let place = "\(segment.layers.map(\.name)) \(segment.input) at \(buffer) limit \(termLimit)"
      guard let found = SegmentSearchTests.expectSameOptimum(found, brute, place), let brute else { continue }
      compared += 1
      #expect(model.counts.holds(chunks: found.tiling.chunks))
      #expect(try model.cost(of: found.tiling) == found.cost)
      if SegmentSearchRun.key(unlimited.cost) < SegmentSearchRun.key(brute.cost) { changed += 1 }
    }
    #expect(compared > 20 && changed > 15, "\(compared) compared, \(changed) optima changed by the limit")
  }

  /// Seven stages of 1024 channels over a 64x64 image: the whole-stage schedules count little,
  /// but streaming the last layer's weights once per chunk of five stages cut into single
  /// channels would pass 2^80 bits. The search finds a legal schedule without trapping, and
  /// the model refuses the finest one with a reason.
  @Test func finelyCutLongSegmentsAreSearchedWithinTheLimit() throws {
    let yaml = """
      input: [1024, 64, 64]
      layers:
      \((0..<6).map { _ in "  - {op: conv, out: 1024, kernel: 1}" }.joined(separator: "\n"))
      """
    let segment = try #require(try Self.segments(yaml).first { $0.layers.count == 6 })
    let model = SegmentModel(segment: segment)
    #expect(!model.counts.everyScheduleFits)
    #expect(model.counts.holds(chunks: segment.stageChannels))
    let finest = SegmentTiling(
      rows: 1, columns: 1, scan: false, chunks: segment.stageChannels.map { _ in 1 }, resident: segment.layers.map { _ in false },
      lineBuffers: segment.layers.map { _ in false })
    #expect(model.counts.bound(chunks: finest.chunks) == nil)
    #expect(throws: FusionError.self) { try model.cost(of: finest) }
    let found = try #require(try SegmentSearch.best(segment, buffer: 64 * 1024))
    #expect(model.counts.holds(chunks: found.tiling.chunks))
    #expect(try model.cost(of: found.tiling) == found.cost)
  }

  /// Two 1447x1447 depthwise layers over a 4096x4096 image are within every limit, but a
  /// schedule with 1x1 tiles would recompute about 2^68 MACs: not fused, not a trap.
  @Test func hugeStackedKernelsAreNotFused() throws {
    let yaml = """
      input: [1, 4096, 4096]
      layers:
        - {op: depthwise, kernel: 1447, padding: 723}
        - {op: depthwise, kernel: 1447, padding: 723}
      """
    let segment = try #require(try Self.segments(yaml).first { $0.layers.count == 2 })
    #expect(!SegmentCountBound(segment: segment).basesFit)
    #expect(try SegmentSearch.best(segment, buffer: Limits.bufferEntries) == nil)
    let tiling = SegmentTiling(
      rows: 1, columns: 1, scan: false, chunks: [1], resident: [true, true], lineBuffers: [false, false])
    #expect(throws: FusionError.self) { try SegmentModel(segment: segment, psumWidth: 1).cost(of: tiling) }
  }
}
