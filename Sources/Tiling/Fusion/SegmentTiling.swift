/// How a fused segment is run (docs/fusion-model.md):
///
/// - the last layer's output (a final global pool's input: `FusedSegment.tiledTensor`) is cut
///   into spatial tiles of `rows` x `columns`, visited row of tiles by row of tiles, each row left
///   to right or, with `scan`, as a snake;
/// - each channel stage is processed in chunks of `chunks[stage]` channels; a chunk equal to the
///   stage's channels means the stage is **whole**: computed once per spatial tile and held;
/// - each weight tensor is `resident` (loaded once, held for the whole segment) or streamed
///   (its current tile only, reloaded whenever the tile changes);
/// - a layer with a `lineBuffer` keeps the rows of its on-chip input that the next row band
///   needs again, instead of recomputing them (row bands only).
public struct SegmentTiling: Hashable, Sendable, Codable, CustomStringConvertible {
  public var rows: Int
  public var columns: Int
  public var scan: Bool
  public var chunks: [Int]
  /// Per layer; ignored for adds.
  public var resident: [Bool]
  /// Per layer.
  public var lineBuffers: [Bool]

  public init(rows: Int, columns: Int, scan: Bool, chunks: [Int], resident: [Bool], lineBuffers: [Bool]) {
    self.rows = rows
    self.columns = columns
    self.scan = scan
    self.chunks = chunks
    self.resident = resident
    self.lineBuffers = lineBuffers
  }

  /// One spatial tile, whole stages, resident weights, no line buffers.
  public static func untiled(_ segment: FusedSegment) -> SegmentTiling {
    SegmentTiling(
      rows: segment.tiledShape.height, columns: segment.tiledShape.width, scan: false, chunks: segment.stageChannels,
      resident: Array(repeating: true, count: segment.layers.count),
      lineBuffers: Array(repeating: false, count: segment.layers.count))
  }

  /// e.g. `tile 4x56 scan chunks 24/48/32 streamed 0+2 line 1`: the spatial tile, each stage's
  /// chunk, the layers whose weights are streamed (the others are resident) and those keeping a
  /// line buffer on their input.
  public var description: String {
    var parts = ["tile \(rows)x\(columns)\(scan ? " scan" : "")", "chunks " + chunks.map(String.init).joined(separator: "/")]
    let streamed = resident.indices.filter { !resident[$0] }
    if !streamed.isEmpty { parts.append("streamed " + streamed.map(String.init).joined(separator: "+")) }
    let lines = lineBuffers.indices.filter { lineBuffers[$0] }
    if !lines.isEmpty { parts.append("line " + lines.map(String.init).joined(separator: "+")) }
    return parts.joined(separator: " ")
  }
}
