import Tiling

/// The walk's transfer stream as an executor consumes it: in order, each transfer where the
/// execution makes it. Reads say what to load (the tile, and the elements that move); writes
/// are checked against what the execution writes. A transfer out of order, one the execution
/// does not make, or one left over is a mismatch: the stream and the run are one.
struct TransferStream {
  private var transfers: UnitTransfers.Iterator
  /// The next transfer, looked at but not consumed yet (nil at the end of the stream).
  private var upcoming: UnitTransfer?

  init(_ transfers: UnitTransfers) {
    self.transfers = transfers.makeIterator()
    upcoming = self.transfers.next()
  }

  /// Consumes the next transfer.
  private mutating func advance() -> UnitTransfer? {
    defer { upcoming = transfers.next() }
    return upcoming
  }

  /// The next transfer if it is a read of one of `operands` made at `step`.
  mutating func nextRead(at step: Int, of operands: [UnitTransfer.Operand]) -> UnitTransfer? {
    guard let next = upcoming, next.step == step, next.direction == .read, operands.contains(next.operand) else {
      return nil
    }
    return advance()
  }

  /// Consumes the next transfer, which must be `operand` `direction` at `step` over exactly
  /// `region`; returns what differs, or nil.
  mutating func expect(
    _ operand: UnitTransfer.Operand, _ direction: UnitTransfer.Direction, at step: Int, region: CoordinateBox
  ) -> String? {
    let what = "\(operand) \(direction) of \(region.ranges) at step \(step)"
    guard let next = advance() else { return "the execution makes a \(what), the walk's stream has ended" }
    guard next.operand == operand, next.direction == direction, next.step == step, next.region == [region],
      next.moved == [region]
    else {
      return "the execution makes a \(what), the walk's next transfer is a \(next.operand) \(next.direction) of \(next.region.map(\.ranges)) at step \(next.step)"
    }
    return nil
  }

  /// Consumes the next transfer, which must be `operand` `direction` at `step` moving exactly
  /// the elements at `offsets` (flat, row-major in `extents`, any order); returns what differs.
  mutating func expect(
    _ operand: UnitTransfer.Operand, _ direction: UnitTransfer.Direction, at step: Int, offsets: [Int], in extents: [Int]
  ) -> String? {
    let what = "\(operand) \(direction) of \(offsets.count) elements at step \(step)"
    guard let next = advance() else { return "the execution makes a \(what), the walk's stream has ended" }
    let moved = next.moved.flatMap { $0.offsets(in: extents) }
    guard next.operand == operand, next.direction == direction, next.step == step, moved.sorted() == offsets.sorted()
    else {
      return "the execution makes a \(what), the walk's next transfer is a \(next.operand) \(next.direction) of \(next.region.map(\.ranges)) at step \(next.step)"
    }
    return nil
  }

  /// What the stream still holds after the execution ends, or nil when it is consumed.
  var leftover: String? {
    guard let next = upcoming else { return nil }
    var rest = transfers
    var count = 1
    while rest.next() != nil { count += 1 }
    return "the walk's stream has \(count) transfers the execution never made, from a \(next.operand) \(next.direction) at step \(next.step)"
  }

  /// Flat indices (row-major in `extents`) of a transfer's tile and of what it moved.
  static func offsets(_ transfer: UnitTransfer, in extents: [Int]) -> (tile: [Int], moved: [Int]) {
    (transfer.region.flatMap { $0.offsets(in: extents) }, transfer.moved.flatMap { $0.offsets(in: extents) })
  }
}

extension TensorRegion {
  /// The region as the walk's coordinate box (`c h w`).
  var box: CoordinateBox {
    func span(_ range: Range<Int>) -> [ClosedRange<Int>] { range.isEmpty ? [] : [range.lowerBound...(range.upperBound - 1)] }
    return CoordinateBox([span(channels), span(rows), span(columns)])
  }
}
