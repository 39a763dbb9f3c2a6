/// What a spatial tiling (tile sizes, Scan, line buffers) contributes to a segment's cost,
/// whatever the chunks and residency: two spatial tilings with the same numbers of row and
/// column tiles and Scan differ only through these numbers and their line buffers, and a
/// schedule's bits, extra MACs and footprint never decrease when any of them grows. Line
/// buffers also restrict the chunkings, but only through their stages (a stage holding a line
/// buffer may not be recomputed: `SegmentModel.validate`), so a spatial tiling whose features
/// are all at least another's of the same group, with the other's line-buffered stages among
/// its own, can be dropped from the search: every schedule it has, the other has too (its
/// chunks and residency are legal there), at no more cost. That also drops line buffers that
/// change nothing (one row band, or rows no two bands share), and of two tilings that keep
/// lines in the same stages (say before and after a depthwise layer) one that costs no less.
///
/// The numbers are `SegmentSearchCost`'s spatial terms (`SegmentSearchCost.spatialFeatures`),
/// summed where the chunks multiply them alike: every cost there is a sum of such terms times
/// factors of the chunks alone, never negative, and terms with the same factor (the layers of
/// one stage) add up.
struct SegmentSpatialFeatures {
  struct Group: Hashable {
    var rowTiles: Int
    var columnTiles: Int
    var scan: Bool
  }

  let group: Group
  /// Per stage, whether a line buffer keeps one of its tensors.
  let lineBufferStages: [Bool]
  let values: [Int]

  /// The features of the spatial tiling with `rows` and `columns` regions, Scan as `group`
  /// says and `lineBuffers` (per layer), for `model`'s segment (`constants` are its own).
  init(
    model: SegmentModel, constants: SegmentSearchCost.Constants, group: Group, lineBuffers: [Bool], rows: SegmentRegions,
    columns: SegmentRegions
  ) {
    self.group = group
    var stages = Array(repeating: false, count: model.stageChannels.count)
    for (tensor, kept) in lineBuffers.enumerated() where kept { stages[model.stageOfTensor[tensor]] = true }
    lineBufferStages = stages
    values = SegmentSearchCost.spatialFeatures(constants: constants, scan: group.scan, rows: rows, columns: columns, lineBuffers: lineBuffers)
  }

  func dominates(_ other: SegmentSpatialFeatures) -> Bool {
    group == other.group && zip(lineBufferStages, other.lineBufferStages).allSatisfy { !$0 || $1 }
      && zip(values, other.values).allSatisfy { $0 <= $1 }
  }
}
