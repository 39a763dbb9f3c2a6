/// What a spatial tiling (tile sizes, Scan, line buffers) contributes to a segment's cost,
/// whatever the chunks and residency: two spatial tilings with the same numbers of row and
/// column tiles and Scan differ only through these numbers and their line buffers, and a
/// schedule's bits, extra MACs and footprint never decrease when any of them grows. Line
/// buffers also restrict the chunkings (a line buffer's stage may not be recomputed), so a
/// spatial tiling whose features are all at least another's of the same group, with the other's
/// line buffers among its own, can be dropped from the search: every schedule it has, the
/// other has too (its chunks and residency are legal there), at no more cost. That also drops
/// line buffers that change nothing (one row band, or rows no two bands share).
///
/// Why these numbers suffice: a DRAM operand with spatial coordinates (the input, a skip) is
/// either held whole for a tile (its loads are the two spatial loops' sliding-window loads,
/// times its channels) or chunked (every step loads a whole new tile: the sum of its region
/// sizes, times its channels and repetitions); weights see only the number of tiles; MACs see
/// the computed region sums and what is computed more than once; the footprint sees the
/// largest regions and the line buffers.
struct SegmentSpatialFeatures: Hashable {
  struct Group: Hashable {
    var rowTiles: Int
    var columnTiles: Int
    var scan: Bool
  }

  let group: Group
  let lineBuffers: [Bool]
  let values: [Int]

  init(model: SegmentModel, tiling: SegmentTiling, rows: SegmentRegions, columns: SegmentRegions) {
    group = Group(rowTiles: rows.tileCount, columnTiles: columns.tileCount, scan: tiling.scan)
    lineBuffers = tiling.lineBuffers
    let layers = model.segment.layers
    var values: [Int] = []
    values.reserveCapacity(3 + 6 * layers.count)
    func operand(_ row: AxisSummary, _ column: AxisSummary) {
      values.append(LoopNestTraffic.spatialLoads(rows: row, columns: column, scanned: tiling.scan))
      values.append(row.totalLength * column.totalLength)
      values.append(row.maximumLength * column.maximumLength)
    }
    operand(rows.neededSummaries[0], columns.neededSummaries[0])
    for (index, layer) in layers.enumerated() {
      let output = index + 1
      let row = rows.computedSummaries[output]
      let column = columns.computedSummaries[output]
      operand(row, column)
      values.append(row.totalLength * column.totalLength - rows.computedOnce[output] * columns.computedOnce[output])
      values.append(rows.retained[index] * columns.neededSummaries[index].maximumLength)
      if layer.skip == .segmentInput {
        values.append(rows.inputCovers[output] && columns.inputCovers[output] ? 0 : 1)
      }
    }
    self.values = values
  }

  func dominates(_ other: SegmentSpatialFeatures) -> Bool {
    group == other.group && zip(lineBuffers, other.lineBuffers).allSatisfy { !$0 || $1 }
      && zip(values, other.values).allSatisfy { $0 <= $1 }
  }
}
