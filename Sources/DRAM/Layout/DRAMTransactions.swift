import Tiling

/// One DRAM burst of a plan's transfer stream: what a memory controller sees.
public struct DRAMTransaction: Hashable, Sendable {
  /// Byte address of the burst (a multiple of `bytes`).
  public var address: UInt64
  /// A write (an output or partial-sum tile); otherwise a read.
  public var isWrite: Bool
  /// The burst size in bytes.
  public var bytes: Int
  /// Bits of the burst the transfer needs (the rest is rounding out to whole bursts).
  public var usefulBits: Int
  /// The unit, its layer (index within the unit), the walk step and the operand that caused it.
  public var unit: Int
  public var layer: Int
  public var step: Int
  public var operand: UnitTransfer.Operand
  /// The tensor it reads or writes.
  public var tensor: String

  /// Useful bytes, rounded up (sub-byte tensors share bytes between transfers).
  public var usefulBytes: Int { (usefulBits + 7) / 8 }
}

/// A plan's DRAM transactions in execution order: each unit's walk (`PlanUnit.transfers()`),
/// each transfer's moved boxes split into the runs that are contiguous in the layout, each run
/// rounded out to whole bursts. Consecutive runs of one transfer that share a burst share its
/// transaction (a DMA engine issues each burst once per transfer). Lazy across units: memory
/// holds one unit's transfers and one transfer's bursts at a time.
public struct DRAMTransactions: Sequence, Sendable {
  public let units: [PlanUnit]
  /// The index of `units[0]` in its plan.
  public let firstUnit: Int
  public let layout: AddressLayout
  /// Bytes per burst (a power of two; 64 for a 64-bit DDR4 channel at BL8).
  public let burstBytes: Int

  /// The transactions of `units` under `layout`; every tensor the units move must be placed.
  public init(units: [PlanUnit], firstUnit: Int = 0, layout: AddressLayout, burstBytes: Int = 64) throws(DRAMError) {
    guard burstBytes > 0, burstBytes & (burstBytes - 1) == 0 else {
      throw DRAMError("expected a power of two bytes, found \(burstBytes)", field: "burst")
    }
    for unit in units {
      for tensor in unit.tensors() where layout.placement(of: tensor.name) == nil {
        throw DRAMError("unit '\(unit.name)' moves '\(tensor.name)', which the address layout does not place", field: "layout")
      }
    }
    self.units = units
    self.firstUnit = firstUnit
    self.layout = layout
    self.burstBytes = burstBytes
  }

  /// Walks one unit and one transfer at a time.
  public struct Iterator: IteratorProtocol {
    let stream: DRAMTransactions
    var unit = -1
    var transfers: UnitTransfers.Iterator?
    var pending: [DRAMTransaction] = []
    var position = 0

    /// The next burst, nil after the last one of the last unit.
    public mutating func next() -> DRAMTransaction? {
      while position == pending.count {
        guard let transfer = nextTransfer() else { return nil }
        pending = stream.bursts(of: transfer, unit: stream.firstUnit + unit)
        position = 0
      }
      defer { position += 1 }
      return pending[position]
    }

    /// The next transfer, walking the next unit when this one is done; nil after the last.
    private mutating func nextTransfer() -> UnitTransfer? {
      while true {
        if let transfer = transfers?.next() { return transfer }
        unit += 1
        guard unit < stream.units.count else {
          transfers = nil
          return nil
        }
        transfers = stream.units[unit].transfers().makeIterator()
      }
    }
  }

  public func makeIterator() -> Iterator { Iterator(stream: self) }

  /// One transfer's bursts, in the order its moved boxes are walked in memory order.
  func bursts(of transfer: UnitTransfer, unit: Int) -> [DRAMTransaction] {
    guard let placement = layout.placement(of: transfer.tensor), transfer.entries > 0 else { return [] }
    // Runs first, then bursts: the closure that collects runs captures one array, not the
    // transfer and the stream, which would be copied (and retained) for every run.
    var runs: [(first: Int, last: Int)] = []
    for box in transfer.moved { Self.runs(of: box, in: placement) { runs.append(($0, $1)) } }
    var burst = DRAMTransaction(
      address: 0, isWrite: transfer.direction == .write, bytes: burstBytes, usefulBits: 0, unit: unit,
      layer: transfer.layer, step: transfer.step, operand: transfer.operand, tensor: transfer.tensor)
    let bits = placement.tensor.bitsPerEntry
    let base = Int(placement.address) * 8
    let burstBits = burstBytes * 8
    var result: [DRAMTransaction] = []
    result.reserveCapacity(runs.count)
    for (first, last) in runs {
      let start = base + first * bits
      let end = base + (last + 1) * bits
      for index in (start / burstBits)...((end - 1) / burstBits) {
        let useful = Swift.min(end, (index + 1) * burstBits) - Swift.max(start, index * burstBits)
        let address = UInt64(index * burstBytes)
        if !result.isEmpty && result[result.count - 1].address == address {
          result[result.count - 1].usefulBits += useful
        } else {
          burst.address = address
          burst.usefulBits = useful
          result.append(burst)
        }
      }
    }
    return result
  }

  /// The runs of consecutive flat indices (in memory order) that a box covers, ascending.
  static func runs(of box: CoordinateBox, in placement: AddressLayout.Placement, _ body: (Int, Int) -> Void) {
    let ranges = placement.order.map { $0 < box.ranges.count ? box.ranges[$0] : [0...0] }
    let extents = placement.orderedExtents
    let innermost = ranges.count - 1
    var open: (first: Int, last: Int)?
    func visit(_ axis: Int, _ offset: Int) {
      if axis == innermost {
        for range in ranges[axis] {
          let first = offset * extents[axis] + range.lowerBound
          let last = offset * extents[axis] + range.upperBound
          if let current = open, current.last + 1 == first {
            open = (current.first, last)
          } else {
            if let current = open { body(current.first, current.last) }
            open = (first, last)
          }
        }
        return
      }
      for range in ranges[axis] {
        for coordinate in range { visit(axis + 1, offset * extents[axis] + coordinate) }
      }
    }
    guard innermost >= 0, !box.isEmpty else { return }
    visit(0, 0)
    if let current = open { body(current.first, current.last) }
  }
}

/// When each transaction of a trace is issued, in memory-controller cycles: `backToBack` issues
/// transaction i at cycle i (the controller's queue paces them, as a trace-driven simulator
/// does); `bandwidth` issues each as soon as the bytes before it have moved at a sustained rate
/// (bytes per cycle = GB/s x 1000 / clock in MHz). Neither models the accelerator's compute.
public enum IssueTiming: Hashable, Sendable {
  case backToBack
  case bandwidth(bytesPerCycle: Double)

  /// A sustained bandwidth in GB/s (10^9 bytes per second) at a controller clock in MHz.
  public static func bandwidth(gigabytesPerSecond: Double, clockMHz: Double) throws(DRAMError) -> IssueTiming {
    guard gigabytesPerSecond.isFinite, gigabytesPerSecond > 0 else {
      throw DRAMError("expected a bandwidth above 0 GB/s, found \(gigabytesPerSecond)", field: "bandwidth")
    }
    guard clockMHz.isFinite, clockMHz > 0 else { throw DRAMError("expected a clock above 0 MHz, found \(clockMHz)", field: "clock") }
    return .bandwidth(bytesPerCycle: gigabytesPerSecond * 1000 / clockMHz)
  }

  /// The issue cycle of transaction number `index`, with `bytesBefore` burst bytes before it.
  public func cycle(index: Int64, bytesBefore: Int64) -> Int64 {
    switch self {
    case .backToBack: return index
    case .bandwidth(let bytesPerCycle): return Int64((Double(bytesBefore) / bytesPerCycle).rounded(.down))
    }
  }
}
