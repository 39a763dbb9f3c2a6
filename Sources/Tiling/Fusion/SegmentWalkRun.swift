/// One innermost step of a nest: the chunk each loop is on.
struct WalkStep {
  let nest: WalkNest
  let index: [Int]
  let chunks: [Int]
  let stageChannels: [Int]

  /// The channels of `stage` this step works on: its current chunk if the nest loops over it,
  /// else all of them (a whole stage, or the previous nest's top, held for the tile).
  func channels(ofStage stage: Int) -> Range<Int> {
    guard let level = nest.loops.firstIndex(of: stage) else { return 0..<stageChannels[stage] }
    let size = chunks[stage]
    return (index[level] * size)..<min((index[level] + 1) * size, stageChannels[stage])
  }

  /// Whether every loop over a stage below `stage` is on its last chunk: after this step, the
  /// current chunk of `stage` has received every chunk below it.
  func completes(below stage: Int) -> Bool {
    nest.loops.indices.allSatisfy { nest.loops[$0] >= stage || index[$0] == nest.counts[$0] - 1 }
  }

  var isFirst: Bool { index.allSatisfy { $0 == 0 } }
}

/// One run of the walk over every spatial tile, with a fixed set of adds whose skip operand
/// comes from DRAM.
struct WalkRun {
  let segment: FusedSegment
  let tiling: SegmentTiling
  let psumWidth: Int
  let skipsFromDRAM: Set<Int>
  /// Where each event goes as it happens, when asked for (nil: no events are made). The run's
  /// transfers are then not kept: the receiver sees each in its event.
  let onEvent: ((SegmentWalkEvent) -> Void)?
  /// Whether each transfer says which boxes moved (the stream's regions; off for counting).
  let recordsRegions: Bool
  let stageOfTensor: [Int]
  let stageChannels: [Int]
  let nests: [WalkNest]
  private var tracker: WalkRegionTracker
  private var record = WalkRecord()
  /// Per layer, what the steps read of it (copying a `SegmentLayer` at every step would cost).
  private let kinds: [SegmentLayer.Kind]
  /// `FusedSegment.startsStage`, per layer: a layer that folds in each chunk of its input stage.
  private let startsStage: [Bool]
  private let hasWeights: [Bool]
  private let outputChannels: [Int]
  private let inputChannels: [Int]
  private let kernelAreas: [Int]
  /// The stage of the tensor each layer reads (the segment input's for a branch).
  private let inputStages: [Int]
  /// The one tile each DRAM operand holds (activations: channels x rows x columns; weights:
  /// output channels x a mixing layer's input channels x kernel positions), by operand slot.
  private var held: [CoordinateBox?]
  /// What names each operand's held tile cheaply (an activation's spatial tile and channels, a
  /// weight tile's channel chunks), by operand slot: an access with the same name is the same
  /// tile, so nothing moves and its box need not be built.
  private var heldNames: [SIMD4<Int>?]
  /// Per layer, its resident weights' tile: the whole tensor, the same value at every step.
  private let residentWeights: [CoordinateBox?]
  /// Per layer, its output pixels (row * width + column) computed by earlier tiles: computing
  /// them again is halo recompute.
  private var pixelsComputedBefore: [Set<Int>]
  /// Per layer and execution (output chunk, input chunk: a flat index), the last tile it ran
  /// in: running one again in the same tile is chunk recompute.
  private var lastTileOfExecution: [[Int]]
  /// Per layer, how many of its output pixels in this tile an earlier tile computed (the same
  /// at every step of the tile: counted at its first execution).
  private var recomputedPixelsInTile: [Int?] = []
  /// Adds reading the segment input that once did not find it in the input's held tile.
  private var inputSkipMisses: Set<Int> = []
  /// The number of the last spatial tile, after which a final global pool's sums are complete.
  private var lastTile = 0
  /// `FusedSegment.concatChannels`, once (nil without a final concat).
  private let concatChannels: (chain: Int, skip: Range<Int>)?

  init(
    walk: SegmentWalk, skipsFromDRAM: Set<Int>, onEvent: ((SegmentWalkEvent) -> Void)? = nil, recordsRegions: Bool = false
  ) {
    segment = walk.segment
    tiling = walk.tiling
    psumWidth = walk.psumWidth
    self.skipsFromDRAM = skipsFromDRAM
    self.onEvent = onEvent
    self.recordsRegions = recordsRegions
    let stages = segment.stageOfTensor
    let channels = segment.stageChannels
    stageOfTensor = stages
    stageChannels = channels
    nests = Self.nests(chunks: tiling.chunks, stageChannels: channels)
    tracker = WalkRegionTracker(segment: segment, lineBuffers: tiling.lineBuffers)
    let layers = segment.layers
    pixelsComputedBefore = Array(repeating: [], count: layers.count)
    kinds = layers.map(\.kind)
    startsStage = layers.indices.map(segment.startsStage)
    hasWeights = layers.map(\.hasWeights)
    outputChannels = layers.map(\.output.channels)
    inputChannels = layers.map(\.input.channels)
    kernelAreas = layers.map { $0.kernel.height * $0.kernel.width }
    let inputStages = layers.indices.map { stages[walk.segment.inputTensor(ofLayer: $0)] }
    self.inputStages = inputStages
    held = Array(repeating: nil, count: SegmentTransfer.Operand.count(layers: layers.count))
    heldNames = held.map { _ in nil }
    concatChannels = segment.concatChannels
    lastTileOfExecution = layers.indices.map { index in
      let count = { (stage: Int) in Self.chunkCount(stage, chunks: walk.tiling.chunks, stageChannels: channels) }
      return Array(repeating: -1, count: count(stages[index + 1]) * count(inputStages[index]))
    }
    record.largest = Array(repeating: 0, count: WalkBuffer.count(layers: layers.count))
    residentWeights = layers.indices.map { index in
      let layer = layers[index]
      guard layer.hasWeights && walk.tiling.resident[index] else { return nil }
      return Self.weightTile(
        outputs: 0..<layer.output.channels, inputs: layer.kind == .mixing ? 0..<layer.input.channels : nil,
        kernelArea: layer.kernel.height * layer.kernel.width)
    }
  }

  /// An activation tile: channels x rows x columns.
  static func activationTile(_ channels: Range<Int>, _ rows: WalkSpan, _ columns: WalkSpan) -> CoordinateBox {
    CoordinateBox([WalkSpan.runs(channels), rows.runs, columns.runs])
  }

  /// A weight tile: output channels x a mixing layer's input channels x every kernel position.
  static func weightTile(outputs: Range<Int>, inputs: Range<Int>?, kernelArea: Int) -> CoordinateBox {
    CoordinateBox([WalkSpan.runs(outputs)] + (inputs.map { [WalkSpan.runs($0)] } ?? []) + [WalkSpan.runs(0..<kernelArea)])
  }

  /// Chunks of a stage.
  static func chunkCount(_ stage: Int, chunks: [Int], stageChannels: [Int]) -> Int {
    (stageChannels[stage] + chunks[stage] - 1) / chunks[stage]
  }

  /// A nest per top: every whole stage from 1 on, and the last stage. Each runs the stages
  /// above the previous top, looping over the chunked ones, higher stage outermost.
  static func nests(chunks: [Int], stageChannels: [Int]) -> [WalkNest] {
    let last = stageChannels.count - 1
    var nests: [WalkNest] = []
    var low = 0
    for top in stageChannels.indices where top == last || (top >= 1 && chunks[top] >= stageChannels[top]) {
      let loops = (low...top).reversed().filter { chunks[$0] < stageChannels[$0] }
      let counts = loops.map { chunkCount($0, chunks: chunks, stageChannels: stageChannels) }
      nests.append(WalkNest(low: low, top: top, loops: loops, counts: counts))
      low = top + 1
    }
    return nests
  }

  /// Visits the spatial tiles of the tiled tensor (the output, or a final global pool's input):
  /// rows of tiles outermost, each row left to right, or as a snake with `scan`.
  mutating func execute() -> WalkRecord {
    let output = segment.tiledShape
    let rowTiles = (output.height + tiling.rows - 1) / tiling.rows
    let columnTiles = (output.width + tiling.columns - 1) / tiling.columns
    lastTile = rowTiles * columnTiles - 1
    var tile = 0
    for rowTile in 0..<rowTiles {
      let forward = !tiling.scan || rowTile % 2 == 0
      for position in 0..<columnTiles {
        let columnTile = forward ? position : columnTiles - 1 - position
        let rows = Set((rowTile * tiling.rows)..<min((rowTile + 1) * tiling.rows, output.height))
        let columns = Set((columnTile * tiling.columns)..<min((columnTile + 1) * tiling.columns, output.width))
        visit(tile: tile, rows: rows, columns: columns)
        tile += 1
      }
    }
    let readers = segment.layers.indices.filter { segment.layers[$0].skip == .segmentInput }
    record.inputSkipsAlwaysHeld = Set(readers).subtracting(inputSkipMisses)
    return record
  }

  private mutating func visit(tile: Int, rows: Set<Int>, columns: Set<Int>) {
    let regions = tracker.regions(rows: rows, columns: columns)
    let spans = WalkTileSpans(regions)
    onEvent?(.tile(SegmentTileRegions(tile: tile, regions)))
    // (The segment input's line buffer is its own slot, which holds the rows it keeps.)
    for layer in segment.layers.indices.dropFirst() where tiling.lineBuffers[layer] {
      // The rows kept, at the width the band has of the tensor, for every channel of its stage.
      let entries = regions.keptRows[layer].count * regions.neededColumns[layer].count * stageChannels[stageOfTensor[layer]]
      hold(.lineBuffer(layer: layer), entries)
    }
    recomputedPixelsInTile = Array(repeating: nil, count: segment.layers.count)
    let outputRows = segment.endsInGlobalPool ? WalkSpan([0]) : spans.computedRows[segment.tiledTensor]
    let outputColumns = segment.endsInGlobalPool ? WalkSpan([0]) : spans.computedColumns[segment.tiledTensor]
    for nest in nests {
      for index in nest.steps() {
        let step = WalkStep(nest: nest, index: index, chunks: tiling.chunks, stageChannels: stageChannels)
        accessOperands(step, tile: tile, spans: spans)
        for layer in segment.layers.indices where nest.contains(stageOfTensor[layer + 1]) && isReady(layer, step) {
          execute(layer, step, tile: tile, regions: regions, spans: spans)
        }
        let last = stageChannels.count - 1
        // A global pool's averages are complete only once its last tile is added in.
        if nest.top == last && step.completes(below: last) && (!segment.endsInGlobalPool || tile == lastTile) {
          let chunk = step.channels(ofStage: last)
          if let concat = concatChannels {
            // A final concat: the chain's chunk at its channels of the output, and with the
            // first chunk the skip operand's tile (held for the tile: on chip, its stage
            // whole, or loaded from DRAM with the tile's first step).
            var parts = [(chunk.lowerBound + concat.chain)..<(chunk.upperBound + concat.chain)]
            if chunk.lowerBound == 0 { parts.append(concat.skip) }
            for part in parts.sorted(by: { $0.lowerBound < $1.lowerBound }) {
              writeOutput(part, tile: tile, rows: outputRows, columns: outputColumns)
            }
          } else {
            writeOutput(chunk, tile: tile, rows: outputRows, columns: outputColumns)
          }
        }
      }
    }
    for (index, layer) in segment.layers.enumerated() where layer.hasWeights {
      let width = layer.output.width
      for row in regions.computedRows[index + 1] {
        for column in regions.computedColumns[index + 1] { pixelsComputedBefore[index].insert(row * width + column) }
      }
    }
  }

  /// Whether a layer runs at this step.
  private func isReady(_ index: Int, _ step: WalkStep) -> Bool {
    let stage = stageOfTensor[index + 1]
    // A whole stage below its nest's top (only stage 0: every other whole stage tops a nest)
    // is computed once per tile, before the loops read it.
    if stage != step.nest.top && !step.nest.loops.contains(stage) { return step.isFirst }
    // A mixing layer or a concat inside the segment folds in each chunk of its input stage
    // once that chunk is complete; a depthwise layer or an add works on a chunk of its own
    // stage once that one is.
    return step.completes(below: startsStage[index] ? inputStages[index] : stage)
  }

  /// Every DRAM operand living in the step's nest accesses its tile.
  private mutating func accessOperands(_ step: WalkStep, tile: Int, spans: WalkTileSpans) {
    // The segment input lives in the nest of its consumer, layer 0.
    if step.nest.contains(stageOfTensor[1]) {
      let channels = step.channels(ofStage: 0)
      load(.input, into: .input, tile: tile, channels: channels, rows: spans.neededRows[0], columns: spans.neededColumns[0])
    }
    for index in kinds.indices where step.nest.contains(stageOfTensor[index + 1]) {
      if hasWeights[index] { loadWeights(index, step, tile: tile) }
      if skipsFromDRAM.contains(index) {
        // An add's skip in its stage's chunk; a concat's, all its channels for the tile.
        let channels = kinds[index] == .concat ? 0..<segment.layers[index].skipChannels : step.channels(ofStage: stageOfTensor[index + 1])
        load(
          .skip(layer: index), into: .skip(layer: index), tile: tile, channels: channels,
          rows: spans.computedRows[index + 1], columns: spans.computedColumns[index + 1])
      }
    }
  }

  /// An activation tile: loads what the operand's held tile does not have, then holds it.
  private mutating func load(
    _ operand: SegmentTransfer.Operand, into buffer: WalkBuffer, tile: Int, channels: Range<Int>, rows: WalkSpan,
    columns: WalkSpan
  ) {
    load(
      operand, named: SIMD4(tile, channels.lowerBound, channels.upperBound, 0), into: buffer,
      block: { Self.activationTile(channels, rows, columns) },
      transfer: {
        SegmentTransfer(
          operand: operand, direction: .read, tile: tile, channels: channels, inputChannels: nil, rows: rows.sorted,
          columns: columns.sorted, entries: 0)
      })
  }

  /// A weight tile: the whole tensor when resident, else the current chunk of its output
  /// stage (and of its input stage for a mixing layer), for every kernel position.
  private mutating func loadWeights(_ index: Int, _ step: WalkStep, tile: Int) {
    let resident = residentWeights[index]
    let outputs = resident != nil ? 0..<outputChannels[index] : step.channels(ofStage: stageOfTensor[index + 1])
    let inputs: Range<Int>? =
      kinds[index] != .mixing
      ? nil
      : resident != nil ? 0..<inputChannels[index] : step.channels(ofStage: inputStages[index])
    let area = kernelAreas[index]
    load(
      .weights(layer: index),
      named: SIMD4(outputs.lowerBound, outputs.upperBound, inputs?.lowerBound ?? -1, inputs?.upperBound ?? -1),
      into: .weights(layer: index),
      block: { resident ?? Self.weightTile(outputs: outputs, inputs: inputs, kernelArea: area) },
      transfer: {
        SegmentTransfer(
          operand: .weights(layer: index), direction: .read, tile: tile, channels: outputs, inputChannels: inputs, rows: [],
          columns: [], entries: 0)
      })
  }

  /// Makes the tile `name` names the operand's held tile, loading what the previous one did not
  /// have (the intersection of two products is the product of the intersections).
  private mutating func load(
    _ operand: SegmentTransfer.Operand, named name: SIMD4<Int>, into buffer: WalkBuffer, block: () -> CoordinateBox,
    transfer: () -> SegmentTransfer
  ) {
    let slot = operand.slot(layers: kinds.count)
    guard heldNames[slot] != name else {
      // The held tile again: the buffer's largest tile is unchanged and nothing moves.
      onEvent?(.access(transfer()))
      return
    }
    let block = block()
    let previous = held[slot]
    let count = block.count
    let entries = previous.map { count - block.intersection($0).count } ?? count
    held[slot] = block
    heldNames[slot] = name
    hold(buffer, count)
    var transfer = transfer()
    transfer.entries = entries
    if recordsRegions && entries > 0 {
      transfer.moved = previous.map { block.subtracting($0) } ?? [block]
    }
    onEvent?(.access(transfer))
    guard entries > 0 else { return }
    if onEvent == nil { record.transfers.append(transfer) }
  }

  private mutating func hold(_ buffer: WalkBuffer, _ entries: Int) {
    let slot = buffer.slot(layers: kinds.count)
    record.largest[slot] = max(record.largest[slot], entries)
  }

  /// Runs a layer on the step's chunks over its computed region.
  private mutating func execute(_ index: Int, _ step: WalkStep, tile: Int, regions: WalkTileRegions, spans: WalkTileSpans) {
    let kind = kinds[index]
    let rows = regions.computedRows[index + 1]
    let columns = regions.computedColumns[index + 1]
    let outputs = step.channels(ofStage: stageOfTensor[index + 1])
    if kind == .globalAveragePool {
      // Adds the chunk's tile of its input into sums kept for every channel, over all tiles.
      onEvent?(.execute(layer: index, outputs: outputs, inputs: outputs))
      return hold(.output(layer: index), outputChannels[index] * psumWidth)
    }
    if kind == .concat && !startsStage[index] {
      // At the end: its operands' tiles go to DRAM from their own buffers (`writeOutput`).
      onEvent?(.execute(layer: index, outputs: outputs, inputs: outputs))
      return
    }
    if kind == .concat {
      // Inside: the chain's chunk (with the first, the skip's tile) copied into its buffer of
      // every channel.
      onEvent?(.execute(layer: index, outputs: outputs, inputs: step.channels(ofStage: inputStages[index])))
      return hold(.output(layer: index), outputs.count * rows.count * columns.count)
    }
    guard kind != .add else {
      onEvent?(.execute(layer: index, outputs: outputs, inputs: outputs))
      // In place over its chain input, unless a later add still reads that.
      if !segment.addWritesInPlace(index) { hold(.output(layer: index), outputs.count * rows.count * columns.count) }
      return checkInputSkip(index, channels: outputs, rows: spans.computedRows[index + 1], columns: spans.computedColumns[index + 1])
    }
    let inputs = kind == .mixing ? step.channels(ofStage: inputStages[index]) : outputs
    onEvent?(.execute(layer: index, outputs: outputs, inputs: inputs))
    // A max pool compares, it does not multiply: no MACs, as in the layer-by-layer model.
    let perPixel = hasWeights[index] ? outputs.count * (kind == .mixing ? inputs.count : 1) * kernelAreas[index] : 0
    let pixels = rows.count * columns.count
    hold(.output(layer: index), outputs.count * pixels * (kind == .mixing ? psumWidth : 1))
    record.macs += perPixel * pixels
    let outputChunk = outputs.lowerBound / tiling.chunks[stageOfTensor[index + 1]]
    let inputStage = inputStages[index]
    let inputChunk = inputs.lowerBound / tiling.chunks[inputStage]
    let execution = outputChunk * Self.chunkCount(inputStage, chunks: tiling.chunks, stageChannels: stageChannels) + inputChunk
    guard lastTileOfExecution[index][execution] != tile else {
      record.chunkMACs += perPixel * pixels
      return
    }
    lastTileOfExecution[index][execution] = tile
    let width = segment.layers[index].output.width
    let again =
      recomputedPixelsInTile[index]
      ?? rows.reduce(0) { sum, row in sum + columns.count { pixelsComputedBefore[index].contains(row * width + $0) } }
    recomputedPixelsInTile[index] = again
    record.haloMACs += perPixel * again
  }

  /// An add reading the segment input: is its skip tile inside the input's held tile now?
  private mutating func checkInputSkip(_ index: Int, channels: Range<Int>, rows: WalkSpan, columns: WalkSpan) {
    guard segment.layers[index].skip == .segmentInput else { return }
    let wanted = Self.activationTile(channels, rows, columns)
    let held = held[SegmentTransfer.Operand.input.slot(layers: kinds.count)]
    let found = held.map { wanted.intersection($0).count == wanted.count } ?? (wanted.count == 0)
    if !found { inputSkipMisses.insert(index) }
  }

  /// A complete output tile (one chunk of the last stage over the spatial tile; of a global
  /// pool, one chunk of its averages after the last tile) goes to DRAM.
  private mutating func writeOutput(_ channels: Range<Int>, tile: Int, rows: WalkSpan, columns: WalkSpan) {
    var transfer = SegmentTransfer(
      operand: .output, direction: .write, tile: tile, channels: channels, inputChannels: nil, rows: rows.sorted,
      columns: columns.sorted, entries: channels.count * rows.sorted.count * columns.sorted.count)
    if recordsRegions { transfer.moved = [Self.activationTile(channels, rows, columns)] }
    if onEvent == nil { record.transfers.append(transfer) }
    onEvent?(.write(transfer))
  }
}
