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

    init(_ row: AxisSummary, _ column: AxisSummary, scan: Bool) {
      total = row.totalLength * column.totalLength
      loads = LoopNestTraffic.spatialLoads(rows: row, columns: column, scanned: scan)
    }
  }

  /// What the evaluation needs of a segment whatever its spatial tiling, made once per segment
  /// (the search of one segment makes an evaluator for each of many spatial tilings).
  struct Constants {
    /// What the evaluation needs of a layer, flat (copying `SegmentLayer`s costs more).
    fileprivate struct Layer {
      var kind: SegmentLayer.Kind
      var hasWeights: Bool
      var stage: Int
      var inputStage: Int
      var window: Int
      var weightCount: Int
      var weightBits: Int
      /// MACs per output coordinate (rows x columns), 0 without weights.
      var macsPerPoint: Int
      /// Output buffer entries per coordinate and channel of a chunk (0: no buffer), a global
      /// pool's sums (for the whole segment, whatever the chunks), and a line buffer's entries
      /// per coordinate on the input.
      var outputFactor: Int
      var poolSums: Int
      var lineBufferChannels: Int
      /// 0: no skip or an on-chip one; else the bits of a skip read from DRAM (always for an
      /// external one, unless the input is held whole for the segment input).
      var skipBits: Int
      var skipIsInput: Bool
      /// A concat's skip read from DRAM: its channels, all of them with each tile (0 for
      /// every other layer: an add's skip has its stage's channels).
      var concatChannels: Int
    }

    fileprivate let layers: [Layer]
    fileprivate let channels: [Int]
    fileprivate let inputBits: Int
    fileprivate let outputTraffic: Int

    init(model: SegmentModel) {
      let segment = model.segment
      let stageOfTensor = model.stageOfTensor
      channels = model.stageChannels
      layers = segment.layers.enumerated().map { index, layer in
        var skipBits = 0
        var skipIsInput = false
        switch layer.skip {
        case .external(_, let bits)?: skipBits = bits
        case .segmentInput?:
          skipBits = segment.inputBits
          skipIsInput = true
        case .layer?, nil: break
        }
        let pools = layer.kind == .globalAveragePool
        return Layer(
          kind: layer.kind, hasWeights: layer.hasWeights, stage: stageOfTensor[index + 1],
          inputStage: stageOfTensor[segment.inputTensor(ofLayer: index)],
          window: layer.kernel.height * layer.kernel.width, weightCount: layer.weightCount, weightBits: layer.weightBits,
          macsPerPoint: layer.hasWeights ? layer.output.channels * layer.macsPerOutput : 0,
          outputFactor: segment.outputNeedsNoRegion(index) || pools ? 0 : (layer.kind == .mixing ? model.psumWidth : 1),
          poolSums: pools ? layer.output.channels * model.psumWidth : 0,
          lineBufferChannels: model.stageChannels[stageOfTensor[index]], skipBits: skipBits, skipIsInput: skipIsInput,
          concatChannels: layer.kind == .concat && skipBits > 0 ? layer.skipChannels : 0)
      }
      inputBits = segment.inputBits
      let output = segment.output
      outputTraffic = output.channels * output.height * output.width * (segment.layers.last?.outputBits ?? 0)
    }
  }

  private let constants: Constants
  private var layers: [Constants.Layer] { constants.layers }
  private var channels: [Int] { constants.channels }
  private let inputArea: Int
  private let input: Spatial
  /// Per layer: weights' spatial part (every tile the same region), the skip's (its computed
  /// region) and its largest tile, the MACs over the computed regions and the halo part of
  /// them, the output buffer and the line buffer on the input (if one is kept).
  private let weights: Spatial
  private let skips: [Spatial]
  private let skipAreas: [Int]
  private let computedMACs: [Int]
  private let haloMACs: Int
  private let inputCovers: [Bool]
  private let outputAreas: [Int]
  private let lineBuffers: [Int]

  init(model: SegmentModel, scan: Bool, rows: SegmentRegions, columns: SegmentRegions) {
    self.init(constants: Constants(model: model), scan: scan, rows: rows, columns: columns)
  }

  init(constants: Constants, scan: Bool, rows: SegmentRegions, columns: SegmentRegions) {
    self.constants = constants
    input = Spatial(rows.neededSummaries[0], columns.neededSummaries[0], scan: scan)
    inputArea = Self.largestTile(rows.neededSummaries[0], columns.neededSummaries[0])
    weights = Spatial(AxisSummary(irrelevant: rows.tileCount), AxisSummary(irrelevant: columns.tileCount), scan: scan)
    let layers = constants.layers
    skips = layers.indices.map { Spatial(rows.computedSummaries[$0 + 1], columns.computedSummaries[$0 + 1], scan: scan) }
    let skipAreas = layers.indices.map { Self.largestTile(rows.computedSummaries[$0 + 1], columns.computedSummaries[$0 + 1]) }
    self.skipAreas = skipAreas
    computedMACs = layers.indices.map { Self.computedMACs(layers[$0], output: $0 + 1, rows: rows, columns: columns).all }
    haloMACs = layers.indices.reduce(0) { $0 + Self.computedMACs(layers[$1], output: $1 + 1, rows: rows, columns: columns).halo }
    inputCovers = layers.indices.map { rows.inputCovers[$0 + 1] && columns.inputCovers[$0 + 1] }
    outputAreas = layers.indices.map { layers[$0].outputFactor * skipAreas[$0] }
    lineBuffers = layers.indices.map { Self.lineBuffer(layers[$0], input: $0, rows: rows, columns: columns) }
  }

  /// The largest tile of a tensor, in coordinates (rows x columns).
  private static func largestTile(_ row: AxisSummary, _ column: AxisSummary) -> Int { row.maximumLength * column.maximumLength }

  /// The MACs `layer` computes over its output's computed regions, and the part of them computed
  /// more than once (the halo's).
  private static func computedMACs(
    _ layer: Constants.Layer, output: Int, rows: SegmentRegions, columns: SegmentRegions
  ) -> (all: Int, halo: Int) {
    guard layer.macsPerPoint > 0 else { return (0, 0) }
    let area = rows.computedSummaries[output].totalLength * columns.computedSummaries[output].totalLength
    return (area * layer.macsPerPoint, (area - rows.computedOnce[output] * columns.computedOnce[output]) * layer.macsPerPoint)
  }

  /// The entries a line buffer on layer `input`'s input takes when kept.
  private static func lineBuffer(_ layer: Constants.Layer, input: Int, rows: SegmentRegions, columns: SegmentRegions) -> Int {
    rows.retained[input] * columns.neededSummaries[input].maximumLength * layer.lineBufferChannels
  }

  /// A spatial tiling's part of every cost here, for `SegmentSpatialFeatures`, from its regions
  /// directly (the enumeration of spatial tilings asks for many that it then drops): each
  /// number enters `traffic` and `footprint` only multiplied by a factor of the chunks and
  /// residency that is never negative, and numbers with the same factor are summed. Per stage:
  /// the MACs its layers compute, its output buffers, and the tiles, totals and spatial loads
  /// of the skips its layers read from DRAM (weighted by their bits); a skip of the segment
  /// input (chunk-dependent: free when the input is whole and covers it) apart, with whether it
  /// is covered, and a concat's (all its channels at every tile, whatever the chunks).
  /// Then the input's, the halo MACs and the footprint of the line buffers kept
  /// (`lineBuffers`, per layer).
  static func spatialFeatures(
    constants: Constants, scan: Bool, rows: SegmentRegions, columns: SegmentRegions, lineBuffers: [Bool]
  ) -> [Int] {
    let stageCount = constants.channels.count
    // [input loads, total, largest tile, halo MACs, line buffers] then five per-stage sums.
    let perStage = 5
    var values = Array(repeating: 0, count: perStage + 5 * stageCount)
    let input = Spatial(rows.neededSummaries[0], columns.neededSummaries[0], scan: scan)
    values[0] = input.loads
    values[1] = input.total
    values[2] = largestTile(rows.neededSummaries[0], columns.neededSummaries[0])
    for (index, layer) in constants.layers.enumerated() {
      let output = index + 1
      let macs = computedMACs(layer, output: output, rows: rows, columns: columns)
      values[3] += macs.halo
      if lineBuffers[index] { values[4] += lineBuffer(layer, input: index, rows: rows, columns: columns) }
      let base = perStage + layer.stage
      values[base] += macs.all
      let area = largestTile(rows.computedSummaries[output], columns.computedSummaries[output])
      values[base + stageCount] += layer.outputFactor * area
      guard layer.skipBits > 0 else { continue }
      let skip = Spatial(rows.computedSummaries[output], columns.computedSummaries[output], scan: scan)
      if layer.concatChannels > 0 {
        // Chunk-independent: every tile reads all its channels once.
        values += [layer.concatChannels * area, layer.concatChannels * skip.loads * layer.skipBits]
      } else if layer.skipIsInput {
        let covered = rows.inputCovers[output] && columns.inputCovers[output]
        values += [covered ? 0 : 1, area, skip.total * layer.skipBits, skip.loads * layer.skipBits]
      } else {
        values[base + 2 * stageCount] += area
        values[base + 3 * stageCount] += skip.total * layer.skipBits
        values[base + 4 * stageCount] += skip.loads * layer.skipBits
      }
    }
    return values
  }

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
  func footprint(_ tiling: SegmentTiling) -> Int { footprint(tiling, inputSkips: true) }

  /// `footprint` without the buffer of a skip of the segment input: a lower bound on the
  /// footprint of every tiling with these line buffers and residency and chunks at least
  /// these (stage 0 whole or not), since every other term only grows with the chunks.
  func footprintFloor(_ tiling: SegmentTiling) -> Int { footprint(tiling, inputSkips: false) }

  @inline(__always) private func footprint(_ tiling: SegmentTiling, inputSkips: Bool) -> Int {
    let chunks = tiling.chunks
    @inline(__always) func chunk(_ stage: Int) -> Int { min(chunks[stage], channels[stage]) }
    var footprint = chunk(0) * inputArea
    for index in layers.indices {
      let layer = layers[index]
      footprint += weightFootprint(tiling, layer: index, resident: tiling.resident[index])
      footprint += chunk(layer.stage) * outputAreas[index] + layer.poolSums
      if tiling.lineBuffers[index] { footprint += lineBuffers[index] }
      if layer.skipBits > 0 && !(layer.skipIsInput && (!inputSkips || chunks[0] >= channels[0] && inputCovers[index])) {
        footprint += (layer.concatChannels > 0 ? layer.concatChannels : chunk(layer.stage)) * skipAreas[index]
      }
    }
    return footprint
  }

  /// (bits, extra MACs, footprint) of the spatial tiling with these chunks and residency.
  func evaluate(_ tiling: SegmentTiling) -> (bits: Int, extraMACs: Int, footprint: Int) {
    let (bits, extraMACs) = traffic(tiling)
    return (bits, extraMACs, footprint(tiling))
  }

  /// The bits the segment input moves under these chunks (its part of `traffic`).
  func inputBits(chunks: [Int]) -> Int {
    Nests(chunks: chunks, channels: channels).loads(input, stage: 0, 0, -1) * constants.inputBits
  }

  /// (bits, extra MACs) of the spatial tiling with these chunks and residency: `evaluate`
  /// without the footprint, for bounds that need only the cost.
  func traffic(_ tiling: SegmentTiling) -> (bits: Int, extraMACs: Int) {
    traffic(tiling, nests: Nests(chunks: tiling.chunks, channels: channels))
  }

  private func traffic(_ tiling: SegmentTiling, nests: Nests) -> (bits: Int, extraMACs: Int) {
    var bits = nests.loads(input, stage: 0, 0, -1) * constants.inputBits
    var extraMACs = haloMACs
    // The repetitions of the last stage asked for: a stage's layers mostly come together.
    var repeatedStage = -1
    var repetitions = 1
    for index in layers.indices {
      let layer = layers[index]
      let stage = layer.stage
      if layer.hasWeights {
        bits += weightBits(nests, layer: index, resident: tiling.resident[index])
        // Recomputations: once per iteration of the chunk loops above the stage in its nest.
        if stage != repeatedStage {
          repeatedStage = stage
          repetitions = nests.repetitions(ofStage: stage)
        }
        extraMACs += (repetitions - 1) * computedMACs[index]
      }
      // A skip read from DRAM: an external one, or the segment input unless held whole.
      if layer.skipBits > 0 && !(layer.skipIsInput && nests.whole(0) && inputCovers[index]) {
        // A concat's skip: no chunk loop is relevant to it (they repeat its tile in place).
        let reads = layer.concatChannels > 0 ? layer.concatChannels * skips[index].loads : nests.loads(skips[index], stage: stage, stage, -1)
        bits += reads * layer.skipBits
      }
    }
    bits += constants.outputTraffic
    return (bits, extraMACs)
  }

  /// `traffic(bounding)`, and for each layer whose weights `bounding` keeps resident, in layer
  /// order, what streaming them would add to its bits and what keeping them resident adds to
  /// `least`'s footprint, written to `items` (room for every layer): the residency bound's
  /// knapsack (`SegmentSearchRun.residencyBound`).
  func residencyItems(
    _ bounding: SegmentTiling, least: SegmentTiling, into items: UnsafeMutableBufferPointer<(value: Int, size: Int)>
  ) -> (bits: Int, extraMACs: Int, count: Int) {
    let nests = Nests(chunks: bounding.chunks, channels: channels)
    let (bits, extraMACs) = traffic(bounding, nests: nests)
    var count = 0
    for layer in bounding.resident.indices where bounding.resident[layer] {
      items[count] = (
        weightBits(nests, layer: layer, resident: false) - weightBits(nests, layer: layer, resident: true),
        weightFootprint(least, layer: layer, resident: true) - weightFootprint(least, layer: layer, resident: false)
      )
      count += 1
    }
    return (bits, extraMACs, count)
  }
}
