import Tiling

/// Totals of a transaction stream, gathered as it goes by: transactions, reads, writes, burst
/// bytes and useful bits, and useful bytes rounded as the cost model rounds a unit's traffic.
public struct DRAMStreamSummary: Hashable, Sendable, Codable {
  /// Burst transactions, and how many read and write.
  public var transactions: Int64 = 0
  public var reads: Int64 = 0
  public var writes: Int64 = 0
  /// Bytes the bursts move (transactions x burst size).
  public var burstBytes: Int64 = 0
  /// Bits the schedule needs of them.
  public var usefulBits: Int64 = 0
  /// Useful bits per unit, per operand and direction (`slot`).
  private var unitBits: [Int: [Int64]] = [:]

  /// The counter of an operand in one direction.
  private static func slot(_ operand: UnitTransfer.Operand, isWrite: Bool) -> Int {
    (UnitTransfer.Operand.allCases.firstIndex(of: operand) ?? 0) * 2 + (isWrite ? 1 : 0)
  }

  /// An empty summary.
  public init() {}

  /// Counts one transaction.
  public mutating func record(_ transaction: DRAMTransaction) {
    transactions += 1
    if transaction.isWrite { writes += 1 } else { reads += 1 }
    burstBytes += Int64(transaction.bytes)
    usefulBits += Int64(transaction.usefulBits)
    let slot = Self.slot(transaction.operand, isWrite: transaction.isWrite)
    unitBits[transaction.unit, default: Array(repeating: 0, count: UnitTransfer.Operand.allCases.count * 2)][slot] +=
      Int64(transaction.usefulBits)
  }

  /// Useful bytes, rounded the way `PlanUnit.bytes` rounds (units[i] is unit i of the stream's
  /// plan): a layer's operands (and partial-sum reads and writes) each to whole bytes, a
  /// segment's bits as a whole. Equal to the plan's `cost.bytes` for the whole stream.
  public func usefulBytes(units: [PlanUnit]) -> Int64 {
    unitBits.reduce(0) { total, entry in
      let (unit, roles) = entry
      if units.indices.contains(unit), case .segment = units[unit] {
        return total + (roles.reduce(0, +) + 7) / 8
      }
      return total + roles.reduce(0) { $0 + ($1 + 7) / 8 }
    }
  }

  /// Useful bits over burst bits: how much of what DRAM moves the schedule needs (1 when nothing moved).
  public var efficiency: Double { burstBytes > 0 ? Double(usefulBits) / Double(burstBytes * 8) : 1 }
}
