/// DRAM energy by component in picojoules, for a whole memory system (all devices of all
/// ranks of all channels), computed from IDD currents as Micron's power calculator (TN-40-07)
/// and DRAMPower do (docs/dram-model.md, "Energy").
public struct DRAMEnergy: Hashable, Sendable, Codable {
  /// ACT/PRE pairs: activations x sum over rails of V x (IDD0 tRC - (IDD3N tRAS + IDD2N (tRC - tRAS))) x tCK x devices (pJ).
  public var activationPicojoules: Double
  /// Read bursts: reads x sum of V x (IDD4R - IDD3N) x tBURST x tCK x devices (pJ).
  public var readPicojoules: Double
  /// Write bursts: writes x sum of V x (IDD4W - IDD3N) x tBURST x tCK x devices (pJ).
  public var writePicojoules: Double
  /// Refreshes: refreshes x sum of V x (IDD5B - IDD3N) x tRFC x tCK x devices (pJ).
  public var refreshPicojoules: Double
  /// Active standby: active rank-cycles x sum of V x IDD3N x tCK x devices (pJ).
  public var activeStandbyPicojoules: Double
  /// Precharged standby: precharged rank-cycles x sum of V x IDD2N x tCK x devices (pJ).
  public var prechargedStandbyPicojoules: Double

  /// Activation, read, write and refresh energy (pJ).
  public var dynamicPicojoules: Double { activationPicojoules + readPicojoules + writePicojoules + refreshPicojoules }
  /// Both standby components (pJ).
  public var backgroundPicojoules: Double { activeStandbyPicojoules + prechargedStandbyPicojoules }
  /// Everything (pJ).
  public var totalPicojoules: Double { dynamicPicojoules + backgroundPicojoules }

  /// The energy of the events in `counts` on `device`.
  public init(counts: DRAMCounts, device: DRAMDevice) {
    let t = device.timing
    let devices = Double(device.organization.devicesPerRank)
    let tck = t.clockNanoseconds
    var perActivation = 0.0
    var perRead = 0.0
    var perWrite = 0.0
    var perRefresh = 0.0
    var perActiveCycle = 0.0
    var perPrechargedCycle = 0.0
    for rail in device.rails {
      let v = rail.volts
      let rc = Double(t.rc)
      let ras = Double(t.ras)
      perActivation += v * (rail.idd0 * rc - (rail.idd3n * ras + rail.idd2n * (rc - ras))) * tck
      perRead += v * (rail.idd4r - rail.idd3n) * Double(t.burst) * tck
      perWrite += v * (rail.idd4w - rail.idd3n) * Double(t.burst) * tck
      perRefresh += v * (rail.idd5b - rail.idd3n) * Double(t.rfc) * tck
      perActiveCycle += v * rail.idd3n * tck
      perPrechargedCycle += v * rail.idd2n * tck
    }
    activationPicojoules = Double(counts.activations) * perActivation * devices
    readPicojoules = Double(counts.reads) * perRead * devices
    writePicojoules = Double(counts.writes) * perWrite * devices
    refreshPicojoules = Double(counts.refreshes) * perRefresh * devices
    activeStandbyPicojoules = Double(counts.activeRankCycles) * perActiveCycle * devices
    prechargedStandbyPicojoules = Double(counts.prechargedRankCycles) * perPrechargedCycle * devices
  }
}
