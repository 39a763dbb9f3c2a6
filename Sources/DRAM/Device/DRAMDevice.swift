/// A DRAM part and how it is wired: organization, timing in clock cycles and supply currents
/// (docs/dram-model.md). Read from a device file with `DRAMDevice.read(yaml:file:)` or taken
/// from the bundled ones with `DRAMDevice.named(_:)`; every value has passed `validate()`.
public struct DRAMDevice: Hashable, Sendable, Codable {
  /// The device's name (`ddr4-2400-x8`), as the file gives it.
  public var name: String
  /// Channels, ranks, banks, rows, columns and widths.
  public var organization: DRAMOrganization
  /// Command timing in memory-controller clock cycles, and the clock period.
  public var timing: DRAMTiming
  /// Supply rails with their IDD currents: `vdd` (and `vpp`) for DDR4, `vdd1` and `vdd2` for LPDDR4.
  public var rails: [DRAMRail]

  /// A device from its parts; call `validate()` before using one built by hand.
  public init(name: String, organization: DRAMOrganization, timing: DRAMTiming, rails: [DRAMRail]) {
    self.name = name
    self.organization = organization
    self.timing = timing
    self.rails = rails
  }
}

/// How a memory system is organized: one channel has `ranks` ranks of `devicesPerRank` devices
/// that share a `busWidth`-bit data bus and act in lockstep; each device has
/// `bankGroups x banksPerGroup` banks of `rows x columns` cells of `deviceWidth` bits.
public struct DRAMOrganization: Hashable, Sendable, Codable {
  /// Independent channels (each its own command and data bus); a power of two.
  public var channels: Int
  /// Ranks per channel; a power of two.
  public var ranks: Int
  /// Bank groups per device (1 for parts without bank groups); a power of two.
  public var bankGroups: Int
  /// Banks in each bank group; a power of two.
  public var banksPerGroup: Int
  /// Rows per bank; a power of two.
  public var rows: Int
  /// Columns per row, each `deviceWidth` bits wide; a power of two.
  public var columns: Int
  /// Data pins (DQ) per device, in bits.
  public var deviceWidth: Int
  /// Devices that make up one rank (side by side on the data bus).
  public var devicesPerRank: Int
  /// Width of a channel's data bus in bits (= deviceWidth x devicesPerRank).
  public var busWidth: Int
  /// Beats per column command (8 for DDR4 BL8, 16 for LPDDR4 BL16).
  public var burstLength: Int

  /// Creates an organization; `DRAMDevice.validate()` checks it.
  public init(
    channels: Int, ranks: Int, bankGroups: Int, banksPerGroup: Int, rows: Int, columns: Int,
    deviceWidth: Int, devicesPerRank: Int, busWidth: Int, burstLength: Int
  ) {
    self.channels = channels
    self.ranks = ranks
    self.bankGroups = bankGroups
    self.banksPerGroup = banksPerGroup
    self.rows = rows
    self.columns = columns
    self.deviceWidth = deviceWidth
    self.devicesPerRank = devicesPerRank
    self.busWidth = busWidth
    self.burstLength = burstLength
  }

  /// Bytes moved by one column command (one request): bus width / 8 x burst length.
  public var bytesPerBurst: Int { busWidth / 8 * burstLength }
  /// Banks per rank (bank groups x banks per group).
  public var banksPerRank: Int { bankGroups * banksPerGroup }
  /// Column commands that fit in one row (columns / burst length).
  public var burstsPerRow: Int { columns / burstLength }
  /// Bytes in one row of a rank (all devices): bursts per row x bytes per burst.
  public var rowBytes: Int64 { Int64(burstsPerRow) * Int64(bytesPerBurst) }
  /// Total capacity of all channels in bytes.
  public var capacityBytes: Int64 {
    Int64(channels) * Int64(ranks) * Int64(banksPerRank) * Int64(rows) * rowBytes
  }
}

/// Command timing of a device, in clock cycles of period `clockNanoseconds` (JEDEC names).
public struct DRAMTiming: Hashable, Sendable, Codable {
  /// Clock period tCK in nanoseconds.
  public var clockNanoseconds: Double
  /// ACT to RD/WR, same bank (cycles).
  public var rcd: Int64
  /// PRE to ACT, same bank (cycles).
  public var rp: Int64
  /// ACT to PRE, same bank (cycles).
  public var ras: Int64
  /// ACT to ACT, same bank (cycles); at least tRAS + tRP.
  public var rc: Int64
  /// Read latency CL: RD to first data beat (cycles).
  public var cl: Int64
  /// Write latency CWL: WR to first data beat (cycles).
  public var cwl: Int64
  /// Column command to column command, different bank group (cycles).
  public var ccdS: Int64
  /// Column command to column command, same bank group (cycles).
  public var ccdL: Int64
  /// ACT to ACT, different bank group of one rank (cycles).
  public var rrdS: Int64
  /// ACT to ACT, same bank group (cycles).
  public var rrdL: Int64
  /// Window in which a rank accepts at most four ACTs (cycles).
  public var faw: Int64
  /// End of write data to RD, different bank group (cycles).
  public var wtrS: Int64
  /// End of write data to RD, same bank group (cycles).
  public var wtrL: Int64
  /// RD to PRE, same bank (cycles).
  public var rtp: Int64
  /// Write recovery: end of write data to PRE, same bank (cycles).
  public var wr: Int64
  /// Data-bus occupancy of one burst (burst length / 2 cycles at double data rate).
  public var burst: Int64
  /// Average interval between all-bank refreshes of a rank (cycles).
  public var refi: Int64
  /// Duration of one all-bank refresh (cycles).
  public var rfc: Int64

  /// Creates a timing record; `DRAMDevice.validate()` checks it.
  public init(
    clockNanoseconds: Double, rcd: Int64, rp: Int64, ras: Int64, rc: Int64, cl: Int64, cwl: Int64,
    ccdS: Int64, ccdL: Int64, rrdS: Int64, rrdL: Int64, faw: Int64, wtrS: Int64, wtrL: Int64,
    rtp: Int64, wr: Int64, burst: Int64, refi: Int64, rfc: Int64
  ) {
    self.clockNanoseconds = clockNanoseconds
    self.rcd = rcd
    self.rp = rp
    self.ras = ras
    self.rc = rc
    self.cl = cl
    self.cwl = cwl
    self.ccdS = ccdS
    self.ccdL = ccdL
    self.rrdS = rrdS
    self.rrdL = rrdL
    self.faw = faw
    self.wtrS = wtrS
    self.wtrL = wtrL
    self.rtp = rtp
    self.wr = wr
    self.burst = burst
    self.refi = refi
    self.rfc = rfc
  }
}

/// One supply rail of a device and its datasheet currents (per device, in mA).
/// DDR4's VPP rail lists IPP0, IPP2P, ... under the same names; LPDDR4's VDD1 and VDD2 rails
/// list IDDx1 and IDDx2.
public struct DRAMRail: Hashable, Sendable, Codable {
  /// The rail's name: `vdd`, `vpp`, `vdd1` or `vdd2`.
  public var name: String
  /// Supply voltage in volts.
  public var volts: Double
  /// One-bank ACT-PRE current, cycling at tRC (mA).
  public var idd0: Double
  /// Precharge power-down current (mA).
  public var idd2p: Double
  /// Precharge standby current (mA).
  public var idd2n: Double
  /// Active power-down current (mA).
  public var idd3p: Double
  /// Active standby current (mA).
  public var idd3n: Double
  /// Burst read current (mA).
  public var idd4r: Double
  /// Burst write current (mA).
  public var idd4w: Double
  /// Burst (all-bank) refresh current, refreshing every tRFC (mA).
  public var idd5b: Double

  /// Creates a rail; `DRAMDevice.validate()` checks it.
  public init(
    name: String, volts: Double, idd0: Double, idd2p: Double, idd2n: Double, idd3p: Double,
    idd3n: Double, idd4r: Double, idd4w: Double, idd5b: Double
  ) {
    self.name = name
    self.volts = volts
    self.idd0 = idd0
    self.idd2p = idd2p
    self.idd2n = idd2n
    self.idd3p = idd3p
    self.idd3n = idd3n
    self.idd4r = idd4r
    self.idd4w = idd4w
    self.idd5b = idd5b
  }
}

extension Int {
  /// Whether the value is a positive power of two.
  var isPowerOfTwo: Bool { self > 0 && (self & (self - 1)) == 0 }
  /// log2 of a positive power of two.
  var log2: Int { isPowerOfTwo ? self.trailingZeroBitCount : 0 }
}
