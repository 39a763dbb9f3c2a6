/// What a spatial tiling (tile sizes, Scan, line buffers) contributes to a segment's cost,
/// whatever the chunks and residency: two spatial tilings with the same numbers of row and
/// column tiles, Scan and line buffers differ only through these numbers, and a schedule's
/// bits, extra MACs and footprint never decrease when any of them grows. So a spatial tiling
/// whose features are all at least another's (same group) can be dropped from the search.
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
    var lineBuffers: [Bool]
  }

  let group: Group
  let values: [Int]

  init(model: SegmentModel, tiling: SegmentTiling, rows: SegmentRegions, columns: SegmentRegions) {
    group = Group(rowTiles: rows.tileCount, columnTiles: columns.tileCount, scan: tiling.scan, lineBuffers: tiling.lineBuffers)
    let spatial = [LoopLevel(count: rows.tileCount, scanned: false), LoopLevel(count: columns.tileCount, scanned: tiling.scan)]
    func operand(_ row: AxisSummary, _ column: AxisSummary) -> [Int] {
      [
        LoopNestTraffic.loads(levels: spatial, summaries: [row, column]), row.totalLength * column.totalLength,
        row.maximumLength * column.maximumLength,
      ]
    }
    var values = operand(rows.neededSummaries[0], columns.neededSummaries[0])
    for (index, layer) in model.segment.layers.enumerated() {
      let output = index + 1
      let computed = operand(rows.computedSummaries[output], columns.computedSummaries[output])
      values += computed
      values.append(computed[1] - rows.computedOnce[output] * columns.computedOnce[output])
      values.append(rows.retained[index] * columns.neededSummaries[index].maximumLength)
      if layer.skip == .segmentInput {
        values.append(rows.inputCovers[output] && columns.inputCovers[output] ? 0 : 1)
      }
    }
    self.values = values
  }

  func dominates(_ other: SegmentSpatialFeatures) -> Bool {
    group == other.group && zip(values, other.values).allSatisfy { $0 <= $1 }
  }
}
