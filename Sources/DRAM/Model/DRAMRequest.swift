/// One request of a DRAM trace: a burst-sized read or write at a byte address.
public struct DRAMRequest: Hashable, Sendable {
  /// Byte address (the low bits inside one burst are ignored by the model).
  public var address: UInt64
  /// A write; otherwise a read.
  public var isWrite: Bool
  /// The memory-controller clock cycle at which the request arrives (0 when the trace has no times).
  public var cycle: Int64
  public init(address: UInt64, isWrite: Bool, cycle: Int64 = 0) { self.address = address; self.isWrite = isWrite; self.cycle = cycle }
}
