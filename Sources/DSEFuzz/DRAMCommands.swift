import Networks

/// Argument generators of the DRAM commands: `trace` (a plan's transactions to a file) and
/// `dram` (a trace file, seeded and then mutated, on a device that may be a mutated device
/// file). Traces are kept to a few hundred lines and networks to 8 to 32 pixels.
enum DRAMCommands {
  static let formats = ["dramsim3", "ramulator2", "ramulator", "csv"]
  static let layouts = ["nchw,oihw", "nhwc,hwio", "nhwc", "hwio", "nchw,hwio"]
  static let hostileLayouts = ["", "nchw,nhwc", "oihw,oihw", "NCHW", "nchw,oihw,x", ",", "nhwc;hwio"]

  static func trace(_ c: CommandContext, _ f: inout FuzzCase, _ g: inout SeededGenerator) -> [String] {
    var arguments = ["trace", c.network, "--input-size", String(g.int(8...32))]
    if !g.chance(c.hostility / 6) {
      arguments += ["--buffer", c.value(&g, ["4K", "16K", "64K", "20K"], Hostile.buffers)]
    }
    let strategies = ["optimal", "layerwise-rowmajor", "layerwise-scan", "fused-greedy"]
    if g.chance(0.6) { arguments += ["--strategy", c.value(&g, strategies, ["all", "bogus", "", "optimal,fused-greedy"])] }
    if g.chance(0.25) {
      arguments += ["--layer", c.layerName(&g)]
    } else if g.chance(0.25) {
      arguments += ["--unit", c.value(&g, ["0", "1", "3"], ["-1", "999999", "9223372036854775807", "x"])]
    }
    if g.chance(0.7) { arguments += ["--format", c.value(&g, formats, ["DRAMsim3", "", "gem5"])] }
    if g.chance(0.3) { arguments += ["--layout", c.value(&g, layouts, hostileLayouts)] }
    if g.chance(0.2) { arguments += ["--burst", c.value(&g, ["32", "64", "128"], ["0", "48", "-64", "9223372036854775807"])] }
    if g.chance(0.15) { arguments += ["--align", c.value(&g, ["64", "4096", "1"], ["0", "100", "-4096", "4611686018427387904"])] }
    if g.chance(0.2) {
      let issue = c.value(&g, ["bandwidth", "back-to-back"], ["", "fast"])
      arguments += ["--issue", issue]
      // Pacing options with bandwidth issue (and, now and then, without it or half of them).
      if issue == "bandwidth" ? !g.chance(c.hostility / 4) : g.chance(c.hostility / 4) {
        arguments += ["--bandwidth", c.value(&g, ["19.2", "1", "25.6"], ["0", "-1", "nan", "inf", "1e-300"])]
        if !g.chance(c.hostility / 4) { arguments += ["--clock", c.value(&g, ["1200", "1600", "100"], ["0", "-5", "nan", "1e308"])] }
      }
    }
    arguments += PlanningCommands.segmentLimits(c, &g)
    arguments += ["-o", c.paths.file(g.pick(["trace", "csv", "txt"]), in: &f, &g)]
    return arguments
  }

  static func dram(_ c: CommandContext, devices: [[UInt8]], _ f: inout FuzzCase, _ g: inout SeededGenerator) -> [String] {
    let format = g.pick(formats)
    var bytes = Array(traceText(format: format, lines: g.weighted([(1, 0), (6, 20), (3, 300)]), &g).utf8)
    // Traces are line-based like CSV: the CSV mutations (a stray field, a hostile first field) fit.
    if !bytes.isEmpty && g.chance(0.5 + c.hostility) { bytes = Mutator.mutate(bytes, format: "csv", &g).0 }
    f.files.append(FuzzCase.File(path: "in/t.trace", bytes: bytes))
    var arguments = ["dram", c.value(&g, ["in/t.trace"], ["in/missing.trace", "in", "", "/dev/null", "-"])]
    if g.chance(0.5) {
      arguments += ["--format", c.value(&g, [format] + formats, ["", "DRAMSIM3", "ramulator3"])]
    }
    if g.chance(0.6) {
      if g.chance(0.5), !devices.isEmpty {
        var device = g.pick(devices)
        if g.chance(0.7) { device = Mutator.mutate(device, format: "yaml", &g).0 }
        f.files.append(FuzzCase.File(path: "in/device.yaml", bytes: device))
        arguments += ["--device", c.value(&g, ["in/device.yaml"], ["in/missing.yaml", "in", "in/t.trace"])]
      } else {
        arguments += ["--device", c.value(&g, ["ddr4-2400-x8", "lpddr4-x16"], ["ddr5", "", "DDR4-2400-X8", "../x"])]
      }
    }
    if g.chance(0.2) {
      arguments += [
        "--mapping", c.value(&g, ["rochrababgco", "xor", "robgbarachco", "xor:chrorabgbaco"], ["", "ro", "rorochrababgco", "xor:", "zz"]),
      ]
    }
    if g.chance(0.2) { arguments += ["--policy", c.value(&g, ["open", "closed"], ["", "half"])] }
    if g.chance(0.25) {
      arguments += ["--scheduling", c.value(&g, ["in-order", "frfcfs", "frfcfs:1", "frfcfs:64"], ["frfcfs:0", "frfcfs:-1", "frfcfs:99999", "fifo", ""])]
    }
    if g.chance(0.3) { arguments.append("--json") }
    return arguments
  }

  /// `lines` requests in `format`: mostly sequential with jumps, reads and writes mixed.
  static func traceText(format: String, lines: Int, _ g: inout SeededGenerator) -> String {
    var text = format == "csv" ? "cycle,address,command,bytes,useful_bytes,unit,layer,operand,tensor,tile\n" : ""
    var address: UInt64 = UInt64(g.int(0...1 << 20)) * 64
    var cycle = 0
    for _ in 0..<lines {
      if g.chance(0.1) { address = UInt64(g.int(0...1 << 26)) * 64 } else { address += 64 }
      cycle += g.int(0...8)
      let write = g.chance(0.3)
      let hex = "0x" + String(address, radix: 16, uppercase: g.chance(0.5))
      switch format {
      case "dramsim3": text += "\(hex) \(write ? "WRITE" : "READ") \(cycle)\n"
      case "ramulator2": text += "\(write ? "ST" : "LD") \(hex)\n"
      case "ramulator": text += "\(hex) \(write ? "W" : "R")\n"
      default:
        text += "\(cycle),\(hex),\(write ? "WRITE" : "READ"),64,\(g.int(1...64)),0,conv,\(write ? "output" : "input"),conv,\(g.int(0...9))\n"
      }
    }
    return text
  }
}
