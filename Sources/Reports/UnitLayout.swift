import Tiling

/// A plan unit's schedule as separate CSV fields: tile sizes, loop order, Scan flags, a segment's
/// chunks, streamed weights and line buffers, and the buffer split. Fields that do not apply
/// to the unit are empty.
struct UnitLayout {
  var tile = ""
  var order = ""
  var scan = ""
  var chunks = ""
  var streamedWeights = ""
  var lineBuffers = ""
  var split = ""
  /// Weight and output bits of each layer, `8/8+4/8`.
  var widths = ""

  init(_ unit: PlanUnit) {
    switch unit {
    case .layer(let schedule):
      split = schedule.split.description
      widths = "\(schedule.bits.weight)/\(schedule.bits.output)"
      switch schedule.choice {
      case .gemm(let tiling):
        tile = "m\(tiling.tile.m) k\(tiling.tile.k) n\(tiling.tile.n)"
        order = tiling.order.name
        scan = Self.flags(GEMMDimension.allCases.filter { tiling.scan[$0] }.map(\.rawValue))
      case .convolution(let tiling):
        tile = tiling.order.map { "\($0.rawValue)\(tiling.tile[$0].map(String.init) ?? "*")" }.joined(separator: " ")
        order = tiling.order.map(\.rawValue).joined(separator: "-")
        scan = Self.flags(tiling.order.filter { tiling.scan.contains($0) }.map(\.rawValue))
      case .streaming:
        tile = "streaming"
      }
    case .segment(let schedule):
      let tiling = schedule.tiling
      let layers = schedule.segment.layers
      tile = "rows \(tiling.rows) cols \(tiling.columns)"
      order = "row tiles then column tiles then chunks"
      scan = tiling.scan ? "columns" : "none"
      chunks = tiling.chunks.map(String.init).joined(separator: "/")
      streamedWeights = Self.names(layers.indices.filter { layers[$0].hasWeights && !tiling.resident[$0] }, layers)
      lineBuffers = Self.names(layers.indices.filter { tiling.lineBuffers[$0] }, layers)
      widths = layers.map { "\($0.weightBits)/\($0.outputBits)" }.joined(separator: "+")
      split = unit.split.description
    }
  }

  private static func flags(_ names: [String]) -> String { names.isEmpty ? "none" : names.joined(separator: "+") }

  private static func names(_ indices: [Int], _ layers: [SegmentLayer]) -> String {
    indices.isEmpty ? "none" : indices.map { layers[$0].name }.joined(separator: "+")
  }
}
