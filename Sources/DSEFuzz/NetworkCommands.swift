import Networks

/// What a command generator needs about the case's network(s), and how hostile its arguments are.
struct CommandContext {
  /// Paths of the case's networks, relative to `work` (`in/net.yaml`).
  var networks: [String]
  /// Layer names found in the network text, for `--layer NAME=...` options.
  var layerNames: [String]
  /// The network is large: keep sweeps and verifications to their cheapest forms.
  var heavy: Bool
  /// Chance that an option value is hostile: small for the cases meant to get far into dse.
  var hostility: Double
  var paths: OutputPaths { OutputPaths(hostileChance: hostility / 2) }

  /// A legal value, or (with chance `hostility`) a hostile one.
  func value(_ g: inout SeededGenerator, _ legal: [String], _ hostile: [String]) -> String {
    g.chance(hostility) ? g.pick(hostile) : g.pick(legal)
  }

  /// A layer name: one of the network's, or a hostile one.
  func layerName(_ g: inout SeededGenerator) -> String {
    !g.chance(hostility) && !layerNames.isEmpty ? g.pick(layerNames) : Hostile.name(&g).replacingNUL()
  }

  /// The case's first network (or a path that does not exist when there is none).
  var network: String { networks.first ?? "in/missing.yaml" }
}

/// Argument generators of the commands that read a network and write a network or a report:
/// show, graph, convert, decompose, prune and precision.
enum NetworkCommands {
  static func show(_ c: CommandContext, _ f: inout FuzzCase, _ g: inout SeededGenerator) -> [String] {
    var arguments = ["show", c.network]
    if g.chance(0.6) { arguments += ["--format", c.value(&g, ["table", "csv", "json"], ["JSON", "xml", ""])] }
    if g.chance(0.4) { arguments += [g.pick(["-o", "--output"]), c.paths.file(g.pick(["txt", "json", "csv"]), in: &f, &g)] }
    return arguments
  }

  static func graph(_ c: CommandContext, _ f: inout FuzzCase, _ g: inout SeededGenerator) -> [String] {
    var arguments = ["graph", c.network]
    if g.chance(0.8) {
      arguments += ["-o", c.paths.file(c.value(&g, ["dot", "dot", "svg", "png", "pdf"], ["txt", "DOT", ""]), in: &f, &g)]
    }
    return arguments
  }

  static func convert(_ c: CommandContext, _ f: inout FuzzCase, _ g: inout SeededGenerator) -> [String] {
    ["convert", c.network, c.paths.file(c.value(&g, ["yaml", "cfg", "csv", "yml"], ["txt", ""]), in: &f, &g)]
  }

  static func decompose(_ c: CommandContext, _ f: inout FuzzCase, _ g: inout SeededGenerator) -> [String] {
    var arguments = ["decompose", c.network, "-o", c.paths.file(outputFormat(c, &g), in: &f, &g)]
    if g.chance(0.8) { arguments += ["--rank", c.value(&g, ["0.5", "1", "2", "0.25", "64"], rankOrRatio)] }
    for _ in 0..<g.weighted([(6, 0), (2, 1), (1, 3)]) {
      arguments += ["--layer-rank", "\(c.layerName(&g))=\(c.value(&g, ["1", "0.5", "8"], rankOrRatio))"]
    }
    if g.chance(0.3) { arguments.append("--keep-first") }
    return arguments
  }

  static func prune(_ c: CommandContext, _ f: inout FuzzCase, _ g: inout SeededGenerator) -> [String] {
    var arguments = ["prune", c.network, "-o", c.paths.file(outputFormat(c, &g), in: &f, &g)]
    if !g.chance(c.hostility / 4) { arguments += ["--keep", c.value(&g, ["0.5", "1", "0.25", "0.01"], rankOrRatio)] }
    for _ in 0..<g.weighted([(6, 0), (2, 1), (1, 3)]) {
      let ratio = c.value(&g, ["1", "0.5"], rankOrRatio)
      arguments += ["--layer", g.chance(c.hostility / 4) ? g.pick(["=", "x", "=0.5", "a=b=c"]) : "\(c.layerName(&g))=\(ratio)"]
    }
    return arguments
  }

  static func precision(_ c: CommandContext, _ f: inout FuzzCase, _ g: inout SeededGenerator) -> [String] {
    var arguments = ["precision", c.network, "-o", c.paths.file(outputFormat(c, &g), in: &f, &g)]
    let legalBits = ["1", "2", "4", "8", "16"]
    if g.chance(0.6) { arguments += ["--bits", c.value(&g, legalBits, Hostile.bits)] }
    if g.chance(0.3) { arguments += ["--weight-bits", c.value(&g, legalBits, Hostile.bits)] }
    if g.chance(0.3) { arguments += ["--activation-bits", c.value(&g, legalBits, Hostile.bits)] }
    for _ in 0..<g.weighted([(5, 0), (3, 1), (1, 3)]) {
      let widths = c.value(&g, ["8/8", "4", "1/16", "2/8", "16"], ["0/8", "8/17", "8/", "/8", "8/8/8", "", "x"])
      arguments += ["--layer", "\(c.layerName(&g))=\(widths)"]
    }
    if arguments.count == 4 { arguments += ["--bits", "8"] }
    return arguments
  }

  /// The extension of a transformed network's output file.
  static func outputFormat(_ c: CommandContext, _ g: inout SeededGenerator) -> String {
    c.value(&g, ["yaml", "yaml", "cfg", "csv"], ["txt", ""])
  }

  /// Ranks and keep ratios that are not legal, or are at the edge.
  static let rankOrRatio = [
    "0", "-1", "1.5", "1e-300", "nan", "inf", "", "0.0", "2", "9223372036854775807", "9223372036854775808", "16777217",
    "1/2", "0x1", "-0",
  ]
}

extension String {
  /// The string with NUL characters replaced (command-line arguments cannot carry them).
  func replacingNUL() -> String { String(unicodeScalars.map { $0 == "\u{0}" ? "0" : Character($0) }) }
}
