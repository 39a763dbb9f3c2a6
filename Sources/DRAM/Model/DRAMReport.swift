/// The result of evaluating a request stream: counts, time, bandwidth and energy. Encodes to
/// JSON with snake_case keys (the CLI's `--json`); `description` is a text table.
public struct DRAMReport: Hashable, Sendable, Codable, CustomStringConvertible {
  /// Device name.
  public var device: String
  /// Address mapping text (`rochrababgco`, `xor`).
  public var mapping: String
  /// `open` or `closed`.
  public var policy: String
  /// `in-order` or `frfcfs(N)`.
  public var scheduling: String
  /// Bytes per request (one burst).
  public var burstBytes: Int
  /// Requests (reads + writes).
  public var requests: Int64
  /// Read requests.
  public var reads: Int64
  /// Write requests.
  public var writes: Int64
  /// Reads that found their row open.
  public var readRowHits: Int64
  /// Writes that found their row open.
  public var writeRowHits: Int64
  /// Row hits, read and write.
  public var rowHits: Int64
  /// Reads to a precharged bank.
  public var readEmptyMisses: Int64
  /// Writes to a precharged bank.
  public var writeEmptyMisses: Int64
  /// Empty-bank misses, read and write.
  public var emptyMisses: Int64
  /// Reads that found another row open.
  public var readConflicts: Int64
  /// Writes that found another row open.
  public var writeConflicts: Int64
  /// Row conflicts, read and write.
  public var conflicts: Int64
  /// Row hits / requests (0 with no requests).
  public var hitRate: Double
  /// ACT commands.
  public var activations: Int64
  /// PRE commands.
  public var precharges: Int64
  /// All-bank refreshes, summed over ranks.
  public var refreshes: Int64
  /// Clock cycles to the end of the last data burst.
  public var cycles: Int64
  /// That time in ns (cycles x tCK).
  public var timeNanoseconds: Double
  /// Bytes moved (requests x burst bytes).
  public var bytes: Int64
  /// Bytes per ns, i.e. GB/s.
  public var bandwidthGigabytesPerSecond: Double
  /// Rank-cycles with a bank open or a refresh running, summed over ranks.
  public var activeRankCycles: Int64
  /// Rank-cycles with every bank precharged, summed over ranks.
  public var prechargedRankCycles: Int64
  /// ACT/PRE pair energy (pJ).
  public var activationPicojoules: Double
  /// Read burst energy (pJ).
  public var readPicojoules: Double
  /// Write burst energy (pJ).
  public var writePicojoules: Double
  /// Refresh energy (pJ).
  public var refreshPicojoules: Double
  /// Active standby energy (pJ).
  public var activeStandbyPicojoules: Double
  /// Precharged standby energy (pJ).
  public var prechargedStandbyPicojoules: Double
  /// Activation + read + write + refresh energy (pJ).
  public var dynamicPicojoules: Double
  /// All energy (pJ).
  public var totalPicojoules: Double
  /// Total energy per bit moved (pJ/bit; 0 with no requests).
  public var picojoulesPerBit: Double
  /// Dynamic energy per bit moved (pJ/bit; 0 with no requests).
  public var dynamicPicojoulesPerBit: Double

  enum CodingKeys: String, CodingKey {
    case device, mapping, policy, scheduling
    case burstBytes = "burst_bytes"
    case requests, reads, writes
    case readRowHits = "read_row_hits"
    case writeRowHits = "write_row_hits"
    case rowHits = "row_hits"
    case readEmptyMisses = "read_empty_misses"
    case writeEmptyMisses = "write_empty_misses"
    case emptyMisses = "empty_misses"
    case readConflicts = "read_conflicts"
    case writeConflicts = "write_conflicts"
    case conflicts
    case hitRate = "hit_rate"
    case activations, precharges, refreshes, cycles
    case timeNanoseconds = "time_ns"
    case bytes
    case bandwidthGigabytesPerSecond = "bandwidth_gb_per_s"
    case activeRankCycles = "active_rank_cycles"
    case prechargedRankCycles = "precharged_rank_cycles"
    case activationPicojoules = "activation_pj"
    case readPicojoules = "read_pj"
    case writePicojoules = "write_pj"
    case refreshPicojoules = "refresh_pj"
    case activeStandbyPicojoules = "active_standby_pj"
    case prechargedStandbyPicojoules = "precharged_standby_pj"
    case dynamicPicojoules = "dynamic_pj"
    case totalPicojoules = "total_pj"
    case picojoulesPerBit = "pj_per_bit"
    case dynamicPicojoulesPerBit = "dynamic_pj_per_bit"
  }

  /// The report of `counts` on `device`.
  public init(
    device: DRAMDevice, mapping: AddressMapping, policy: DRAMPagePolicy, scheduling: DRAMScheduling, counts: DRAMCounts
  ) {
    let energy = DRAMEnergy(counts: counts, device: device)
    self.device = device.name
    self.mapping = mapping.description
    self.policy = policy.rawValue
    self.scheduling = scheduling.description
    burstBytes = device.organization.bytesPerBurst
    requests = counts.requests
    reads = counts.reads
    writes = counts.writes
    readRowHits = counts.readHits
    writeRowHits = counts.writeHits
    rowHits = counts.rowHits
    readEmptyMisses = counts.readEmptyMisses
    writeEmptyMisses = counts.writeEmptyMisses
    emptyMisses = counts.emptyMisses
    readConflicts = counts.readConflicts
    writeConflicts = counts.writeConflicts
    conflicts = counts.conflicts
    hitRate = counts.requests > 0 ? Double(counts.rowHits) / Double(counts.requests) : 0
    activations = counts.activations
    precharges = counts.precharges
    refreshes = counts.refreshes
    cycles = counts.cycles
    timeNanoseconds = Double(counts.cycles) * device.timing.clockNanoseconds
    bytes = counts.requests * Int64(burstBytes)
    bandwidthGigabytesPerSecond = timeNanoseconds > 0 ? Double(bytes) / timeNanoseconds : 0
    activeRankCycles = counts.activeRankCycles
    prechargedRankCycles = counts.prechargedRankCycles
    activationPicojoules = energy.activationPicojoules
    readPicojoules = energy.readPicojoules
    writePicojoules = energy.writePicojoules
    refreshPicojoules = energy.refreshPicojoules
    activeStandbyPicojoules = energy.activeStandbyPicojoules
    prechargedStandbyPicojoules = energy.prechargedStandbyPicojoules
    dynamicPicojoules = energy.dynamicPicojoules
    totalPicojoules = energy.totalPicojoules
    let bits = Double(bytes) * 8
    picojoulesPerBit = bits > 0 ? energy.totalPicojoules / bits : 0
    dynamicPicojoulesPerBit = bits > 0 ? energy.dynamicPicojoules / bits : 0
  }

  /// A two-column text table: quantity and value with its unit.
  public var description: String {
    let rows: [(String, String)] = [
      ("device", "\(device), mapping \(mapping), \(policy) page, \(scheduling)"),
      ("requests", "\(requests) (\(reads) reads, \(writes) writes) x \(burstBytes) B"),
      ("row hits", "\(rowHits) (\(readRowHits) read, \(writeRowHits) write), hit rate \(Self.fixed(hitRate * 100, 2)) %"),
      ("empty misses", "\(emptyMisses) (\(readEmptyMisses) read, \(writeEmptyMisses) write)"),
      ("conflicts", "\(conflicts) (\(readConflicts) read, \(writeConflicts) write)"),
      ("commands", "\(activations) ACT, \(precharges) PRE, \(refreshes) REF"),
      ("time", "\(cycles) cycles = \(Self.fixed(timeNanoseconds, 1)) ns"),
      ("bandwidth", "\(Self.fixed(bandwidthGigabytesPerSecond, 3)) GB/s"),
      ("activation energy", "\(Self.fixed(activationPicojoules, 1)) pJ"),
      ("read energy", "\(Self.fixed(readPicojoules, 1)) pJ"),
      ("write energy", "\(Self.fixed(writePicojoules, 1)) pJ"),
      ("refresh energy", "\(Self.fixed(refreshPicojoules, 1)) pJ"),
      ("active standby", "\(Self.fixed(activeStandbyPicojoules, 1)) pJ (\(activeRankCycles) rank-cycles)"),
      ("precharged standby", "\(Self.fixed(prechargedStandbyPicojoules, 1)) pJ (\(prechargedRankCycles) rank-cycles)"),
      ("total energy", "\(Self.fixed(totalPicojoules, 1)) pJ"),
      ("energy per bit", "\(Self.fixed(picojoulesPerBit, 3)) pJ/bit (dynamic \(Self.fixed(dynamicPicojoulesPerBit, 3)))"),
    ]
    let width = rows.map(\.0.count).max() ?? 0
    return rows.map { $0.0 + String(repeating: " ", count: width - $0.0.count) + "  " + $0.1 }
      .joined(separator: "\n") + "\n"
  }

  /// `value` with `digits` decimals, without Foundation.
  static func fixed(_ value: Double, _ digits: Int) -> String {
    guard value.isFinite else { return String(value) }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let scaled = (abs(value) * scale).rounded()
    guard scaled < 9.0e18 else { return String(value) }
    let whole = Int64(scaled)
    let divisor = Int64(scale)
    let sign = value < 0 && whole != 0 ? "-" : ""
    guard digits > 0 else { return sign + String(whole) }
    let fraction = String(whole % divisor)
    return sign + String(whole / divisor) + "." + String(repeating: "0", count: digits - fraction.count) + fraction
  }
}
