/// `SegmentModel.cost`'s bits, extra MACs and footprint for one spatial tiling and any chunks
/// and residency, in a few integer operations: the search's inner loops evaluate millions of
/// chunk choices, and the general cost builds loop nests and summaries for each. The search
/// reports only costs from `SegmentModel.cost` itself; a test checks this equals it.
///
/// Why the loads have a closed form. An operand's levels are the two spatial loops, then the
/// chunk loops of its nest (non-whole stages, two chunks or more, outer stage outermost, never
/// scanned). A chunk loop over a stage the operand depends on steps through disjoint chunks
/// (all channels over a sweep, nothing shared between neighbours or at a restart); one it does
/// not depend on repeats the same tile (every step shares it all, and so does a restart). In
/// `LoopNestTraffic.loads` (the sum of tile sizes minus what each advance shares), a spatial
/// advance shares something only if every chunk loop restarts on a shared tile, i.e. none is
/// relevant, and then shares what it does without them; a chunk loop's advance shares only if
/// it is irrelevant and every loop inside it is too. Summing:
///
/// - no relevant chunk loop: the loads of the spatial loops alone (the chunk loops only repeat
///   the tile in place);
/// - otherwise: the regions' total (rows x columns summed over tiles) times the channels of the
///   relevant stages times the counts of the irrelevant loops outside the innermost relevant
///   one (irrelevant loops inside it reuse the tile just loaded).
///
/// In both cases times the channels of the relevant stages that do not loop (whole), as in
/// `SegmentModel.cost`.
struct SegmentSearchCost {
  private struct Spatial {
    /// Sum over tiles of the region size, and the spatial loops' own loads.
    var total: Int
    var loads: Int
  }

  /// What the evaluation needs of a layer, flat (copying `SegmentLayer`s costs more).
  private struct Layer {
    var kind: SegmentLayer.Kind
    var hasWeights: Bool
    var stage: Int
    var inputStage: Int
    var window: Int
    var weightCount: Int
    var weightBits: Int
    /// Footprint of the output buffer per channel of a chunk, of a global pool's sums (for the
    /// whole segment, whatever the chunks), and of a line buffer on the input.
    var outputArea: Int
    var poolSums: Int
    var lineBuffer: Int
    /// 0: no skip or an on-chip one; else the bits of a skip read from DRAM (always for an
    /// external one, unless the input is held whole for the segment input).
    var skipBits: Int
    var skipIsInput: Bool
  }

  private let layers: [Layer]
  private let inputArea: Int
  private let inputBits: Int
  private let outputTraffic: Int
  private let channels: [Int]
  private let input: Spatial
  /// Per layer: weights' spatial part (every tile the same region), the skip's (its computed
  /// region), the MACs over the computed regions and the halo part of them.
  private let weights: Spatial
  private let skips: [Spatial]
  private let computedMACs: [Int]
  private let haloMACs: Int
  private let inputCovers: [Bool]
  private let outputBits: Int

  init(model: SegmentModel, scan: Bool, rows: SegmentRegions, columns: SegmentRegions) {
    channels = model.stageChannels
    func spatial(_ row: AxisSummary, _ column: AxisSummary) -> Spatial {
      Spatial(
        total: row.totalLength * column.totalLength, loads: LoopNestTraffic.spatialLoads(rows: row, columns: column, scanned: scan))
    }
    input = spatial(rows.neededSummaries[0], columns.neededSummaries[0])
    weights = spatial(AxisSummary(irrelevant: rows.tileCount), AxisSummary(irrelevant: columns.tileCount))
    let layers = model.segment.layers
    skips = layers.indices.map { index in spatial(rows.computedSummaries[index + 1], columns.computedSummaries[index + 1]) }
    var computedMACs: [Int] = []
    var haloMACs = 0
    for (index, layer) in layers.enumerated() {
      let output = index + 1
      guard layer.hasWeights else {
        computedMACs.append(0)
        continue
      }
      let area = rows.computedSummaries[output].totalLength * columns.computedSummaries[output].totalLength
      let perPixel = layer.output.channels * layer.macsPerOutput
      computedMACs.append(area * perPixel)
      haloMACs += (area - rows.computedOnce[output] * columns.computedOnce[output]) * perPixel
    }
    self.computedMACs = computedMACs
    self.haloMACs = haloMACs
    inputCovers = layers.indices.map { rows.inputCovers[$0 + 1] && columns.inputCovers[$0 + 1] }
    outputBits = layers[layers.count - 1].outputBits
    let stageOfTensor = model.stageOfTensor
    func computedArea(_ tensor: Int) -> Int {
      rows.computedSummaries[tensor].maximumLength * columns.computedSummaries[tensor].maximumLength
    }
    self.layers = layers.enumerated().map { index, layer in
      var skipBits = 0
      var skipIsInput = false
      switch layer.skip {
      case .external(_, let bits)?: skipBits = bits
      case .segmentInput?:
        skipBits = model.segment.inputBits
        skipIsInput = true
      case .layer?, nil: break
      }
      let pools = layer.kind == .globalAveragePool
      return Layer(
        kind: layer.kind, hasWeights: layer.hasWeights, stage: stageOfTensor[index + 1],
        inputStage: stageOfTensor[model.segment.inputTensor(ofLayer: index)],
        window: layer.kernel.height * layer.kernel.width, weightCount: layer.weightCount, weightBits: layer.weightBits,
        outputArea: model.segment.outputNeedsNoRegion(index) || pools
          ? 0 : computedArea(index + 1) * (layer.kind == .mixing ? model.psumWidth : 1),
        poolSums: pools ? layer.output.channels * model.psumWidth : 0,
        lineBuffer: rows.retained[index] * columns.neededSummaries[index].maximumLength * model.stageChannels[stageOfTensor[index]],
        skipBits: skipBits, skipIsInput: skipIsInput)
    }
    inputArea = rows.neededSummaries[0].maximumLength * columns.neededSummaries[0].maximumLength
    inputBits = model.segment.inputBits
    let output = model.segment.output
    outputTraffic = output.channels * output.height * output.width * outputBits
    skipAreas = layers.indices.map { computedArea($0 + 1) }
  }

  private let skipAreas: [Int]

  /// The stage arithmetic of one choice of chunks: which stages are whole, how many chunks the
  /// others have, which nest computes a stage, and an operand's loads in it.
  private struct Nests {
    let chunks: [Int]
    let channels: [Int]

    @inline(__always) func whole(_ stage: Int) -> Bool { chunks[stage] >= channels[stage] }
    @inline(__always) func chunk(_ stage: Int) -> Int { min(chunks[stage], channels[stage]) }
    @inline(__always) func count(_ stage: Int) -> Int {
      let chunk = chunk(stage)
      return (channels[stage] + chunk - 1) / chunk
    }
    /// The top of the nest computing `stage`: the first whole stage from 1 on at or above it, or the last.
    @inline(__always) func top(_ stage: Int) -> Int {
      let last = channels.count - 1
      var top = stage
      while top < last && !(top >= 1 && whole(top)) { top += 1 }
      return top
    }

    /// Loads of an operand with spatial part `spatial` in `stage`'s nest, depending on stages
    /// `a` and `b` (b = -1: only one).
    func loads(_ spatial: Spatial, stage: Int, _ a: Int, _ b: Int) -> Int {
      let high = top(stage)
      var low = high
      while low > 0 && !(low - 1 >= 1 && whole(low - 1)) { low -= 1 }
      // low ... high is the nest's stage range; its loops are the non-whole stages in it.
      var innermost = -1
      var wholeChannels = 1
      func classify(_ stage: Int) {
        if stage >= low && stage <= high && !whole(stage) {
          if innermost < 0 || stage < innermost { innermost = stage }
        } else {
          wholeChannels *= channels[stage]
        }
      }
      classify(a)
      if b >= 0 { classify(b) }
      guard innermost >= 0 else { return wholeChannels * spatial.loads }
      var product = spatial.total
      for loop in innermost...high where !whole(loop) {
        product *= loop == a || loop == b ? channels[loop] : count(loop)
      }
      return wholeChannels * product
    }

    /// How many times each chunk of `stage` is computed per spatial tile: once per iteration
    /// of the chunk loops above it in its nest.
    func repetitions(ofStage stage: Int) -> Int {
      guard !whole(stage) else { return 1 }
      var repetitions = 1
      let high = top(stage)
      if high > stage {
        for above in (stage + 1)...high where !whole(above) { repetitions *= count(above) }
      }
      return repetitions
    }
  }

  /// Bits layer `index`'s weights move under `tiling`'s chunks, resident or streamed as
  /// `resident` says (0 for a layer without weights).
  func weightBits(_ tiling: SegmentTiling, layer index: Int, resident: Bool) -> Int {
    weightBits(Nests(chunks: tiling.chunks, channels: channels), layer: index, resident: resident)
  }

  private func weightBits(_ nests: Nests, layer index: Int, resident: Bool) -> Int {
    let layer = layers[index]
    guard layer.hasWeights else { return 0 }
    if resident { return layer.weightCount * layer.weightBits }
    let second = layer.kind == .mixing ? layer.inputStage : -1
    return layer.window * nests.loads(weights, stage: layer.stage, layer.stage, second) * layer.weightBits
  }

  /// Entries layer `index`'s weights take in the buffer under `tiling`'s chunks: all of them
  /// resident, one chunk's streamed (0 for a layer without weights).
  func weightFootprint(_ tiling: SegmentTiling, layer index: Int, resident: Bool) -> Int {
    let layer = layers[index]
    guard layer.hasWeights else { return 0 }
    if resident { return layer.weightCount }
    let chunks = tiling.chunks
    @inline(__always) func chunk(_ stage: Int) -> Int { min(chunks[stage], channels[stage]) }
    return layer.kind == .mixing
      ? chunk(layer.inputStage) * chunk(layer.stage) * layer.window : chunk(layer.stage) * layer.window
  }

  /// `SegmentModel.footprint(of:rows:columns:)`, term by term.
  func footprint(_ tiling: SegmentTiling) -> Int {
    let chunks = tiling.chunks
    @inline(__always) func chunk(_ stage: Int) -> Int { min(chunks[stage], channels[stage]) }
    var footprint = chunk(0) * inputArea
    for index in layers.indices {
      let layer = layers[index]
      footprint += weightFootprint(tiling, layer: index, resident: tiling.resident[index])
      footprint += chunk(layer.stage) * layer.outputArea + layer.poolSums
      if tiling.lineBuffers[index] { footprint += layer.lineBuffer }
      if layer.skipBits > 0 && !(layer.skipIsInput && chunks[0] >= channels[0] && inputCovers[index]) {
        footprint += chunk(layer.stage) * skipAreas[index]
      }
    }
    return footprint
  }

  /// (bits, extra MACs, footprint) of the spatial tiling with these chunks and residency.
  func evaluate(_ tiling: SegmentTiling) -> (bits: Int, extraMACs: Int, footprint: Int) {
    let (bits, extraMACs) = traffic(tiling)
    return (bits, extraMACs, footprint(tiling))
  }

  /// (bits, extra MACs) of the spatial tiling with these chunks and residency: `evaluate`
  /// without the footprint, for bounds that need only the cost.
  func traffic(_ tiling: SegmentTiling) -> (bits: Int, extraMACs: Int) {
    let nests = Nests(chunks: tiling.chunks, channels: channels)
    var bits = nests.loads(input, stage: 0, 0, -1) * inputBits
    var extraMACs = haloMACs
    for index in layers.indices {
      let layer = layers[index]
      let stage = layer.stage
      if layer.hasWeights {
        bits += weightBits(nests, layer: index, resident: tiling.resident[index])
        // Recomputations: once per iteration of the chunk loops above the stage in its nest.
        extraMACs += (nests.repetitions(ofStage: stage) - 1) * computedMACs[index]
      }
      // A skip read from DRAM: an external one, or the segment input unless held whole.
      if layer.skipBits > 0 && !(layer.skipIsInput && nests.whole(0) && inputCovers[index]) {
        bits += nests.loads(skips[index], stage: stage, stage, -1) * layer.skipBits
      }
    }
    bits += outputTraffic
    return (bits, extraMACs)
  }
}
