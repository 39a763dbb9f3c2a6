/// The device files shipped in `arch/dram/`, embedded so that a build needs no resource files.
/// A test (DRAMDeviceFileTests) checks that these texts equal the files byte for byte.
extension DRAMDevice {
  /// Bundled device files by name (`ddr4-2400-x8`, `lpddr4-x16`) -> YAML text.
  public static let bundled: [String: String] = [
    "ddr4-2400-x8": """
      # DDR4-2400 (speed bin 2400R, 16-16-16) 8 Gb x8 devices, Micron MT40A1G8 class, on one 64-bit
      # channel with two ranks of eight devices (16 GiB). Units: counts; timing in clock cycles of
      # tck_ns; currents in mA per device; volts in V. Sources for every figure: docs/dram-model.md.
      name: ddr4-2400-x8
      organization:
        channels: 1
        ranks: 2
        bank_groups: 4
        banks_per_group: 4
        rows: 65536
        columns: 1024
        device_width: 8
        devices_per_rank: 8
        bus_width: 64
        burst_length: 8
      timing:
        tck_ns: 0.833
        trcd: 16
        trp: 16
        tras: 39
        trc: 55
        cl: 16
        cwl: 12
        tccd_s: 4
        tccd_l: 6
        trrd_s: 4
        trrd_l: 6
        tfaw: 26
        twtr_s: 3
        twtr_l: 9
        trtp: 9
        twr: 18
        tburst: 4
        trefi: 9364
        trfc: 420
      power:
        vdd:
          volts: 1.2
          idd0: 48
          idd2p: 25
          idd2n: 34
          idd3p: 37
          idd3n: 43
          idd4r: 135
          idd4w: 123
          idd5b: 250
        vpp:
          volts: 2.5
          idd0: 3
          idd2p: 3
          idd2n: 3
          idd3p: 3
          idd3n: 3
          idd4r: 3
          idd4w: 3
          idd5b: 3

      """,
    "lpddr4-x16": """
      # LPDDR4-3200 8 Gb x16 dies (two 4 Gb x16 channels per die). One "device" here is one x16
      # channel of a die (8 banks x 32768 rows x 1024 columns x 16 bits = 4 Gb); four of them in
      # lockstep form a 64-bit channel, so one BL16 column command moves 64 / 8 x 16 = 128 bytes.
      # Two supply rails: vdd1 (1.8 V) and vdd2 (1.1 V); VDDQ (I/O) is not modelled. Units: counts;
      # timing in clock cycles of tck_ns; currents in mA per x16 channel; volts in V.
      # Sources for every figure: docs/dram-model.md.
      name: lpddr4-x16
      organization:
        channels: 1
        ranks: 1
        bank_groups: 1
        banks_per_group: 8
        rows: 32768
        columns: 1024
        device_width: 16
        devices_per_rank: 4
        bus_width: 64
        burst_length: 16
      timing:
        tck_ns: 0.625
        trcd: 29
        trp: 29
        tras: 68
        trc: 97
        cl: 28
        cwl: 14
        tccd_s: 8
        tccd_l: 8
        trrd_s: 16
        trrd_l: 16
        tfaw: 64
        twtr_s: 16
        twtr_l: 16
        trtp: 12
        twr: 29
        tburst: 8
        trefi: 6246
        trfc: 288
      power:
        vdd1:
          volts: 1.8
          idd0: 3.5
          idd2p: 1.2
          idd2n: 2.0
          idd3p: 1.2
          idd3n: 2.25
          idd4r: 2.25
          idd4w: 2.25
          idd5b: 10
        vdd2:
          volts: 1.1
          idd0: 45
          idd2p: 3.0
          idd2n: 27
          idd3p: 9
          idd3n: 30
          idd4r: 275
          idd4w: 210
          idd5b: 90

      """,
  ]
}

extension DRAMDevice {
  /// A bundled device by name; an unknown name is an error listing the known ones.
  public static func named(_ name: String) throws(DRAMError) -> DRAMDevice {
    guard let text = bundled[name] else {
      throw DRAMError(
        "unknown DRAM device '\(name.prefix(60))'; known devices: \(bundled.keys.sorted().joined(separator: ", ")), or a device file (.yaml, as in arch/dram/)",
        field: "device")
    }
    return try read(yaml: text, file: "\(name).yaml (bundled)")
  }
}
