/// One DRAM transfer of a segment schedule, as `SegmentWalk` emits it.
package struct SegmentTransfer: Hashable, Sendable, CustomStringConvertible {
  package enum Operand: Hashable, Sendable {
    case input
    /// The skip operand of the add at this layer index, read from DRAM.
    case skip(layer: Int)
    /// The weights of the layer at this index.
    case weights(layer: Int)
    case output
  }

  package enum Direction: Hashable, Sendable { case read, write }

  package var operand: Operand
  package var direction: Direction
  /// Index of the spatial tile in visiting order.
  package var tile: Int
  /// The channels of the tile accessed (output channels for weights).
  package var channels: Range<Int>
  /// The input channels of a mixing layer's weight tile; nil for every other operand.
  package var inputChannels: Range<Int>?
  /// Rows and columns of the tile accessed, ascending (empty for weights).
  package var rows: [Int]
  package var columns: [Int]
  /// Entries moved: the tile accessed less what the operand's held tile already had.
  package var entries: Int
  /// What moved, as disjoint boxes over the operand's axes (channels, rows, columns; weights:
  /// output channels, input channels of a mixing layer, kernel positions); filled in only when
  /// the walk is asked for regions.
  package var moved: [CoordinateBox] = []

  package var description: String {
    let spatial = rows.isEmpty ? "" : " rows \(rows) columns \(columns)"
    let inputs = inputChannels.map { " x in \($0)" } ?? ""
    return "tile \(tile) \(direction) \(operand) channels \(channels)\(inputs)\(spatial): \(entries)"
  }
}

/// What a segment schedule does, in order, as `SegmentWalk.events()` runs it: the script an
/// executor follows (FixedPoint's segment executor computes on it and counts its own transfers).
package enum SegmentWalkEvent: Hashable, Sendable {
  /// A spatial tile begins.
  case tile(SegmentTileRegions)
  /// A DRAM operand makes this tile the one it holds, keeping what it already had; `entries` is
  /// what it did not hold (0 when nothing is new).
  case access(SegmentTransfer)
  /// Layer `layer` runs on its output channels `outputs` over the tile's computed region of its
  /// output, reading input channels `inputs` (a mixing layer's current input chunk; for other
  /// layers the same channels as `outputs`). A mixing layer's outputs are complete once it has
  /// run on the last input chunk. A final global pool adds the tile's computed region of its
  /// input into its sums instead (its output region is its one pixel).
  case execute(layer: Int, outputs: Range<Int>, inputs: Range<Int>)
  /// A complete output tile goes to DRAM (a global pool's averages, after the last tile).
  case write(SegmentTransfer)
}

/// What each tensor of a segment has in one spatial tile (tensor 0 is the segment input, tensor
/// i + 1 the output of layer i), coordinates ascending.
package struct SegmentTileRegions: Hashable, Sendable {
  /// The tile's index in visiting order.
  package var tile: Int
  /// The rows and columns of each tensor the tile's consumers read.
  package var neededRows: [[Int]]
  package var neededColumns: [[Int]]
  /// The rows and columns of each tensor computed in this tile (needed less what a line buffer keeps).
  package var computedRows: [[Int]]
  package var computedColumns: [[Int]]
  /// The rows of each tensor its line buffer keeps from earlier tiles (empty without one).
  package var keptRows: [[Int]]

  init(tile: Int, _ regions: WalkTileRegions) {
    self.tile = tile
    neededRows = regions.neededRows.map { $0.sorted() }
    neededColumns = regions.neededColumns.map { $0.sorted() }
    computedRows = regions.computedRows.map { $0.sorted() }
    computedColumns = regions.computedColumns.map { $0.sorted() }
    keptRows = regions.keptRows.map { $0.sorted() }
  }
}

/// Enumerates a fused segment's schedule step by step from the definition
/// (docs/fusion-model.md): spatial tiles in order, in each the nests of chunk loops, at each
/// innermost step every DRAM operand of the nest accessing its tile and the layers whose inputs
/// are complete executing. It is the reference `SegmentModel` is checked against, so it shares
/// none of its code: regions are propagated per tile with plain sets, the loops are run, and
/// traffic is what each operand's new tile does not share with the tile it holds.
///
/// Where the doc leaves room, the walk reads it as follows:
/// - halo MACs are MACs on output pixels an earlier tile already computed, chunk MACs those
///   of an execution (layer, output chunk, input chunk) already run in the same tile; pixels
///   no later layer reads are never computed, so the MACs can fall below the layer's count;
/// - a line buffer holds its kept rows at the columns the band has of its tensor (which a
///   strided consumer may leave narrower than the tensor), for all channels of its stage;
/// - a region needed both by a window and by an add is the union per axis (rows x columns);
/// - an add reading the segment input is free only if stage 0 is whole and the skip tile is in
///   the input's held tile at every execution (see `record()`).
///
/// The tiling must be legal (`SegmentModel.validate`): line buffers need row bands.
package struct SegmentWalk: Sendable {
  package let segment: FusedSegment
  package let tiling: SegmentTiling
  package let psumWidth: Int

  package init(segment: FusedSegment, tiling: SegmentTiling, psumWidth: Int = 1) {
    self.segment = segment
    self.tiling = tiling
    self.psumWidth = psumWidth
  }

  /// Every DRAM transfer, in execution order; with `regions`, each says which boxes moved.
  package func transfers(regions: Bool = false) -> [SegmentTransfer] { record(regions: regions).transfers }

  /// Every tile, operand access (with the boxes that moved), layer execution and output write,
  /// in execution order.
  package func events() -> [SegmentWalkEvent] {
    var events: [SegmentWalkEvent] = []
    forEachEvent { events.append($0) }
    return events
  }

  /// Hands `visit` every event of `events()` as the walk makes it, keeping none: a schedule of
  /// tens of millions of steps (small tiles, single-channel chunks) needs no memory for its
  /// script, which the executor carries out as it comes.
  package func forEachEvent(_ visit: @escaping (SegmentWalkEvent) -> Void) { _ = record(onEvent: visit, regions: true) }

  /// Entries moved per operand.
  package func traffic() -> SegmentTraffic { Self.traffic(of: record().transfers, layers: segment.layers.count) }

  /// Traffic, bits, static footprint and MACs, in `SegmentModel`'s terms.
  package func cost() -> SegmentCost {
    let record = record()
    let traffic = Self.traffic(of: record.transfers, layers: segment.layers.count)
    return SegmentCost(
      traffic: traffic, bits: bits(of: record.transfers), footprint: record.largest.reduce(0, +),
      macs: record.macs, haloMACs: record.haloMACs, chunkMACs: record.chunkMACs)
  }

  /// The walk's record. An add reading the segment input finds it free in the input's buffer
  /// only if it is there at every one of its executions, and (the doc's words) stage 0 is
  /// whole: a static buffer split either gives the skip its own slot or does not. So a first
  /// run, with those skips free, watches the input's held tile at each such add; the second
  /// reads from DRAM the skips that were not always found.
  func record(onEvent: ((SegmentWalkEvent) -> Void)? = nil, regions: Bool = false) -> WalkRecord {
    let layers = segment.layers
    let external = Set(layers.indices.filter { if case .external? = layers[$0].skip { true } else { false } })
    let fromInput = Set(layers.indices.filter { layers[$0].skip == .segmentInput })
    var probe = WalkRun(
      walk: self, skipsFromDRAM: external, onEvent: fromInput.isEmpty ? onEvent : nil,
      recordsRegions: regions && fromInput.isEmpty)
    guard !fromInput.isEmpty else { return probe.execute() }
    let observed = probe.execute()
    let stageZeroWhole = tiling.chunks[0] >= segment.input.channels
    let free = stageZeroWhole ? observed.inputSkipsAlwaysHeld : []
    var run = WalkRun(
      walk: self, skipsFromDRAM: external.union(fromInput.subtracting(free)), onEvent: onEvent, recordsRegions: regions)
    var record = run.execute()
    record.inputSkipsAlwaysHeld = observed.inputSkipsAlwaysHeld
    return record
  }

  static func traffic(of transfers: [SegmentTransfer], layers: Int) -> SegmentTraffic {
    var traffic = SegmentTraffic(
      inputReads: 0, skipReads: Array(repeating: 0, count: layers), weightReads: Array(repeating: 0, count: layers),
      outputWrites: 0)
    for transfer in transfers {
      switch transfer.operand {
      case .input: traffic.inputReads += transfer.entries
      case .skip(let layer): traffic.skipReads[layer] += transfer.entries
      case .weights(let layer): traffic.weightReads[layer] += transfer.entries
      case .output: traffic.outputWrites += transfer.entries
      }
    }
    return traffic
  }

  /// Each transfer weighted by its operand's width.
  func bits(of transfers: [SegmentTransfer]) -> Int {
    let layers = segment.layers
    return transfers.reduce(0) { total, transfer in
      let width: Int
      switch transfer.operand {
      case .input: width = segment.inputBits
      case .weights(let layer): width = layers[layer].weightBits
      case .output: width = layers[layers.count - 1].outputBits
      case .skip(let layer):
        if case .external(_, let bits)? = layers[layer].skip { width = bits } else { width = segment.inputBits }
      }
      return total + transfer.entries * width
    }
  }
}

/// What one run of the walk saw.
struct WalkRecord {
  var transfers: [SegmentTransfer] = []
  var macs = 0
  var haloMACs = 0
  var chunkMACs = 0
  /// The most entries each buffer ever held, by `WalkBuffer.slot(layers:)`.
  var largest: [Int] = []
  /// Adds reading the segment input that found their skip tile inside the input's held tile
  /// at every execution.
  var inputSkipsAlwaysHeld: Set<Int> = []
}

/// The regions of the static buffer split.
enum WalkBuffer: Hashable {
  case input
  case output(layer: Int)
  case lineBuffer(layer: Int)
  case skip(layer: Int)
  case weights(layer: Int)

  /// Regions of a segment of `layers` layers: the input's and four per layer.
  static func count(layers: Int) -> Int { 1 + 4 * layers }

  /// This region's place among `count(layers:)`: the walk keeps its tallies in an array, not a
  /// dictionary, since it updates them at every step.
  func slot(layers: Int) -> Int {
    switch self {
    case .input: 0
    case .output(let layer): 1 + layer
    case .lineBuffer(let layer): 1 + layers + layer
    case .skip(let layer): 1 + 2 * layers + layer
    case .weights(let layer): 1 + 3 * layers + layer
    }
  }
}

extension SegmentTransfer.Operand {
  /// DRAM operands of a segment of `layers` layers: input, output, and a skip and weights per layer.
  static func count(layers: Int) -> Int { 2 + 2 * layers }

  /// This operand's place among `count(layers:)`.
  func slot(layers: Int) -> Int {
    switch self {
    case .input: 0
    case .output: 1
    case .skip(let layer): 2 + layer
    case .weights(let layer): 2 + layers + layer
    }
  }
}

/// One nest of chunk loops: it computes stages `low...top` once per spatial tile; its loops are
/// the chunked stages among them, higher stage outermost.
struct WalkNest {
  let low: Int
  let top: Int
  let loops: [Int]
  let counts: [Int]

  func contains(_ stage: Int) -> Bool { (low...top).contains(stage) }

  /// Every innermost step: one chunk index per loop, the last loop running fastest, forward.
  func steps() -> [[Int]] {
    var steps: [[Int]] = []
    var index = Array(repeating: 0, count: loops.count)
    while true {
      steps.append(index)
      var level = loops.count - 1
      while level >= 0 {
        index[level] += 1
        if index[level] < counts[level] { break }
        index[level] = 0
        level -= 1
      }
      if level < 0 { return steps }
    }
  }
}
