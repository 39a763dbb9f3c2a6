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
  /// Bit s: a line buffer keeps one of stage s's tensors (at most 16 stages: `SegmentLimits`).
  let lineBufferStages: Int
  let values: [Int]

  /// The features of the spatial tiling with `rows` and `columns` regions, Scan as `group`
  /// says and `lineBuffers` (per layer), for `model`'s segment (`constants` are its own).
  init(
    model: SegmentModel, constants: SegmentSearchCost.Constants, group: Group, lineBuffers: [Bool], rows: SegmentRegions,
    columns: SegmentRegions
  ) {
    self.group = group
    var stages = 0
    for (tensor, kept) in lineBuffers.enumerated() where kept { stages |= 1 << model.stageOfTensor[tensor] }
    lineBufferStages = stages
    values = SegmentSearchCost.spatialFeatures(constants: constants, scan: group.scan, rows: rows, columns: columns, lineBuffers: lineBuffers)
  }

  /// Whether every schedule of `other`'s tiling has one of this tiling at no more cost: the same
  /// group, no number above `other`'s, and its line-buffered stages among `other`'s. Checked
  /// for every pair the enumeration compares, so on the arrays' storage directly.
  func dominates(_ other: SegmentSpatialFeatures) -> Bool {
    guard group == other.group, lineBufferStages & ~other.lineBufferStages == 0, values.count == other.values.count
    else { return false }
    return values.withUnsafeBufferPointer { mine in
      other.values.withUnsafeBufferPointer { theirs in
        for index in mine.indices where mine[index] > theirs[index] { return false }
        return true
      }
    }
  }
}
