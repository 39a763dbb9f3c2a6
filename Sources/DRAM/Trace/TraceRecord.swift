import Tiling

/// Where a DRAM transaction came from in dse's schedule: the six annotation columns of a CSV trace.
/// Formats other than `csv` drop it.
public struct TraceAnnotation: Hashable, Sendable {
  /// The burst size, in bytes (at least 0).
  public var bytes: Int
  /// The bytes of the burst the schedule needs, from 0 to `bytes`.
  public var usefulBytes: Int
  /// The index of the plan unit (layer or fused segment) that issued it, from 0.
  public var unit: Int
  /// The layer's name (any text; quoted in the CSV when it holds a comma, a quote or a line break).
  public var layer: String
  /// The operand the transaction serves.
  public var operand: UnitTransfer.Operand
  /// The tensor's name (any text, quoted like `layer`).
  public var tensor: String
  /// The index of the tile step in the unit's walk, from 0.
  public var tile: Int64

  /// An annotation; `problem` tells whether it is valid.
  public init(bytes: Int, usefulBytes: Int, unit: Int, layer: String, operand: UnitTransfer.Operand, tensor: String, tile: Int64) {
    self.bytes = bytes
    self.usefulBytes = usefulBytes
    self.unit = unit
    self.layer = layer
    self.operand = operand
    self.tensor = tensor
    self.tile = tile
  }

  /// What makes the annotation unwritable, or nil when it is valid: the CSV column and the reason.
  /// The writer refuses what the reader would refuse, so every written trace reads back.
  public var problem: (field: String, message: String)? {
    if bytes < 0 { return ("bytes", "bytes \(bytes) is negative") }
    if usefulBytes < 0 { return ("useful_bytes", "useful_bytes \(usefulBytes) is negative") }
    if usefulBytes > bytes { return ("useful_bytes", "useful_bytes \(usefulBytes) is more than bytes \(bytes)") }
    if unit < 0 { return ("unit", "unit \(unit) is negative") }
    if tile < 0 { return ("tile", "tile \(tile) is negative") }
    return nil
  }
}

/// One line of a trace: the request, and, in CSV traces, where it came from.
public struct TraceRecord: Hashable, Sendable {
  /// The address, direction and arrival cycle.
  public var request: DRAMRequest
  /// The schedule's annotation; nil when the trace has none (every format but `csv`, or empty CSV columns).
  public var annotation: TraceAnnotation?

  /// A record of `request`, annotated or not.
  public init(_ request: DRAMRequest, annotation: TraceAnnotation? = nil) {
    self.request = request
    self.annotation = annotation
  }

  /// The record as `format` keeps it: the cycle becomes 0 where the format has no cycles
  /// (`ramulator2`, `ramulator`) and the annotation nil where it has none (all but `csv`).
  /// Writing a record and reading it back gives exactly this.
  public func kept(by format: TraceFormat) -> TraceRecord {
    var copy = self
    if !format.hasCycles { copy.request.cycle = 0 }
    if !format.hasAnnotations { copy.annotation = nil }
    return copy
  }
}
