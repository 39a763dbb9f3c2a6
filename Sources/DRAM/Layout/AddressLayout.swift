import Tiling

/// Where every tensor of a plan lives in DRAM: each at a base address aligned to `alignment`
/// bytes, one after the other in the order the plan's units first name them (a unit's inputs,
/// its weights and skip operands layer by layer, its output, its partial sums), never
/// overlapping; inside a tensor, elements in `layout` order at the tensor's width, packed (a
/// 4-bit tensor holds two elements per byte), as the executor's DRAM image stores them.
public struct AddressLayout: Hashable, Sendable {
  /// One tensor's place.
  public struct Placement: Hashable, Sendable, Codable {
    public var tensor: DRAMTensor
    /// Byte address of the first element.
    public var address: UInt64
    /// The tensor's axes in memory order (outermost first), and their extents in that order.
    public var order: [Int]
    public var orderedExtents: [Int]

    /// Bytes the tensor occupies.
    public var bytes: Int { tensor.bytes }
  }

  /// Every tensor, in address order.
  public let placements: [Placement]
  /// The element order of activations and weights.
  public let layout: TensorLayout
  /// Every base address is a multiple of this many bytes.
  public let alignment: Int
  private let index: [String: Int]

  /// Lays out `tensors` (in order; a name given twice must have the same extents and width)
  /// from `base`, each aligned to `alignment` bytes (a power of two).
  public init(tensors: [DRAMTensor], layout: TensorLayout = TensorLayout(), alignment: Int = 4096, base: UInt64 = 0)
    throws(DRAMError)
  {
    guard alignment > 0, alignment & (alignment - 1) == 0 else {
      throw DRAMError("expected a power of two bytes, found \(alignment)", field: "alignment")
    }
    var placements: [Placement] = []
    var index: [String: Int] = [:]
    var next = base
    for tensor in tensors {
      if let known = index[tensor.name] {
        let placed = placements[known].tensor
        guard placed.extents == tensor.extents, placed.bitsPerEntry == tensor.bitsPerEntry else {
          throw DRAMError(
            "tensor '\(tensor.name)' is named twice with different shapes or widths (\(placed.extents) at \(placed.bitsPerEntry) bits, \(tensor.extents) at \(tensor.bitsPerEntry) bits)",
            field: "tensors")
        }
        continue
      }
      // Checked: a huge alignment (or base) can carry the addresses past any memory, and past
      // 2^64 (the transactions count bit addresses: 2^48 bytes keeps them far inside Int).
      let (rounded, roundingOverflow) = next.addingReportingOverflow(UInt64(alignment) - 1)
      let aligned = rounded & ~(UInt64(alignment) - 1)
      let (end, endOverflow) = aligned.addingReportingOverflow(UInt64(tensor.bytes))
      guard !roundingOverflow, !endOverflow, end <= Self.addressLimit else {
        throw DRAMError(
          "tensor '\(tensor.name)' would end above 2^48 bytes (256 TiB, the most addressed) with every tensor aligned to \(alignment) bytes",
          field: "alignment")
      }
      let order = layout.order(for: tensor.role)
      index[tensor.name] = placements.count
      placements.append(
        Placement(tensor: tensor, address: aligned, order: order, orderedExtents: order.map { tensor.extents[$0] }))
      next = end
    }
    self.placements = placements
    self.layout = layout
    self.alignment = alignment
    self.index = index
  }

  /// Addresses stay below this many bytes (2^48, 256 TiB: beyond any DRAM a trace is made for).
  public static let addressLimit: UInt64 = 1 << 48

  /// The layout of every tensor `units` move.
  public init(units: [PlanUnit], layout: TensorLayout = TensorLayout(), alignment: Int = 4096) throws(DRAMError) {
    try self.init(tensors: units.flatMap { $0.tensors() }, layout: layout, alignment: alignment)
  }

  /// A tensor's place, nil when the layout does not hold it.
  public func placement(of tensor: String) -> Placement? { index[tensor].map { placements[$0] } }

  /// One past the last byte used.
  public var endAddress: UInt64 { placements.last.map { $0.address + UInt64($0.bytes) } ?? 0 }
}
