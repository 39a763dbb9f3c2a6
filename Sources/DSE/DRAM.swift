/// Options that place a plan's tensors in DRAM and cut its transfers into bursts.
public struct DRAMStreamOptions: Hashable, Sendable, Codable {
  /// Element order of activations and weights.
  public var layout: TensorLayout
  /// Bytes per DRAM burst (a power of two; 64 by default: a 64-bit DDR4 channel at BL8).
  public var burstBytes: Int
  /// Every tensor's base address is a multiple of this many bytes (a power of two; 4096 by default).
  public var alignment: Int

  /// Options; NCHW / OIHW, 64-byte bursts, 4 KiB alignment by default.
  public init(layout: TensorLayout = TensorLayout(), burstBytes: Int = 64, alignment: Int = 4096) {
    self.layout = layout
    self.burstBytes = burstBytes
    self.alignment = alignment
  }
}

extension Plan {
  /// Where the plan's tensors live in DRAM (`AddressLayout`: in the order the units first name
  /// them, each aligned).
  public func addressLayout(_ options: DRAMStreamOptions = DRAMStreamOptions()) throws(DSEError) -> AddressLayout {
    do {
      return try AddressLayout(units: units, layout: options.layout, alignment: options.alignment)
    } catch {
      throw DSEError(error)
    }
  }

  /// The plan's DRAM bursts in execution order, lazily (constant memory across units); of one
  /// unit when `unit` is given. Their useful bytes add up to the plan's `cost.bytes`.
  public func transactions(_ options: DRAMStreamOptions = DRAMStreamOptions(), unit: Int? = nil) throws(DSEError)
    -> DRAMTransactions
  {
    let layout = try addressLayout(options)
    var selected = units
    var first = 0
    if let unit {
      guard units.indices.contains(unit) else {
        throw DSEError(.invalidArgument, field: "unit", "\(unit): the plan has units 0 to \(units.count - 1)")
      }
      selected = [units[unit]]
      first = unit
    }
    do {
      return try DRAMTransactions(units: selected, firstUnit: first, layout: layout, burstBytes: options.burstBytes)
    } catch {
      throw DSEError(error)
    }
  }
}
