/// What each tensor of a segment has in one spatial tile, as plain sets of rows and columns:
/// the walk's own reading of docs/fusion-model.md ("Halos: recompute or line buffer"), kept
/// apart from `SegmentRegions` so that the two can check each other.
struct WalkTileRegions {
  /// Per tensor: the coordinates its consumers (the next layer, adds reading it) need.
  var neededRows: [Set<Int>]
  var neededColumns: [Set<Int>]
  /// Per tensor: the coordinates computed in this tile (needed, less what a line buffer keeps).
  var computedRows: [Set<Int>]
  var computedColumns: [Set<Int>]
  /// Per tensor: the rows its line buffer keeps from earlier row bands for this tile (none without one).
  var keptRows: [Set<Int>]
}

/// One axis of a tensor's region in a tile in the forms transfers take: the coordinates
/// ascending and as maximal runs. Made once per tile, not at every step that reads it.
struct WalkSpan {
  let sorted: [Int]
  let runs: [ClosedRange<Int>]

  init(_ coordinates: Set<Int>) {
    sorted = coordinates.sorted()
    runs = CoordinateBox.runs(sorted)
  }

  /// A channel range as runs (one, or none when empty).
  static func runs(_ range: Range<Int>) -> [ClosedRange<Int>] {
    range.isEmpty ? [] : [range.lowerBound...(range.upperBound - 1)]
  }
}

/// Per tensor, the spans of what a tile's consumers need and of what the tile computes.
struct WalkTileSpans {
  let neededRows: [WalkSpan]
  let neededColumns: [WalkSpan]
  let computedRows: [WalkSpan]
  let computedColumns: [WalkSpan]

  init(_ regions: WalkTileRegions) {
    neededRows = regions.neededRows.map(WalkSpan.init)
    neededColumns = regions.neededColumns.map(WalkSpan.init)
    computedRows = regions.computedRows.map(WalkSpan.init)
    computedColumns = regions.computedColumns.map(WalkSpan.init)
  }
}

/// Propagates a tile's regions backwards through the chain, one tile after the other, keeping
/// the "computed before" rows that line buffers need.
struct WalkRegionTracker {
  let segment: FusedSegment
  let lineBuffers: [Bool]
  /// Per tensor, every row computed by an earlier tile: what a line buffer on it can still hold.
  private var rowsComputedBefore: [Set<Int>]

  init(segment: FusedSegment, lineBuffers: [Bool]) {
    self.segment = segment
    self.lineBuffers = lineBuffers
    rowsComputedBefore = Array(repeating: [], count: segment.tensorCount)
  }

  /// The regions of the tile covering `rows` x `columns` of the tiled tensor (the last, or a
  /// final global pool's input: the pool's one output pixel is in every tile). Tiles must be
  /// visited in execution order: a line buffer only keeps what earlier tiles computed.
  mutating func regions(rows: Set<Int>, columns: Set<Int>) -> WalkTileRegions {
    let layers = segment.layers
    let count = segment.tensorCount
    var regions = WalkTileRegions(
      neededRows: Array(repeating: [], count: count), neededColumns: Array(repeating: [], count: count),
      computedRows: Array(repeating: [], count: count), computedColumns: Array(repeating: [], count: count),
      keptRows: Array(repeating: [], count: count))
    let tiled = segment.tiledTensor
    regions.neededRows[tiled] = rows
    regions.neededColumns[tiled] = columns
    regions.computedRows[tiled] = rows
    regions.computedColumns[tiled] = columns
    if segment.endsInGlobalPool {
      regions.neededRows[count - 1] = [0]
      regions.neededColumns[count - 1] = [0]
      regions.computedRows[count - 1] = [0]
      regions.computedColumns[count - 1] = [0]
    }
    // Tensor t is read by layer t (through its window; the segment input also by the layers
    // branching from it) and by adds using it as their skip (same coordinates as they compute);
    // every reader has a higher tensor number, so it is settled before t.
    for tensor in stride(from: tiled - 1, through: 0, by: -1) {
      let shape = segment.shape(ofTensor: tensor)
      var neededRows = Set<Int>()
      var neededColumns = Set<Int>()
      // Its readers through their windows (an upsample's: each output's source): layer `tensor`,
      // and layers branching from it.
      for index in tensor..<tiled where segment.inputTensor(ofLayer: index) == tensor {
        let layer = layers[index]
        if layer.kind == .upsample {
          // Output o is input o / f.
          neededRows.formUnion(regions.computedRows[index + 1].map { $0 / layer.stride.height })
          neededColumns.formUnion(regions.computedColumns[index + 1].map { $0 / layer.stride.width })
          continue
        }
        neededRows.formUnion(
          Self.window(
            regions.computedRows[index + 1], kernel: layer.kernel.height, stride: layer.stride.height,
            padding: layer.padding.top, extent: shape.height))
        neededColumns.formUnion(
          Self.window(
            regions.computedColumns[index + 1], kernel: layer.kernel.width, stride: layer.stride.width,
            padding: layer.padding.left, extent: shape.width))
      }
      for (add, reader) in layers.enumerated() {
        if case .layer(let source)? = reader.skip, source + 1 == tensor {
          neededRows.formUnion(regions.computedRows[add + 1])
          neededColumns.formUnion(regions.computedColumns[add + 1])
        }
        // The segment input's line buffer: its held rows also cover what adds read of it.
        if tensor == 0 && lineBuffers[0] && reader.skip == .segmentInput {
          neededRows.formUnion(regions.computedRows[add + 1])
        }
      }
      regions.neededRows[tensor] = neededRows
      regions.neededColumns[tensor] = neededColumns
      regions.computedColumns[tensor] = neededColumns
      if tensor >= 1 && lineBuffers[tensor] {
        // Layer `tensor` keeps its input in a line buffer: rows an earlier band computed are
        // still there, so only the others are computed now.
        regions.keptRows[tensor] = neededRows.intersection(rowsComputedBefore[tensor])
        regions.computedRows[tensor] = neededRows.subtracting(rowsComputedBefore[tensor])
      } else {
        regions.computedRows[tensor] = neededRows
      }
    }
    for tensor in 0..<count { rowsComputedBefore[tensor].formUnion(regions.computedRows[tensor]) }
    return regions
  }

  /// Input coordinates that outputs `produced` read: output o reads o*stride - padding + k for
  /// k in 0..<kernel, except coordinates outside the tensor (padding is never read).
  static func window(_ produced: Set<Int>, kernel: Int, stride: Int, padding: Int, extent: Int) -> Set<Int> {
    var read = Set<Int>()
    for output in produced {
      for offset in 0..<kernel {
        let coordinate = output * stride - padding + offset
        if coordinate >= 0 && coordinate < extent { read.insert(coordinate) }
      }
    }
    return read
  }
}
