import Networks

/// An accelerator as the architecture file describes it (docs/energy-model.md): its energy
/// model, and the DRAM bandwidth, MAC array and clock of the latency roofline the optimizer's
/// latency budget uses (docs/optimizer.md).
public struct Architecture: Hashable, Sendable, Codable {
  /// Rows and columns of processing elements of the MAC array.
  public struct MACArray: Hashable, Sendable, Codable {
    public var rows: Int
    public var columns: Int

    public init(rows: Int, columns: Int) {
      self.rows = rows
      self.columns = columns
    }

    /// MACs per cycle at full utilization.
    public var macsPerCycle: Int { rows * columns }
  }

  public var energy: EnergyModel
  /// DRAM bytes transferred per accelerator cycle at peak, in bytes/cycle.
  public var dramBandwidthBytesPerCycle: Double
  public var macArray: MACArray
  /// Accelerator clock in MHz: converts cycles to time.
  public var clockMHz: Double

  public init(
    energy: EnergyModel = .default, dramBandwidthBytesPerCycle: Double = 8,
    macArray: MACArray = MACArray(rows: 12, columns: 14), clockMHz: Double = 200
  ) {
    self.energy = energy
    self.dramBandwidthBytesPerCycle = dramBandwidthBytesPerCycle
    self.macArray = macArray
    self.clockMHz = clockMHz
  }

  /// Seconds taken by `cycles` cycles at the clock.
  public func seconds(cycles: Double) -> Double { cycles / (clockMHz * 1e6) }

  /// `EnergyModel.default`; a 64-bit DRAM interface moving one word a cycle (8 bytes/cycle, a
  /// placeholder, not from a source); the 12 x 14 PE array of Eyeriss (Chen et al., JSSC 2017).
  /// arch/default.yaml spells out the same values.
  public static let `default` = Architecture()
}

/// Something wrong in an architecture file, printed as one line:
/// `file:line: field 'dram.pj_per_byte': what is wrong; what is accepted`.
public struct ArchitectureError: Error, Hashable, Sendable, CustomStringConvertible {
  public var location: FileLocation
  /// The dotted path of the field at fault (`mac.array.rows`), when there is one.
  public var field: String?
  public var message: String

  public init(_ message: String, location: FileLocation, field: String? = nil) {
    self.message = message
    self.location = location
    self.field = field
  }

  public var description: String {
    var parts = [location.description]
    if let field { parts.append("field '\(field)'") }
    parts.append(message)
    return parts.joined(separator: ": ")
  }
}
