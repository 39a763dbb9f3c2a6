/// One DRAM transfer of a plan: the unit it belongs to and what moved.
public struct PlanTransfer: Hashable, Sendable, Codable {
  /// Index of the unit in `Plan.units`.
  public var unit: Int
  /// What moved.
  public var transfer: UnitTransfer
}

/// A plan's DRAM transfers in execution order, unit after unit. Lazy across units (only the
/// unit being walked holds its transfers, a streaming layer only one row's: `UnitTransfers`),
/// so a whole network's stream (tens of millions of transfers for ResNet-50) is never in memory
/// at once. Summed per unit, the transfers give each unit's traffic and bits.
public struct PlanTransfers: Sequence, Sendable {
  /// The units walked, in order.
  public let units: [PlanUnit]
  /// The index in the plan of `units[0]`.
  public let firstUnit: Int

  /// The transfers of `units`, numbered from `firstUnit`.
  public init(units: [PlanUnit], firstUnit: Int = 0) {
    self.units = units
    self.firstUnit = firstUnit
  }

  /// Walks one unit at a time, holding only that unit's transfers.
  public struct Iterator: IteratorProtocol {
    let units: [PlanUnit]
    let firstUnit: Int
    var unit = -1
    var current: UnitTransfers.Iterator?

    /// The next transfer, walking the next unit when this one is done; nil after the last.
    public mutating func next() -> PlanTransfer? {
      while true {
        if let transfer = current?.next() { return PlanTransfer(unit: firstUnit + unit, transfer: transfer) }
        unit += 1
        guard unit < units.count else {
          current = nil
          return nil
        }
        current = units[unit].transfers().makeIterator()
      }
    }
  }

  /// An iterator from the first transfer of the first unit.
  public func makeIterator() -> Iterator { Iterator(units: units, firstUnit: firstUnit) }
}

extension Plan {
  /// Every DRAM transfer of the plan, in execution order, lazily.
  public var transfers: PlanTransfers { PlanTransfers(units: units) }

  /// The transfers of one unit.
  public func transfers(ofUnit index: Int) throws(DSEError) -> PlanTransfers {
    guard units.indices.contains(index) else {
      throw DSEError(.invalidArgument, field: "unit", "\(index): the plan has units 0 to \(units.count - 1)")
    }
    return PlanTransfers(units: [units[index]], firstUnit: index)
  }
}
