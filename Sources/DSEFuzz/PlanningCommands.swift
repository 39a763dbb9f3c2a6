import Networks

/// Argument generators of the commands that plan or run: layer, sweep, quantize and verify.
/// Legal cases are kept small (one or two buffer sizes, one job, inputs of 8 to 32 pixels,
/// one calibration image) so that most finish well under a second.
enum PlanningCommands {
  static func layer(_ c: CommandContext, _ f: inout FuzzCase, _ g: inout SeededGenerator) -> [String] {
    var arguments = ["layer"]
    let dimensions = ["1", "3", "16", "64", "196", "1024", "3136", "4096"]
    if g.chance(0.55) {
      for option in ["--m", "--k", "--n"] where !g.chance(c.hostility / 6) {
        arguments += [option, c.value(&g, dimensions, Hostile.numbers)]
      }
    } else {
      let sizes = ["7", "14", "28", "56"]
      var fields = [
        c.value(&g, dimensions, Hostile.numbers), c.value(&g, dimensions, Hostile.numbers), g.pick(sizes), g.pick(sizes),
        g.pick(["1", "3", "5"]), g.pick(["1", "2"]),
      ]
      if g.chance(c.hostility) { fields[g.int(0..<fields.count)] = Hostile.number(&g) }
      if g.chance(0.2) { fields.append(c.value(&g, ["1", fields[0]], ["2", "0", "-1", "3"])) }
      if g.chance(c.hostility / 4) { fields.removeLast(g.int(1...3)) }
      if g.chance(c.hostility / 8) { fields.append(contentsOf: ["1", "1"]) }
      arguments += ["--conv", fields.joined(separator: g.chance(c.hostility / 8) ? ";" : ",")]
      if g.chance(0.3) { arguments += ["--padding", c.value(&g, ["0", "1", "2"], Hostile.numbers)] }
      if g.chance(c.hostility / 4) { arguments += ["--m", "64"] }
    }
    if !g.chance(c.hostility / 6) {
      arguments += ["--buffer", c.value(&g, ["16K", "64K", "32KiB", "1M", "4096", "128"], Hostile.buffers)]
    }
    if g.chance(0.25) { arguments += ["--bits", c.value(&g, ["1", "4", "8", "16"], Hostile.bits + ["0", "33"])] }
    if g.chance(0.4) { arguments += ["--top", c.value(&g, ["1", "3", "5"], Hostile.numbers)] }
    if g.chance(0.2) { arguments += ["--order", c.value(&g, ["mnk", "mkn", "nmk", "nkm", "kmn", "knm"], ["abc", "", "MNK"])] }
    if g.chance(0.15) { arguments.append("--no-scan") }
    if g.chance(0.3) { arguments += ["--format", c.value(&g, ["table", "json"], ["csv", ""])] }
    arguments += energyOptions(c, &g)
    return arguments
  }

  static func sweep(_ c: CommandContext, _ f: inout FuzzCase, _ g: inout SeededGenerator) -> [String] {
    var arguments = ["sweep"] + c.networks
    if g.chance(0.1), let first = c.networks.first { arguments.append(first) }  // the same network twice
    let buffers = c.heavy ? ["64K", "256K", "32K"] : Hostile.legalBuffers
    arguments += ["--buffers", c.value(&g, buffers, Hostile.buffers)]
    arguments += ["--jobs", c.value(&g, ["1", "1", "1", "2"], ["0", "-1", "1000", "9223372036854775807"])]
    let strategies = ["optimal", "fused", "layerwise", "all", "layerwise-rowmajor", "layerwise-scan", "fused-greedy"]
    if c.heavy {
      arguments += ["--strategy", "layerwise-rowmajor"]
    } else if g.chance(0.7) {
      arguments += ["--strategy", c.value(&g, strategies, ["bogus", "", "optimal,fused", "ALL"])]
    }
    if g.chance(c.hostility / 8) {
      f.allowedWrites += ["results", "plots"]  // no --out: the defaults, results/ and plots/
    } else {
      arguments += ["--out", c.paths.folder(normal: "out", in: &f, &g)]
      if g.chance(0.9) { arguments += ["--plots", c.paths.folder(normal: "out/plots", in: &f, &g)] }
    }
    if g.chance(0.2) { arguments += ["--objective", c.value(&g, ["energy", "traffic"], ["latency", ""])] }
    if g.chance(0.15) {
      arguments += ["--max-latency", c.value(&g, ["4ms", "2000000cycles", "1us", "0.01s"], ["0", "-1ms", "1e400s", "ms", "99999999999999999999cycles", "nan", "1h"])]
    }
    if g.chance(0.15) { arguments += ["--max-segments", c.value(&g, ["1", "2", "5"], ["0", "-1", "9223372036854775807", "1.5"])] }
    if g.chance(0.12) {
      f.files.append(FuzzCase.File(path: "in/errors.csv", bytes: Array(SmallNetworks.errorTable(&g, layers: c.layerNames).utf8)))
      arguments += ["--error-table", c.value(&g, ["in/errors.csv"], ["in/missing.csv", "in", ""])]
      if g.chance(0.8) { arguments += ["--error-budget", c.value(&g, ["0.05", "0.5", "0"], ["-1", "nan", "inf", "1e-300", "x"])] }
      if g.chance(0.5) { arguments += ["--widths", c.value(&g, ["4,8", "4,8,16", "8"], ["0", "17", "", "4,,8", "8,8,8", "1"])] }
    } else if g.chance(c.hostility / 8) {
      arguments += ["--error-budget", "0.1"]
    }
    arguments += segmentLimits(c, &g)
    if g.chance(0.1) { arguments += ["--time-limit", c.value(&g, ["1", "10"], ["0", "-1", "nan", "inf", "1e-9"])] }
    if g.chance(0.15) { arguments += ["--bits", c.value(&g, ["4", "8", "16"], Hostile.bits)] }
    arguments += energyOptions(c, &g)
    return arguments
  }

  static func quantize(_ c: CommandContext, _ f: inout FuzzCase, _ g: inout SeededGenerator) -> [String] {
    var arguments = ["quantize", c.network, "--input-size", String(g.int(8...32)), "--calibration", "1"]
    if g.chance(0.4) { arguments += ["--bits", c.value(&g, ["2", "4", "8", "16"], ["1", "0", "17"])] }
    if g.chance(0.3) { arguments += ["--widths", c.value(&g, ["4,8", "2,16", "8"], ["1", "17", "", "4,,8", "x"])] }
    if g.chance(0.3) { arguments += ["--error-table", c.paths.file("csv", in: &f, &g)] }
    if g.chance(0.3) { arguments += ["--format", c.value(&g, ["table", "csv"], ["json", ""])] }
    if g.chance(0.2) { arguments += ["--seed", c.value(&g, ["0", "1", "18446744073709551615"], ["-1", "18446744073709551616", "x"])] }
    return arguments
  }

  static func verify(_ c: CommandContext, _ f: inout FuzzCase, _ g: inout SeededGenerator) -> [String] {
    var arguments = ["verify", c.network, "--input-size", String(g.int(8...32)), "--calibration", "1"]
    if g.chance(0.9) { arguments += ["--buffer", c.value(&g, ["16K", "64K", "20K", "4K", "32KiB", "20K,64K"], Hostile.buffers)] }
    let strategies = ["layerwise-scan", "layerwise-rowmajor", "fused-greedy", "optimal", "all", "optimal,fused-greedy"]
    if g.chance(0.6) { arguments += ["--strategy", c.heavy ? "layerwise-scan" : c.value(&g, strategies, ["bogus", "", ","])] }
    if g.chance(0.2) { arguments += ["--seed", c.value(&g, ["0", "7", "18446744073709551615"], ["-1", "x"])] }
    if g.chance(0.15) { arguments += ["--psum-width", c.value(&g, ["1", "2", "8"], ["0", "9", "-1"])] }
    arguments += segmentLimits(c, &g)
    if c.network.hasSuffix(".cfg") && g.chance(0.4) {
      let size = g.pick([0, 3, 20, 1000, 100_000])
      f.files.append(FuzzCase.File(path: "in/w.weights", bytes: (0..<size).map { _ in UInt8(g.int(0...255)) }))
      arguments += ["--weights", "in/w.weights"]
    }
    return arguments
  }

  /// `--max-segment-length` and `--max-stages` (sweep, verify, trace), now and then. Legal stages
  /// stay at 3 or below: more is slow on the larger bundled networks.
  static func segmentLimits(_ c: CommandContext, _ g: inout SeededGenerator) -> [String] {
    var arguments: [String] = []
    if g.chance(0.15) {
      arguments += ["--max-segment-length", c.value(&g, ["1", "2", "8"], ["0", "-1", "10000", "9223372036854775807"])]
    }
    if g.chance(0.15) {
      arguments += ["--max-stages", c.value(&g, ["1", "2", "3"], ["0", "-1", "17", "10000", "9223372036854775807"])]
    }
    return arguments
  }

  /// `--arch` (a mutated architecture file), `--dram-pj-per-byte` and `--psum-width`, now and then.
  static func energyOptions(_ c: CommandContext, _ g: inout SeededGenerator) -> [String] {
    var arguments: [String] = []
    if g.chance(0.1) { arguments += ["--arch", "in/arch.yaml"] }
    if g.chance(0.1) { arguments += ["--dram-pj-per-byte", c.value(&g, ["243.75", "100", "0"], ["-1", "nan", "inf", "1e308", "x"])] }
    if g.chance(0.1) { arguments += ["--psum-width", c.value(&g, ["1", "2", "8"], ["0", "9", "-1", "2147483648"])] }
    return arguments
  }
}
