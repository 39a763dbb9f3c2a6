extension DRAMDevice {
  /// Largest count accepted for any organization field, so that capacities and addresses stay
  /// within 64 bits.
  public static let largestCount = 1 << 24

  /// Largest timing value accepted, in cycles (about 10^12: products with currents stay finite).
  public static let largestCycles: Int64 = 1 << 40

  /// Checks that the device can exist: positive powers of two where addresses are decoded, a bus
  /// as wide as its devices, tRC >= tRAS + tRP, currents ordered as a datasheet orders them.
  /// The error names the dotted field (`timing.trc`) as a device file spells it.
  public func validate() throws(DRAMError) {
    let o = organization
    let powers: [(String, Int)] = [
      ("channels", o.channels), ("ranks", o.ranks), ("bank_groups", o.bankGroups),
      ("banks_per_group", o.banksPerGroup), ("rows", o.rows), ("columns", o.columns),
      ("burst_length", o.burstLength),
    ]
    for (key, value) in powers {
      guard value.isPowerOfTwo, value <= Self.largestCount else {
        throw DRAMError(
          "expected a power of two from 1 to \(Self.largestCount), found \(value)", field: "organization.\(key)")
      }
    }
    guard [4, 8, 16, 32, 64].contains(o.deviceWidth) else {
      throw DRAMError("expected 4, 8, 16, 32 or 64 data bits per device, found \(o.deviceWidth)",
        field: "organization.device_width")
    }
    guard o.devicesPerRank >= 1, o.devicesPerRank <= 64 else {
      throw DRAMError("expected 1 to 64 devices per rank, found \(o.devicesPerRank)",
        field: "organization.devices_per_rank")
    }
    guard o.busWidth == o.deviceWidth * o.devicesPerRank else {
      throw DRAMError(
        "expected device_width x devices_per_rank = \(o.deviceWidth * o.devicesPerRank) bits, found \(o.busWidth)",
        field: "organization.bus_width")
    }
    guard o.burstLength <= o.columns else {
      throw DRAMError("expected at most columns (\(o.columns)) beats, found \(o.burstLength)",
        field: "organization.burst_length")
    }
    guard o.bytesPerBurst.isPowerOfTwo else {
      throw DRAMError("bus_width / 8 x burst_length must be a power of two bytes, found \(o.bytesPerBurst)",
        field: "organization.bus_width")
    }
    let addressBits = o.bytesPerBurst.log2 + o.burstsPerRow.log2 + o.channels.log2 + o.ranks.log2
      + o.bankGroups.log2 + o.banksPerGroup.log2 + o.rows.log2
    guard addressBits <= 62 else {
      throw DRAMError("the capacity needs \(addressBits) address bits; at most 62 are accepted", field: "organization.rows")
    }

    let t = timing
    guard t.clockNanoseconds.isFinite, t.clockNanoseconds > 0, t.clockNanoseconds <= 1000 else {
      throw DRAMError("expected a clock period above 0 and at most 1000 ns, found \(t.clockNanoseconds)",
        field: "timing.tck_ns")
    }
    let cycles: [(String, Int64)] = [
      ("trcd", t.rcd), ("trp", t.rp), ("tras", t.ras), ("trc", t.rc), ("cl", t.cl), ("cwl", t.cwl),
      ("tccd_s", t.ccdS), ("tccd_l", t.ccdL), ("trrd_s", t.rrdS), ("trrd_l", t.rrdL), ("tfaw", t.faw),
      ("twtr_s", t.wtrS), ("twtr_l", t.wtrL), ("trtp", t.rtp), ("twr", t.wr), ("tburst", t.burst),
      ("trefi", t.refi), ("trfc", t.rfc),
    ]
    for (key, value) in cycles {
      guard value >= 1, value <= Self.largestCycles else {
        throw DRAMError("expected a whole number of cycles from 1 to \(Self.largestCycles), found \(value)",
          field: "timing.\(key)")
      }
    }
    guard t.rc >= t.ras + t.rp else {
      throw DRAMError("tRC must be at least tRAS + tRP = \(t.ras + t.rp) cycles, found \(t.rc)", field: "timing.trc")
    }
    guard t.burst == Int64(o.burstLength / 2) else {
      throw DRAMError("expected burst_length / 2 = \(o.burstLength / 2) cycles (double data rate), found \(t.burst)",
        field: "timing.tburst")
    }
    guard t.ccdS >= t.burst else {
      throw DRAMError("tCCD_S must be at least tBURST = \(t.burst) cycles, found \(t.ccdS)", field: "timing.tccd_s")
    }
    let ordered: [(String, Int64, String, Int64)] = [
      ("tccd_l", t.ccdL, "tccd_s", t.ccdS), ("trrd_l", t.rrdL, "trrd_s", t.rrdS), ("twtr_l", t.wtrL, "twtr_s", t.wtrS),
    ]
    for (long, longValue, short, shortValue) in ordered where longValue < shortValue {
      throw DRAMError("must be at least \(short) = \(shortValue) cycles, found \(longValue)", field: "timing.\(long)")
    }
    guard t.refi > t.rfc else {
      throw DRAMError("tREFI must be longer than tRFC = \(t.rfc) cycles, found \(t.refi)", field: "timing.trefi")
    }

    guard !rails.isEmpty else {
      throw DRAMError("expected at least one supply rail (vdd, vpp, vdd1, vdd2)", field: "power")
    }
    for rail in rails { try rail.validate(timing: t) }
  }
}

extension DRAMRail {
  /// The rail names a device file accepts under `power`.
  public static let names = ["vdd", "vpp", "vdd1", "vdd2"]

  /// Largest current accepted, in mA.
  public static let largestCurrent = 1.0e6

  func validate(timing t: DRAMTiming) throws(DRAMError) {
    let path = "power.\(name)"
    guard Self.names.contains(name) else {
      throw DRAMError("unknown rail; accepted rails: \(Self.names.joined(separator: ", "))", field: path)
    }
    guard volts.isFinite, volts > 0, volts <= 100 else {
      throw DRAMError("expected a voltage above 0 and at most 100 V, found \(volts)", field: "\(path).volts")
    }
    let currents: [(String, Double)] = [
      ("idd0", idd0), ("idd2p", idd2p), ("idd2n", idd2n), ("idd3p", idd3p), ("idd3n", idd3n),
      ("idd4r", idd4r), ("idd4w", idd4w), ("idd5b", idd5b),
    ]
    for (key, value) in currents {
      guard value.isFinite, value >= 0, value <= Self.largestCurrent else {
        throw DRAMError("expected a current from 0 to \(Int(Self.largestCurrent)) mA, found \(value)", field: "\(path).\(key)")
      }
    }
    func atLeast(_ key: String, _ value: Double, _ lowerKey: String, _ lower: Double) throws(DRAMError) {
      guard value >= lower else {
        throw DRAMError("must be at least \(lowerKey) = \(lower) mA, found \(value)", field: "\(path).\(key)")
      }
    }
    try atLeast("idd3n", idd3n, "idd2n", idd2n)
    try atLeast("idd2n", idd2n, "idd2p", idd2p)
    try atLeast("idd3n", idd3n, "idd3p", idd3p)
    try atLeast("idd4r", idd4r, "idd3n", idd3n)
    try atLeast("idd4w", idd4w, "idd3n", idd3n)
    try atLeast("idd5b", idd5b, "idd3n", idd3n)
    let background = idd3n * Double(t.ras) + idd2n * Double(t.rc - t.ras)
    guard idd0 * Double(t.rc) >= background else {
      throw DRAMError(
        "idd0 x tRC must be at least idd3n x tRAS + idd2n x (tRC - tRAS) (an activation cannot save energy): idd0 >= \(background / Double(t.rc)) mA, found \(idd0)",
        field: "\(path).idd0")
    }
  }
}
