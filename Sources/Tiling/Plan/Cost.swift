/// What a unit of a plan, or a whole plan, moves and costs: the one cost record of the library,
/// the C ABI and the CSVs. A plan's cost is the sum of its units' costs (`+`), field by field,
/// except `footprint`, which is the largest.
public struct Cost: Hashable, Sendable, Codable {
  /// DRAM traffic in entries, by operand; skip reads of residual adds are part of `inputReads`.
  public var traffic: Traffic
  /// Entries read for the skip operands of residual adds inside fused segments (included in
  /// `traffic.inputReads`).
  public var skipReads: Int
  /// Bits moved: each entry at its operand's width.
  public var bits: Int
  /// DRAM bytes: a layer's operands each rounded up to whole bytes, a segment's bits rounded up.
  public var bytes: Int
  /// DRAM energy in pJ: bits moved times the architecture's DRAM energy per byte / 8.
  public var dramEnergyPicojoules: Double
  /// The floor in entries: no legal schedule of the same units moves less (`TrafficFloor`).
  public var floor: Int
  /// Multiply-accumulates the layers need, counted once.
  public var macs: Int
  /// MACs spent recomputing halos of fused segments (overlapping windows of neighbouring tiles).
  public var haloMACs: Int
  /// MACs spent recomputing chunked stages of fused segments, once per chunk of a later stage.
  public var chunkMACs: Int
  /// Buffer entries occupied at most.
  public var footprint: Int

  /// A cost record from its parts.
  public init(
    traffic: Traffic = .zero, skipReads: Int = 0, bits: Int = 0, bytes: Int = 0, dramEnergyPicojoules: Double = 0,
    floor: Int = 0, macs: Int = 0, haloMACs: Int = 0, chunkMACs: Int = 0, footprint: Int = 0
  ) {
    self.traffic = traffic
    self.skipReads = skipReads
    self.bits = bits
    self.bytes = bytes
    self.dramEnergyPicojoules = dramEnergyPicojoules
    self.floor = floor
    self.macs = macs
    self.haloMACs = haloMACs
    self.chunkMACs = chunkMACs
    self.footprint = footprint
  }

  /// Nothing moved or computed.
  public static let zero = Cost()

  /// DRAM reads in entries.
  public var reads: Int { traffic.reads }
  /// DRAM writes in entries.
  public var writes: Int { traffic.writes }
  /// DRAM traffic in entries (reads plus writes).
  public var entries: Int { traffic.total }
  /// Every MAC performed, recomputation included.
  public var totalMACs: Int { macs + haloMACs + chunkMACs }
  /// Traffic over floor (1: only what must move moves).
  public var ratioToFloor: Double { floor > 0 ? Double(traffic.total) / Double(floor) : 1 }

  /// The value of `objective` for this cost: pJ or entries.
  public func value(_ objective: Objective) -> Double {
    switch objective {
    case .energy: return dramEnergyPicojoules
    case .traffic: return Double(traffic.total)
    }
  }

  /// Two costs of units run one after the other: sums, and the larger footprint.
  public static func + (lhs: Cost, rhs: Cost) -> Cost {
    Cost(
      traffic: lhs.traffic + rhs.traffic, skipReads: lhs.skipReads + rhs.skipReads, bits: lhs.bits + rhs.bits,
      bytes: lhs.bytes + rhs.bytes, dramEnergyPicojoules: lhs.dramEnergyPicojoules + rhs.dramEnergyPicojoules,
      floor: lhs.floor + rhs.floor, macs: lhs.macs + rhs.macs, haloMACs: lhs.haloMACs + rhs.haloMACs,
      chunkMACs: lhs.chunkMACs + rhs.chunkMACs, footprint: max(lhs.footprint, rhs.footprint))
  }
}
