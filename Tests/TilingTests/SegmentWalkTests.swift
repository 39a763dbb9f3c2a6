import Networks
import Testing

@testable import Tiling
import TestSupport

@Suite struct SegmentWalkTests {
  /// Closed form == walk, operand by operand, bits, MACs and footprint, on random chains and
  /// tilings; no schedule goes below the floor. Counters make sure the cases reach every part
  /// of the model.
  @Test func closedFormEqualsTheWalk() throws {
    var random = SplitMix64(seed: 0x5E6_0001)
    var seen: [String: Int] = [:]
    var checked = 0
    while checked < 2000 {
      let segment = SegmentWalkGenerator.segment(using: &random)
      let tiling = SegmentWalkGenerator.tiling(for: segment, using: &random)
      let model = SegmentModel(segment: segment, psumWidth: 2)
      guard (try? model.validate(tiling)) != nil else { continue }
      checked += 1
      let closed = try model.cost(of: tiling)
      let walk = SegmentWalk(segment: segment, tiling: tiling, psumWidth: 2).cost()
      let context = "\(SegmentWalkGenerator.describe(segment)) | \(tiling)"
      #expect(closed.traffic.inputReads == walk.traffic.inputReads, "input \(context)")
      #expect(closed.traffic.skipReads == walk.traffic.skipReads, "skip \(context)")
      #expect(closed.traffic.weightReads == walk.traffic.weightReads, "weights \(context)")
      #expect(closed.traffic.outputWrites == walk.traffic.outputWrites, "output \(context)")
      #expect(closed.bits == walk.bits, "bits \(context)")
      #expect(closed.macs == walk.macs, "macs \(context)")
      #expect(closed.haloMACs == walk.haloMACs, "halo \(context)")
      #expect(closed.chunkMACs == walk.chunkMACs, "chunk \(context)")
      #expect(closed.footprint == walk.footprint, "footprint \(context)")
      let floor = model.floor
      #expect(walk.traffic.total >= floor.entries, "floor \(context)")
      #expect(walk.bits >= floor.bits, "floor bits \(context)")
      count(segment, tiling, walk, into: &seen)
    }
    for feature in [
      "halo", "chunk", "line buffer", "skip from DRAM", "input skip free", "input skip read", "snake", "global pool",
      "global pool over chunks", "max pool halo", "max pool behind a line buffer", "branch over tiles",
      "branch with streamed weights", "skip behind a line buffer", "input skip kept by a line buffer",
      "concat over tiles", "concat over chunks", "branch from an on-chip tensor", "on-chip branch into an add",
      "upsample over tiles", "concat of a DRAM tensor over tiles",
    ] + SegmentWalkGenerator.innerConcatFeatureNames {
      #expect(seen[feature, default: 0] >= 25, "only \(seen[feature, default: 0]) cases with \(feature)")
    }
  }

  private func count(_ segment: FusedSegment, _ tiling: SegmentTiling, _ cost: SegmentCost, into seen: inout [String: Int]) {
    let readsInput = segment.addsReadInput
    let features = [
      "halo": cost.haloMACs > 0, "chunk": cost.chunkMACs > 0, "line buffer": tiling.lineBuffers.contains(true),
      "skip from DRAM": cost.traffic.totalSkipReads > 0, "input skip free": readsInput && cost.traffic.totalSkipReads == 0,
      "input skip read": segment.layers.indices.contains { segment.layers[$0].skip == .segmentInput && cost.traffic.skipReads[$0] > 0 },
      "snake": tiling.scan && tiling.columns < segment.tiledShape.width && tiling.rows < segment.tiledShape.height,
      "global pool": segment.endsInGlobalPool && tiling.rows * tiling.columns < segment.tiledShape.height * segment.tiledShape.width,
      "global pool over chunks": segment.endsInGlobalPool && tiling.chunks[tiling.chunks.count - 1] < segment.output.channels,
      // A max pool's overlapping windows across tiles (it counts no MACs: only the regions show it).
      "max pool halo": segment.layers.contains { $0.kind == .maxPool && $0.kernel.height > $0.stride.height }
        && tiling.rows < segment.tiledShape.height,
      "max pool behind a line buffer": segment.layers.indices.contains {
        segment.layers[$0].kind == .maxPool && tiling.lineBuffers[$0]
      },
      "branch over tiles": !segment.branchSources.isEmpty
        && tiling.rows * tiling.columns < segment.tiledShape.height * segment.tiledShape.width,
      "branch with streamed weights": segment.layers.indices.contains {
        segment.layers[$0].branchFrom != nil && !tiling.resident[$0]
      },
      // A fire module: a branch from an on-chip tensor into a final concat, over tiles and over
      // chunks of the last stage (the chain's part of the output written chunk by chunk).
      // Row bands of an upsample's output, some of whose edges fall inside an input row.
      "upsample over tiles": segment.layers.contains { $0.kind == .upsample } && tiling.rows < segment.tiledShape.height,
      "concat of a DRAM tensor over tiles": segment.endsInConcat && cost.traffic.totalSkipReads > 0
        && tiling.rows * tiling.columns < segment.tiledShape.height * segment.tiledShape.width,
      "concat over tiles": segment.endsInConcat && tiling.rows * tiling.columns < segment.tiledShape.height * segment.tiledShape.width,
      "concat over chunks": segment.endsInConcat && tiling.chunks[tiling.chunks.count - 1] < segment.stageChannels[segment.lastStage],
      "branch from an on-chip tensor": segment.branchSources.contains { $0 >= 1 },
      "on-chip branch into an add": segment.layers.contains { $0.kind == .add } && segment.branchSources.contains { $0 >= 1 }
        && tiling.rows * tiling.columns < segment.tiledShape.height * segment.tiledShape.width,
      // A line buffer on a tensor an add reads as its skip, over several row bands.
      "skip behind a line buffer": tiling.rows < segment.tiledShape.height && segment.layers.contains {
        if case .layer(let source)? = $0.skip { tiling.lineBuffers[source + 1] } else { false }
      },
      // The segment input's line buffer keeping the rows an add reads, read free of DRAM.
      "input skip kept by a line buffer": tiling.lineBuffers[0] && tiling.rows < segment.tiledShape.height
        && !segment.layers.indices.contains { segment.layers[$0].skip == .segmentInput && cost.traffic.skipReads[$0] > 0 },
    ]
    for (feature, present) in features.merging(SegmentWalkGenerator.innerConcatFeatures(segment, tiling), uniquingKeysWith: { $0 || $1 })
    where present {
      seen[feature, default: 0] += 1
    }
  }

  /// Depthwise 3x3 (padding 1) then pointwise 1 -> 2 on a 1x6x6 input, in bands of 2 output rows.
  /// The depthwise layer computes only the band's 2 rows (the pointwise layer needs no halo), so
  /// its input windows are rows 0-2, 1-4 and 3-5: the input slides, loading 3, 2 and 1 new rows
  /// of 6 (18 + 12 + 6 = 36, the input once). Weights resident: 9 + 2. Output 2x6x6 = 72 in
  /// three writes of 2 x 2 x 6. MACs: depthwise 36 pixels x 9, pointwise 36 x 2: 396, no
  /// recompute. Footprint: input 4 rows x 6 = 24, depthwise output 2 x 6 = 12, pointwise
  /// output 2 x 2 x 6 = 24, weights 11: 71.
  @Test func depthwiseThenPointwiseSlidesOverTheInput() throws {
    let input = TensorShape(channels: 1, height: 6, width: 6)
    let depthwise = Self.depthwise(input, name: "dw")
    let segment = Self.segment(input, [depthwise, Self.mixing(depthwise.output, channels: 2, name: "pw")])
    let tiling = SegmentTiling(
      rows: 2, columns: 6, scan: false, chunks: [1, 2], resident: [true, true], lineBuffers: [false, false])
    let walk = SegmentWalk(segment: segment, tiling: tiling)
    let inputs = walk.transfers().filter { $0.operand == .input }
    #expect(inputs.map(\.rows) == [[0, 1, 2], [1, 2, 3, 4], [3, 4, 5]])
    #expect(inputs.map(\.entries) == [18, 12, 6])
    let outputs = walk.transfers().filter { $0.operand == .output }
    #expect(outputs.map(\.entries) == [24, 24, 24] && outputs.allSatisfy { $0.channels == 0..<2 && $0.direction == .write })
    let expected = SegmentCost(
      traffic: SegmentTraffic(inputReads: 36, skipReads: [0, 0], weightReads: [9, 2], outputWrites: 72),
      bits: 36 * 8 + 11 * 4 + 72 * 8, footprint: 71, macs: 396, haloMACs: 0, chunkMACs: 0)
    #expect(walk.cost() == expected)
    #expect(try SegmentModel(segment: segment).cost(of: tiling) == expected)
  }

  /// A pointwise layer 1 -> 2 on 1x3x1, then an upsample by 2 (2x6x1), in bands of 3 output
  /// rows. Band 0 (rows 0-2) copies input rows 0, 0, 1 and band 1 (rows 3-5) rows 1, 2, 2: both
  /// need row 1 of the pointwise output, which is computed twice (rows 0-1, then 1-2: 8 MACs,
  /// 2 of them halo) from input rows 0-1 then 1-2, which slide: 2 + 1 = 3 read, the input once.
  /// Weights 2 (4 bits), output 12 in two writes of 6. Footprint: input 2, weights 2,
  /// pointwise output 2 channels x 2 rows = 4, upsample output 2 x 3 = 6: 14.
  @Test func anUpsampleBandSharesAnInputRowWithTheNext() throws {
    let input = TensorShape(channels: 1, height: 3, width: 1)
    let pointwise = Self.mixing(input, channels: 2, name: "pw")
    let upsample = SegmentLayer(
      name: "up", kind: .upsample, input: pointwise.output, output: TensorShape(channels: 2, height: 6, width: 1),
      stride: Extent2D(square: 2))
    let segment = Self.segment(input, [pointwise, upsample])
    let tiling = SegmentTiling(rows: 3, columns: 1, scan: false, chunks: [1, 2], resident: [true, true], lineBuffers: [false, false])
    let walk = SegmentWalk(segment: segment, tiling: tiling)
    let inputs = walk.transfers().filter { $0.operand == .input }
    #expect(inputs.map(\.rows) == [[0, 1], [1, 2]])
    #expect(inputs.map(\.entries) == [2, 1])
    #expect(walk.transfers().filter { $0.operand == .output }.map(\.entries) == [6, 6])
    let expected = SegmentCost(
      traffic: SegmentTraffic(inputReads: 3, skipReads: [0, 0], weightReads: [2, 0], outputWrites: 12),
      bits: 3 * 8 + 2 * 4 + 12 * 8, footprint: 14, macs: 8, haloMACs: 2, chunkMACs: 0)
    #expect(walk.cost() == expected)
    #expect(try SegmentModel(segment: segment).cost(of: tiling) == expected)
  }

  /// A fire module on 1x4x4, in bands of 2 rows: squeeze 1 -> 1, expands 1 -> 2 (1x1) and
  /// 1 -> 2 (3x3, padding 1, a branch from the squeeze's output), concat of the two (the 1x1's
  /// channels first). The squeeze's output is what both expands read: rows 0-1 for the 1x1 and
  /// 0-2 then 1-3 for the 3x3, so the squeeze computes rows 0-2 then 1-3 (24 MACs, 8 of them
  /// halo) from input rows 0-2 then 1-3, which slide: 12 + 4 = 16 read, the input once.
  /// Expands: 16 pixels x 2 = 32 and 16 x 2 x 9 = 288 MACs. Weights resident: 1 + 2 + 18 = 21.
  /// The output, 4 x 16 = 64, goes out per band as the 1x1's channels 0-1 then the 3x3's 2-3
  /// (16 entries each); the concat holds nothing. Footprint: input 3 rows x 4 = 12, weights 21,
  /// squeeze output 3 x 4 = 12, expands 2 x 2 x 4 = 16 each: 77. Layer by layer the same four
  /// layers move 277 entries (the concat alone reads and writes 64 each).
  @Test func aFireModuleKeepsTheSqueezeForBothExpands() throws {
    let input = TensorShape(channels: 1, height: 4, width: 4)
    let squeeze = Self.mixing(input, channels: 1, name: "squeeze")
    let narrow = Self.mixing(squeeze.output, channels: 2, name: "expand1x1")
    let wide = SegmentLayer(
      name: "expand3x3", kind: .mixing, input: squeeze.output, output: narrow.output, kernel: Extent2D(square: 3),
      padding: Padding(symmetric: 1, 1), branchFrom: 1, weightBits: 4)
    let concat = SegmentLayer(
      name: "cat", kind: .concat, input: wide.output, output: TensorShape(channels: 4, height: 4, width: 4), skip: .layer(1))
    let segment = Self.segment(input, [squeeze, narrow, wide, concat])
    let tiling = SegmentTiling(
      rows: 2, columns: 4, scan: false, chunks: [1, 1, 2, 2], resident: [true, true, true, true],
      lineBuffers: [false, false, false, false])
    let walk = SegmentWalk(segment: segment, tiling: tiling)
    let inputs = walk.transfers().filter { $0.operand == .input }
    #expect(inputs.map(\.rows) == [[0, 1, 2], [1, 2, 3]] && inputs.map(\.entries) == [12, 4])
    let outputs = walk.transfers().filter { $0.operand == .output }
    #expect(outputs.map(\.channels) == [0..<2, 2..<4, 0..<2, 2..<4] && outputs.allSatisfy { $0.entries == 16 })
    let expected = SegmentCost(
      traffic: SegmentTraffic(inputReads: 16, skipReads: [0, 0, 0, 0], weightReads: [1, 2, 18, 0], outputWrites: 64),
      bits: 16 * 8 + 21 * 4 + 64 * 8, footprint: 77, macs: 344, haloMACs: 8, chunkMACs: 0)
    #expect(walk.cost() == expected)
    #expect(try SegmentModel(segment: segment).cost(of: tiling) == expected)
    // The squeeze's output, read by both expands, keeps no line buffer.
    var lined = tiling
    lined.lineBuffers[1] = true
    #expect(throws: FusionError.self) { try SegmentModel(segment: segment).cost(of: lined) }
  }

  /// A concat inside a segment (docs/fusion-model.md, "A concat inside a segment"): on 1x2x4,
  /// a 1x1 convolution 1 -> 1, a concat with a 1-channel tensor in DRAM (the DRAM tensor
  /// first), a 3x3 convolution ("same") 2 -> 1, in bands of 1 row, every stage whole, weights
  /// resident. Both bands need rows 0-1 of the concat: the 1x1 computes them twice (16 MACs, 8
  /// halo), the input and the DRAM tensor are read once (8 each: the second band's tiles are
  /// held). Traffic 8 + 8 + 19 weights + 8 output = 43; footprint input 8, weights 19, the 1x1's
  /// output 8, the DRAM tile 8, the concat 2 x 8 = 16, the output 4: 63. With a line buffer on
  /// the 3x3's input the second band computes nothing below it (no halo MACs), and the buffer
  /// keeps the concat's 2 rows x 4 x 2 channels besides.
  @Test func aConcatInsideHoldsItsOutputForTheNextLayer() throws {
    let input = TensorShape(channels: 1, height: 2, width: 4)
    let reduce = Self.mixing(input, channels: 1, name: "reduce")
    let route = SegmentLayer(
      name: "route", kind: .concat, input: reduce.output, output: TensorShape(channels: 2, height: 2, width: 4),
      skip: .external(name: "earlier", bits: 8))
    let spread = SegmentLayer(
      name: "spread", kind: .mixing, input: route.output, output: input, kernel: Extent2D(square: 3),
      padding: Padding(symmetric: 1, 1), weightBits: 4)
    let segment = Self.segment(input, [reduce, route, spread])
    #expect(segment.stageChannels == [1, 1, 2, 1] && segment.wholeStages == [2])
    var tiling = SegmentTiling(
      rows: 1, columns: 4, scan: false, chunks: [1, 1, 2, 1], resident: [true, true, true],
      lineBuffers: [false, false, false])
    let walk = SegmentWalk(segment: segment, tiling: tiling)
    let skips = walk.transfers().filter { $0.operand == .skip(layer: 1) }
    #expect(skips.map(\.rows) == [[0, 1]] && skips.map(\.channels) == [0..<1] && skips.map(\.entries) == [8])
    let traffic = SegmentTraffic(inputReads: 8, skipReads: [0, 8, 0], weightReads: [1, 0, 18], outputWrites: 8)
    let expected = SegmentCost(
      traffic: traffic, bits: 8 * 8 + 8 * 8 + 19 * 4 + 8 * 8, footprint: 63, macs: 160, haloMACs: 8, chunkMACs: 0)
    #expect(walk.cost() == expected)
    #expect(try SegmentModel(segment: segment).cost(of: tiling) == expected)
    tiling.lineBuffers[2] = true
    let lined = SegmentCost(
      traffic: traffic, bits: expected.bits, footprint: 63 + 16, macs: 152, haloMACs: 0, chunkMACs: 0)
    #expect(SegmentWalk(segment: segment, tiling: tiling).cost() == lined)
    #expect(try SegmentModel(segment: segment).cost(of: tiling) == lined)
    // The concat's stage is whole, always.
    tiling.chunks[2] = 1
    #expect(throws: FusionError.self) { try SegmentModel(segment: segment).cost(of: tiling) }
  }

  /// Pointwise 1 -> 2 then depthwise 3x3 (padding 1) on 1x6x6, bands of 2 rows. The pointwise
  /// output is the depthwise layer's window: rows 0-2, 1-4, 3-5 (10 rows of 6 instead of 6).
  /// Recomputed: pointwise MACs 2 x 60 = 120, 48 of them halo; depthwise 2 x 9 x 36 = 648.
  /// Input (what the pointwise layer computes) 18 + 12 + 6 = 36. Footprint: input 4 x 6 = 24,
  /// pointwise output 2 x 4 x 6 = 48, depthwise output 2 x 2 x 6 = 24, weights 2 + 18: 116.
  /// With a line buffer on the depthwise input: the pointwise layer computes rows 0-2, 3-4, 5
  /// (72 MACs, no halo) and keeps rows 1-2 then 3-4; input reads are still 36, footprint
  /// 18 + 36 + 24 + (2 rows x 6 x 2 channels = 24) + 20 = 122.
  @Test func pointwiseThenDepthwiseRecomputesOrKeepsLines() throws {
    let input = TensorShape(channels: 1, height: 6, width: 6)
    let pointwise = Self.mixing(input, channels: 2, name: "pw")
    let segment = Self.segment(input, [pointwise, Self.depthwise(pointwise.output, name: "dw")])
    var tiling = SegmentTiling(
      rows: 2, columns: 6, scan: false, chunks: [1, 2], resident: [true, true], lineBuffers: [false, false])
    let traffic = SegmentTraffic(inputReads: 36, skipReads: [0, 0], weightReads: [2, 18], outputWrites: 72)
    let bits = 36 * 8 + 20 * 4 + 72 * 8
    let recomputed = SegmentCost(traffic: traffic, bits: bits, footprint: 116, macs: 768, haloMACs: 48, chunkMACs: 0)
    #expect(SegmentWalk(segment: segment, tiling: tiling).cost() == recomputed)
    #expect(try SegmentModel(segment: segment).cost(of: tiling) == recomputed)
    tiling.lineBuffers = [false, true]
    let kept = SegmentCost(traffic: traffic, bits: bits, footprint: 122, macs: 720, haloMACs: 0, chunkMACs: 0)
    #expect(SegmentWalk(segment: segment, tiling: tiling).cost() == kept)
    #expect(try SegmentModel(segment: segment).cost(of: tiling) == kept)
    let inputs = SegmentWalk(segment: segment, tiling: tiling).transfers().filter { $0.operand == .input }
    #expect(inputs.map(\.rows) == [[0, 1, 2], [3, 4], [5]])
  }

  /// Pointwise 1 -> 2, depthwise 3x3 (padding 1), add the pointwise output (on chip), on 1x6x6,
  /// bands of 2 rows: the pointwise test above with an add that needs the band's own rows of the
  /// pointwise output, which the depthwise window already covers. Recomputing, the same figures
  /// (the add writes over the depthwise output, in place). With a line buffer on the depthwise
  /// input, which the add also reads, the pointwise layer computes rows 0-2, 3-4 and 5 once
  /// each; the second band's add reads row 2, and the third's row 4, from the line buffer. The
  /// same figures as keeping lines without the add: MACs 720, no halo, footprint 122.
  @Test func aLineBufferKeepsTheRowsAnAddReadsAsItsSkip() throws {
    let input = TensorShape(channels: 1, height: 6, width: 6)
    let pointwise = Self.mixing(input, channels: 2, name: "pw")
    let depthwise = Self.depthwise(pointwise.output, name: "dw")
    let add = SegmentLayer(name: "add", kind: .add, input: depthwise.output, output: depthwise.output, skip: .layer(0))
    let segment = Self.segment(input, [pointwise, depthwise, add])
    var tiling = SegmentTiling(
      rows: 2, columns: 6, scan: false, chunks: [1, 2], resident: [true, true, true], lineBuffers: [false, false, false])
    let traffic = SegmentTraffic(inputReads: 36, skipReads: [0, 0, 0], weightReads: [2, 18, 0], outputWrites: 72)
    let bits = 36 * 8 + 20 * 4 + 72 * 8
    let recomputed = SegmentCost(traffic: traffic, bits: bits, footprint: 116, macs: 768, haloMACs: 48, chunkMACs: 0)
    #expect(SegmentWalk(segment: segment, tiling: tiling).cost() == recomputed)
    #expect(try SegmentModel(segment: segment).cost(of: tiling) == recomputed)
    tiling.lineBuffers = [false, true, false]
    let kept = SegmentCost(traffic: traffic, bits: bits, footprint: 122, macs: 720, haloMACs: 0, chunkMACs: 0)
    #expect(SegmentWalk(segment: segment, tiling: tiling).cost() == kept)
    #expect(try SegmentModel(segment: segment).cost(of: tiling) == kept)
    #expect(SegmentSpatialTilings.lineBufferCandidates(segment) == [1])
  }

  /// Pointwise 1 -> 1, depthwise 3x3 (padding 1), add the segment input, on 1x6x6, bands of 2
  /// rows, stage 0 whole. Recomputing, each band's input region (rows 0-2, 1-4, 3-5) covers the
  /// add's (0-1, 2-3, 4-5): the skip is free. Input 36, MACs pointwise 60 (24 halo) + depthwise
  /// 324; footprint input 24 + pointwise output 24 + depthwise output 12 + weights 10 = 70.
  /// With a line buffer on the depthwise input the pointwise layer, hence the input, covers rows
  /// 0-2, 3-4, 5: the second band's add needs row 2, which the input slot no longer holds, so
  /// the skip comes from DRAM for every band: 3 x 12 = 36 more entries. MACs 36 + 324; footprint
  /// input 18 + pointwise output 18 + depthwise output 12 + line buffer (rows 1-2, then 3-4)
  /// 12 + skip slot 12 + weights 10 = 82. With a line buffer on the segment input too, its held
  /// rows cover the add's: rows 0-2, 2-4, 4-5 (3, 2 and 1 new rows: the input once), the skip
  /// free again, no halo: footprint 82 - 12 = 70, MACs 360.
  @Test func aLineBufferCanMoveTheSkipToDRAM() throws {
    let input = TensorShape(channels: 1, height: 6, width: 6)
    let pointwise = Self.mixing(input, channels: 1, name: "pw")
    let add = SegmentLayer(name: "add", kind: .add, input: input, output: input, skip: .segmentInput)
    let segment = Self.segment(input, [pointwise, Self.depthwise(input, name: "dw"), add])
    var tiling = SegmentTiling(
      rows: 2, columns: 6, scan: false, chunks: [1, 1], resident: [true, true, true], lineBuffers: [false, false, false])
    let free = SegmentCost(
      traffic: SegmentTraffic(inputReads: 36, skipReads: [0, 0, 0], weightReads: [1, 9, 0], outputWrites: 36),
      bits: 36 * 8 + 10 * 4 + 36 * 8, footprint: 70, macs: 384, haloMACs: 24, chunkMACs: 0)
    #expect(SegmentWalk(segment: segment, tiling: tiling).cost() == free)
    #expect(try SegmentModel(segment: segment).cost(of: tiling) == free)
    tiling.lineBuffers = [false, true, false]
    let read = SegmentCost(
      traffic: SegmentTraffic(inputReads: 36, skipReads: [0, 0, 36], weightReads: [1, 9, 0], outputWrites: 36),
      bits: 72 * 8 + 10 * 4 + 36 * 8, footprint: 82, macs: 360, haloMACs: 0, chunkMACs: 0)
    #expect(SegmentWalk(segment: segment, tiling: tiling).cost() == read)
    #expect(try SegmentModel(segment: segment).cost(of: tiling) == read)
    tiling.lineBuffers = [true, true, false]
    let kept = SegmentCost(traffic: free.traffic, bits: free.bits, footprint: 70, macs: 360, haloMACs: 0, chunkMACs: 0)
    #expect(SegmentWalk(segment: segment, tiling: tiling).cost() == kept)
    #expect(try SegmentModel(segment: segment).cost(of: tiling) == kept)
    let inputs = SegmentWalk(segment: segment, tiling: tiling).transfers().filter { $0.operand == .input }
    #expect(inputs.map(\.rows) == [[0, 1, 2], [2, 3, 4], [4, 5]])
    #expect(SegmentSpatialTilings.lineBufferCandidates(segment) == [0, 1])
  }
}

/// A MobileNetV2-like block on a 2x4x4 input, psum width 2, every weight streamed, bands of 2
/// rows: expand 1x1 2 -> 4, depthwise 3x3 (padding 1), project 1x1 4 -> 2, add the segment input.
/// Stages: {input} (2), {expanded, depthwise output} (4), {projected, sum} (2). Per band the
/// expansion covers rows 0-2 then 1-3 (24 pixels, 8 of them again: halo 8 x 8 = 64 MACs); the
/// depthwise and project layers cover the band's 16 pixels in all.
extension SegmentWalkTests {
  static let blockInput = TensorShape(channels: 2, height: 4, width: 4)

  static var block: FusedSegment {
    let expand = mixing(blockInput, channels: 4, name: "expand")
    let depthwise = depthwise(expand.output, name: "dw")
    let project = mixing(depthwise.output, channels: 2, name: "project")
    let add = SegmentLayer(name: "add", kind: .add, input: blockInput, output: blockInput, skip: .segmentInput)
    return segment(blockInput, [expand, depthwise, project, add])
  }

  static func blockTiling(chunks: [Int]) -> SegmentTiling {
    SegmentTiling(
      rows: 2, columns: 4, scan: false, chunks: chunks, resident: Array(repeating: false, count: 4),
      lineBuffers: Array(repeating: false, count: 4))
  }

  /// Hidden stage in chunks of 2, the others whole: one nest, looping over the 2 hidden chunks.
  /// Input 2 x 3 rows x 4 = 24, then the one new row: 8 (32). The add finds its 2 x 2 x 4 skip
  /// in the held input (rows 0-2, then 1-3): free. Weights per band: expand 2 chunks of 2x2,
  /// depthwise 2 of 2x9, project 2 of 2x2: 16 + 72 + 16 over both bands. Output 32.
  /// MACs: expand 24 px x 8 = 192, depthwise 16 x 36 = 576, project 16 x 8 = 128: 896.
  /// Footprint: input 24, expand output 2 x 12 x 2 = 48, depthwise output 2 x 8 = 16, project
  /// output 2 x 8 x 2 = 32, weight tiles 4 + 18 + 4: 146.
  @Test func blockSkipIsFreeWhenTheInputStageIsWhole() throws {
    let tiling = Self.blockTiling(chunks: [2, 2, 2])
    let traffic = SegmentTraffic(inputReads: 32, skipReads: [0, 0, 0, 0], weightReads: [16, 72, 16, 0], outputWrites: 32)
    let expected = SegmentCost(
      traffic: traffic, bits: 32 * 8 + 104 * 4 + 32 * 8, footprint: 146, macs: 896, haloMACs: 64, chunkMACs: 0)
    #expect(SegmentWalk(segment: Self.block, tiling: tiling, psumWidth: 2).cost() == expected)
    #expect(try SegmentModel(segment: Self.block, psumWidth: 2).cost(of: tiling) == expected)
  }

  /// Input stage in chunks of 1 as well: the loops are hidden chunk (outer) x input chunk, so the
  /// input is read once per hidden chunk, and its slot switches channel at every step: 4 steps
  /// x 12 per band = 96. At the add the slot holds channel 1 only: the skip comes from DRAM,
  /// 2 x 2 x 4 per band = 32, in its own slot of 16. Expand weights are 1x2 tiles, all 4
  /// different per band: 16 again. Footprint: 146 - 24 + 12 (input) - 4 + 2 (expand
  /// tile) + 16 (skip) = 148.
  @Test func blockSkipIsReadWhenTheInputStageIsChunked() throws {
    let tiling = Self.blockTiling(chunks: [1, 2, 2])
    let traffic = SegmentTraffic(inputReads: 96, skipReads: [0, 0, 0, 32], weightReads: [16, 72, 16, 0], outputWrites: 32)
    let expected = SegmentCost(
      traffic: traffic, bits: 128 * 8 + 104 * 4 + 32 * 8, footprint: 148, macs: 896, haloMACs: 64, chunkMACs: 0)
    let walk = SegmentWalk(segment: Self.block, tiling: tiling, psumWidth: 2)
    #expect(walk.cost() == expected)
    #expect(try SegmentModel(segment: Self.block, psumWidth: 2).cost(of: tiling) == expected)
    let skips = walk.transfers().filter { $0.operand == .skip(layer: 3) }
    #expect(skips.map(\.rows) == [[0, 1], [2, 3]] && skips.allSatisfy { $0.channels == 0..<2 && $0.entries == 16 })
  }

  /// Output stage in chunks of 1 too: the hidden stage is recomputed for each output chunk
  /// (loops: output chunk x hidden chunk). Expand and depthwise run twice: 384 and 1152 MACs,
  /// half of each chunk recompute (192 + 576 = 768); project 128 once. Their weights reload per
  /// output chunk: 32 and 144; project tiles 2x1, all different: 16. The add takes one output
  /// channel at a time from the held input: free. Footprint: input 24, expand output 48,
  /// depthwise output 16, project output 1 x 8 x 2 = 16, weight tiles 4 + 18 + 2: 128.
  @Test func blockRecomputesTheHiddenStagePerOutputChunk() throws {
    let tiling = Self.blockTiling(chunks: [2, 2, 1])
    let traffic = SegmentTraffic(inputReads: 32, skipReads: [0, 0, 0, 0], weightReads: [32, 144, 16, 0], outputWrites: 32)
    let expected = SegmentCost(
      traffic: traffic, bits: 32 * 8 + 192 * 4 + 32 * 8, footprint: 128, macs: 1664, haloMACs: 64, chunkMACs: 768)
    #expect(SegmentWalk(segment: Self.block, tiling: tiling, psumWidth: 2).cost() == expected)
    #expect(try SegmentModel(segment: Self.block, psumWidth: 2).cost(of: tiling) == expected)
  }

  static func segment(_ input: TensorShape, _ layers: [SegmentLayer]) -> FusedSegment {
    FusedSegment(name: "hand", input: input, inputName: "in", inputBits: 8, layers: layers)
  }

  /// A 1x1 mixing layer.
  static func mixing(_ input: TensorShape, channels: Int, name: String) -> SegmentLayer {
    SegmentLayer(
      name: name, kind: .mixing, input: input, output: TensorShape(channels: channels, height: input.height, width: input.width),
      weightBits: 4)
  }

  /// A 3x3 depthwise layer, stride 1, padding 1.
  static func depthwise(_ input: TensorShape, name: String) -> SegmentLayer {
    SegmentLayer(
      name: name, kind: .depthwise, input: input, output: input, kernel: Extent2D(square: 3), padding: Padding(symmetric: 1, 1),
      weightBits: 4)
  }
}
