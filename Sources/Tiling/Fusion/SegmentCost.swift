/// DRAM traffic of a fused segment, per operand, in entries.
public struct SegmentTraffic: Hashable, Sendable, Codable {
  /// The segment input.
  public var inputReads: Int
  /// Per layer: the skip operand an add reads from DRAM (an external tensor, or the segment
  /// input when it is no longer in the buffer); 0 for other layers.
  public var skipReads: [Int]
  /// Per layer (0 for adds).
  public var weightReads: [Int]
  public var outputWrites: Int

  public init(inputReads: Int, skipReads: [Int], weightReads: [Int], outputWrites: Int) {
    self.inputReads = inputReads
    self.skipReads = skipReads
    self.weightReads = weightReads
    self.outputWrites = outputWrites
  }

  public var totalSkipReads: Int { skipReads.reduce(0, +) }
  public var total: Int { inputReads + totalSkipReads + weightReads.reduce(0, +) + outputWrites }

  /// The layer model's operands: input reads include skip reads; no partial sums leave the chip.
  public var traffic: Traffic {
    Traffic(inputReads: inputReads + totalSkipReads, weightReads: weightReads.reduce(0, +), outputWrites: outputWrites)
  }
}

/// Everything the model says of one segment schedule.
public struct SegmentCost: Hashable, Sendable, Codable {
  public var traffic: SegmentTraffic
  /// Bits moved: each operand's entries times its width.
  public var bits: Int
  /// Buffer entries of the static buffer split (every tile, chunk, partial sum, resident
  /// weight and line buffer its own region).
  public var footprint: Int
  /// Multiply-accumulates executed, and what of them recomputes halos (overlapping tiles) or
  /// chunks (a stage recomputed for each chunk of a later stage).
  public var macs: Int
  public var haloMACs: Int
  public var chunkMACs: Int

  public var extraMACs: Int { haloMACs + chunkMACs }
}

/// The closed form of a segment schedule: the traffic of each operand from `LoopNestTraffic`
/// over the spatial loops and the chunk loops it lives in, the MACs and the buffer footprint
/// from the regions every tile touches.
public struct SegmentModel: Sendable {
  public let segment: FusedSegment
  public let psumWidth: Int
  let stageOfTensor: [Int]
  let stageChannels: [Int]
  /// Which schedules are legal because the model counts them exactly.
  let counts: SegmentCountBound

  public init(segment: FusedSegment, psumWidth: Int = 1) {
    self.init(segment: segment, psumWidth: psumWidth, largestCount: SegmentCountBound.largestCount)
  }

  /// `largestCount` below 2^62 makes the count bound bind on small segments (tests).
  init(segment: FusedSegment, psumWidth: Int, largestCount: Int) {
    self.segment = segment
    self.psumWidth = psumWidth
    stageOfTensor = segment.stageOfTensor
    stageChannels = segment.stageChannels
    counts = SegmentCountBound(segment: segment, limit: largestCount)
  }

  /// The cost of a tiling, or why it is not legal for this segment.
  public func cost(of tiling: SegmentTiling) throws(FusionError) -> SegmentCost {
    try validate(tiling)
    guard counts.holds(chunks: tiling.chunks) else {
      throw FusionError(
        segment: segment.name,
        reason: counts.basesFit
          ? "chunks \(tiling.chunks) could make a count pass 2^62 bits or MACs (too many stages cut too finely)"
          : "its schedules could count more than 2^62 bits or MACs (huge kernels stacked over huge tensors); it is not fused")
    }
    let rows = SegmentRegions.rows(segment, tileSize: tiling.rows, lineBuffers: tiling.lineBuffers)
    let columns = SegmentRegions.columns(segment, tileSize: tiling.columns)
    return cost(of: tiling, rows: rows, columns: columns)
  }

  /// Checks sizes, line buffers and skip sources.
  public func validate(_ tiling: SegmentTiling) throws(FusionError) {
    func fail(_ reason: String) -> FusionError { FusionError(segment: segment.name, reason: reason) }
    let layers = segment.layers
    guard tiling.chunks.count == stageChannels.count, tiling.resident.count == layers.count,
      tiling.lineBuffers.count == layers.count
    else { throw fail("the tiling has \(tiling.chunks.count) chunks for \(stageChannels.count) stages, \(tiling.resident.count) residency and \(tiling.lineBuffers.count) line-buffer flags for \(layers.count) layers") }
    let tiled = segment.tiledShape
    guard (1...tiled.height).contains(tiling.rows), (1...tiled.width).contains(tiling.columns) else {
      throw fail("tile \(tiling.rows)x\(tiling.columns) is outside 1...\(tiled.height) x 1...\(tiled.width)")
    }
    for (stage, chunk) in tiling.chunks.enumerated() where !(1...stageChannels[stage]).contains(chunk) {
      throw fail("stage \(stage) chunk \(chunk) is outside 1...\(stageChannels[stage])")
    }
    let nest = SegmentNest(tiling: tiling, stageChannels: stageChannels)
    for (index, layer) in layers.enumerated() where tiling.lineBuffers[index] {
      if index == 0 {
        guard segment.addsReadInput else {
          throw fail("layer 0 cannot keep a line buffer: its input is in DRAM, and a line buffer on it only keeps the rows an add reads as its skip, which no add here does")
        }
      } else {
        guard layer.readsWindow else {
          throw fail("layer \(index) cannot keep a line buffer: only a convolution or a max pool reads a window of an on-chip input")
        }
        guard layer.branchFrom == nil else { throw fail("layer \(index) is a branch: no line buffer on what it reads") }
        guard !segment.branchSources.contains(index) else {
          throw fail("layer \(index)'s input is also read by a branch: no line buffer on it")
        }
      }
      guard tiling.columns == tiled.width else { throw fail("line buffers need row bands: tile columns must be \(tiled.width)") }
      guard nest.repetitions(ofStage: stageOfTensor[index]) == 1 else {
        throw fail("layer \(index)'s input is recomputed for each chunk of a later stage: no line buffer")
      }
    }
    for source in segment.branchSources.sorted() where !nest.isWhole(stageOfTensor[source]) {
      throw fail("a layer branches from tensor \(source), which every tile must hold whole for both readers (stage \(stageOfTensor[source]) in one chunk)")
    }
    for (index, layer) in layers.enumerated() {
      if case .layer(let source)? = layer.skip, !nest.isWhole(stageOfTensor[source + 1]) {
        throw fail("\(layer.kind) '\(layer.name)' reads layer \(source)'s output, whose stage must be whole to stay on chip")
      }
      if segment.isInnerConcat(index), !nest.isWhole(stageOfTensor[index + 1]) {
        throw fail("concat '\(layer.name)' is read on chip by the next layer, which needs all its channels (stage \(stageOfTensor[index + 1]) in one chunk)")
      }
    }
  }

  /// The cost with regions already computed (the search reuses them across tilings), without
  /// validation. `inputSkipsFree` treats adds of the segment input as served from the buffer
  /// (the search's footprint bound: a chunked input makes them read from DRAM instead).
  func cost(
    of tiling: SegmentTiling, rows: SegmentRegions, columns: SegmentRegions, inputSkipsFree: Bool = false
  ) -> SegmentCost {
    let layers = segment.layers
    let nest = SegmentNest(tiling: tiling, stageChannels: stageChannels)
    let spatial = [
      LoopLevel(count: rows.tileCount, scanned: false),
      LoopLevel(count: columns.tileCount, scanned: tiling.scan),
    ]
    /// Loads of an operand living in `stage`'s nest, with the given region and chunked stages.
    func loads(stage: Int, rows rowAxis: AxisSummary?, columns columnAxis: AxisSummary?, stages: [Int]) -> Int {
      let loops = nest.loops(ofStage: stage)
      var levels = spatial
      var summaries = [
        rowAxis ?? AxisSummary(irrelevant: spatial[0].count), columnAxis ?? AxisSummary(irrelevant: spatial[1].count),
      ]
      for loop in loops {
        let count = nest.count(ofStage: loop)
        levels.append(LoopLevel(count: count, scanned: false))
        summaries.append(
          stages.contains(loop)
            ? AxisSummary(tilesOf: stageChannels[loop], size: tiling.chunks[loop]) : AxisSummary(irrelevant: count))
      }
      // Stages the operand depends on that do not loop here are whole: all their channels.
      let wholeChannels = stages.filter { !loops.contains($0) }.reduce(1) { $0 * stageChannels[$1] }
      return wholeChannels * LoopNestTraffic.loads(levels: levels, summaries: summaries)
    }
    let inputReads = loads(stage: 0, rows: rows.neededSummaries[0], columns: columns.neededSummaries[0], stages: [0])
    var bits = inputReads * segment.inputBits
    var skipReads = Array(repeating: 0, count: segment.layers.count)
    var weightReads: [Int] = []
    var macs = 0
    var haloMACs = 0
    var chunkMACs = 0
    for (index, layer) in layers.enumerated() {
      let output = index + 1
      let stage = stageOfTensor[output]
      let inputStage = stageOfTensor[segment.inputTensor(ofLayer: index)]
      // Weights.
      var weights = 0
      if layer.hasWeights {
        let window = layer.kernel.height * layer.kernel.width
        if tiling.resident[index] {
          weights = layer.weightCount
        } else if layer.kind == .mixing {
          weights = window * loads(stage: stage, rows: nil, columns: nil, stages: [inputStage, stage])
        } else {
          weights = window * loads(stage: stage, rows: nil, columns: nil, stages: [stage])
        }
      }
      weightReads.append(weights)
      bits += weights * layer.weightBits
      // Skip operands.
      if let skip = layer.skip {
        let fromDRAM: Int?
        switch skip {
        case .layer: fromDRAM = nil
        case .external(_, let skipBits): fromDRAM = skipBits
        case .segmentInput:
          let held = inputSkipsFree || inputHoldsSkip(nest: nest, output: output, rows: rows, columns: columns)
          fromDRAM = held ? nil : segment.inputBits
        }
        if let skipBits = fromDRAM {
          // An add's skip has its stage's channels; a concat's, its own, all of them with the
          // stage's first chunk (the chunk loops then repeat the tile in place).
          let concat = layer.kind == .concat
          let reads = (concat ? layer.skipChannels : 1) * loads(
            stage: stage, rows: rows.computedSummaries[output], columns: columns.computedSummaries[output],
            stages: concat ? [] : [stage])
          skipReads[index] += reads
          bits += reads * skipBits
        }
      }
      // MACs over the computed regions, times the stage's recomputations.
      if layer.hasWeights {
        let computedArea = rows.computedSummaries[output].totalLength * columns.computedSummaries[output].totalLength
        let perPixel = layer.output.channels * layer.macsPerOutput
        let repetitions = nest.repetitions(ofStage: stage)
        macs += repetitions * computedArea * perPixel
        // Recompute is what goes beyond the coordinates computed at least once; with a kernel
        // smaller than a later stride some are never computed, so that is not always H x W.
        let once = rows.computedOnce[output] * columns.computedOnce[output]
        haloMACs += (computedArea - once) * perPixel
        chunkMACs += (repetitions - 1) * computedArea * perPixel
      }
    }
    let last = segment.layers[segment.layers.count - 1]
    let outputWrites = segment.output.channels * segment.output.height * segment.output.width
    bits += outputWrites * last.outputBits
    return SegmentCost(
      traffic: SegmentTraffic(inputReads: inputReads, skipReads: skipReads, weightReads: weightReads, outputWrites: outputWrites),
      bits: bits, footprint: footprint(of: tiling, rows: rows, columns: columns, inputSkipsFree: inputSkipsFree), macs: macs,
      haloMACs: haloMACs, chunkMACs: chunkMACs)
  }

  /// The footprint part of `cost(of:rows:columns:inputSkipsFree:)` alone (it is what that
  /// reports): a few products, no traffic, for the search's many fit tests.
  func footprint(of tiling: SegmentTiling, rows: SegmentRegions, columns: SegmentRegions, inputSkipsFree: Bool = false) -> Int {
    var footprint = 0
    visitRegions(of: tiling, rows: rows, columns: columns, inputSkipsFree: inputSkipsFree) { _, entries in footprint += entries }
    return footprint
  }

  /// The static buffer split of a schedule: its regions by kind.
  public func split(of tiling: SegmentTiling) -> BufferSplit {
    let rows = SegmentRegions.rows(segment, tileSize: tiling.rows, lineBuffers: tiling.lineBuffers)
    let columns = SegmentRegions.columns(segment, tileSize: tiling.columns)
    var regions: [(String, Int)] = []
    visitRegions(of: tiling, rows: rows, columns: columns, inputSkipsFree: false) { kind, entries in
      regions.append((kind.rawValue, entries))
    }
    return BufferSplit(regions)
  }

  /// The kinds of buffer region a segment schedule has.
  enum BufferRegion: String {
    case input, weights, activations, lines = "line buffers", skips, accumulators = "pool sums"
  }

  /// Every region of the static split, in a fixed order, with its entries.
  private func visitRegions(
    of tiling: SegmentTiling, rows: SegmentRegions, columns: SegmentRegions, inputSkipsFree: Bool,
    _ visit: (BufferRegion, Int) -> Void
  ) {
    func chunk(_ stage: Int) -> Int { min(tiling.chunks[stage], stageChannels[stage]) }
    func computedArea(_ tensor: Int) -> Int {
      rows.computedSummaries[tensor].maximumLength * columns.computedSummaries[tensor].maximumLength
    }
    visit(.input, chunk(0) * rows.neededSummaries[0].maximumLength * columns.neededSummaries[0].maximumLength)
    for (index, layer) in segment.layers.enumerated() {
      let output = index + 1
      let stage = stageOfTensor[output]
      let inputStage = stageOfTensor[segment.inputTensor(ofLayer: index)]
      // Weights: resident, the whole tensor; streamed, one tile.
      if layer.hasWeights {
        let window = layer.kernel.height * layer.kernel.width
        if tiling.resident[index] {
          visit(.weights, layer.weightCount)
        } else if layer.kind == .mixing {
          visit(.weights, chunk(inputStage) * chunk(stage) * window)
        } else {
          visit(.weights, chunk(stage) * window)
        }
      }
      // The output tensor's buffer (an add writes in place unless a later layer still reads its
      // chain input; a final concat's operands go to DRAM from their own buffers, one inside
      // the segment holds all its channels, its stage being whole; partial sums psumWidth
      // wide; a global pool's sums, every channel, live across all tiles) and a line buffer on
      // its input.
      if layer.kind == .globalAveragePool {
        visit(.accumulators, layer.output.channels * psumWidth)
      } else if !segment.outputNeedsNoRegion(index) {
        visit(.activations, chunk(stage) * computedArea(output) * (layer.kind == .mixing ? psumWidth : 1))
      }
      if index >= 1 && tiling.lineBuffers[index] {
        // (Never on a branch nor on what one reads. The segment input's line buffer is its own
        // region, which covers the rows it keeps.)
        visit(.lines, rows.retained[index] * columns.neededSummaries[index].maximumLength * stageChannels[stageOfTensor[index]])
      }
      // A skip read from DRAM has its own tile.
      if let skip = layer.skip {
        let fromDRAM: Bool
        switch skip {
        case .layer: fromDRAM = false
        case .external: fromDRAM = true
        case .segmentInput:
          // The input stage is held whole (`inputHoldsSkip`) or the skip comes from DRAM.
          fromDRAM = !(inputSkipsFree || (tiling.chunks[0] >= stageChannels[0] && rows.inputCovers[output] && columns.inputCovers[output]))
        }
        if fromDRAM { visit(.skips, (layer.kind == .concat ? layer.skipChannels : chunk(stage)) * computedArea(output)) }
      }
    }
  }

  /// Whether an add reading the segment input finds it in the input's buffer: the input stage
  /// is whole (all channels held for the tile) and every tile's input region covers the add's.
  func inputHoldsSkip(nest: SegmentNest, output: Int, rows: SegmentRegions, columns: SegmentRegions) -> Bool {
    nest.isWhole(0) && rows.inputCovers[output] && columns.inputCovers[output]
  }

  /// The compulsory traffic of the segment in entries and in bits: each input element some
  /// layer reads, each skip element read from outside, each weight and each output, once.
  public var floor: (entries: Int, bits: Int) {
    let whole = SegmentTiling.untiled(segment)
    let rows = SegmentRegions.rows(segment, tileSize: whole.rows, lineBuffers: whole.lineBuffers)
    let columns = SegmentRegions.columns(segment, tileSize: whole.columns)
    // An add reads of its skip the coordinates it computes (every schedule computes, over all
    // its tiles, what the untiled one does), not the whole tensor.
    var inputRegions = [(rows: rows.needed[0].tiles[0], columns: columns.needed[0].tiles[0])]
    var entries = 0
    var bits = 0
    for (index, layer) in segment.layers.enumerated() {
      let region = (rows: rows.computed[index + 1].tiles[0], columns: columns.computed[index + 1].tiles[0])
      switch layer.skip {
      case .segmentInput?:
        inputRegions.append(region)
      case .external(_, let skipBits)?:
        let size = layer.skipChannels * RangeSet.count(region.rows) * RangeSet.count(region.columns)
        entries += size
        bits += size * skipBits
      case .layer?, nil: break
      }
      entries += layer.weightCount
      bits += layer.weightCount * layer.weightBits
    }
    // The input elements read: the union of those regions, counted row by row (a union of
    // products of rows and columns is not itself such a product).
    var pixels = 0
    for row in 0..<segment.input.height {
      let covering = inputRegions.filter { region in region.rows.contains { $0.contains(row) } }
      pixels += RangeSet.count(covering.reduce([]) { RangeSet.union($0, $1.columns) })
    }
    let input = segment.input.channels * pixels
    let output = segment.output.channels * segment.output.height * segment.output.width
    entries += input + output
    bits += input * segment.inputBits + output * (segment.layers.last?.outputBits ?? 8)
    return (entries, bits)
  }
}

/// The loop structure a tiling gives the chunk loops: a whole stage ends a nest (it is computed
/// once per spatial tile and held); the chunked stages below it, down to the previous whole
/// stage, loop inside the nest that computes it, outer stage outermost.
struct SegmentNest: Sendable {
  let chunks: [Int]
  let stageChannels: [Int]
  /// The stage each nest computes: every whole stage from 1 on, and the last stage.
  let tops: [Int]

  init(tiling: SegmentTiling, stageChannels: [Int]) {
    self.init(chunks: tiling.chunks, stageChannels: stageChannels)
  }

  init(chunks: [Int], stageChannels: [Int]) {
    self.chunks = chunks
    self.stageChannels = stageChannels
    let last = stageChannels.count - 1
    tops = stageChannels.indices.filter { stage in stage == last || (stage >= 1 && chunks[stage] >= stageChannels[stage]) }
  }

  func isWhole(_ stage: Int) -> Bool { chunks[stage] >= stageChannels[stage] }
  func chunk(ofStage stage: Int) -> Int { min(chunks[stage], stageChannels[stage]) }
  func count(ofStage stage: Int) -> Int { (stageChannels[stage] + chunk(ofStage: stage) - 1) / chunk(ofStage: stage) }

  /// The chunk loops of the nest that computes `stage`, outer to inner.
  func loops(ofStage stage: Int) -> [Int] {
    guard let position = tops.firstIndex(where: { $0 >= stage }) else { return [] }
    let low = position == 0 ? 0 : tops[position - 1] + 1
    return (low...tops[position]).reversed().filter { !isWhole($0) }
  }

  /// How many times each chunk of `stage` is computed per spatial tile: once for a whole stage,
  /// else once per iteration of the chunk loops outside it in its nest.
  func repetitions(ofStage stage: Int) -> Int {
    guard !isWhole(stage) else { return 1 }
    return loops(ofStage: stage).filter { $0 > stage }.reduce(1) { $0 * count(ofStage: $1) }
  }
}
