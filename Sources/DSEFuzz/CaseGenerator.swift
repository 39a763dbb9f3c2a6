import Networks

/// Makes case `index` of campaign `seed`, always the same from the same pair (and the same
/// corpus): a subcommand, the network file(s) it reads (a mutated bundled network, a structured
/// edge case, a small random network, a Darknet or SCALE-Sim edge case, or a bundled network as
/// it is) and its arguments, legal or hostile.
struct CaseGenerator: Sendable {
  let corpus: Corpus

  func make(seed: UInt64, index: Int) -> FuzzCase {
    var g = SeededGenerator.forCase(seed: seed, index: index)
    var fuzzCase = FuzzCase(seed: seed, index: index, summary: "")
    let command = g.weighted([
      (15, Subcommand.show), (14, .layer), (12, .sweep), (8, .graph), (10, .convert), (8, .decompose), (8, .prune),
      (8, .precision), (8, .quantize), (9, .verify), (6, .trace), (6, .dram),
    ])
    // quantize, verify and trace only on small networks (the bundled ones that are large are left out).
    let light = command == .quantize || command == .verify || command == .trace
    // Two cases in five keep their arguments nearly legal, so that they get past the parsers.
    let hostility = g.chance(0.4) ? 0.03 : 0.35
    var context = CommandContext(networks: [], layerNames: [], heavy: false, hostility: hostility)
    var summary = "no network"
    if (command != .layer && command != .dram) || g.chance(0.05) {
      let (network, text, heavy, about) = makeNetwork(light: light, clean: hostility < 0.1, &g)
      fuzzCase.files.append(FuzzCase.File(path: network, bytes: text))
      context.networks = [network]
      context.heavy = heavy
      context.layerNames = layerNames(in: text, format: extensionOf(network))
      summary = about
      if command == .sweep && g.chance(0.15) {
        let second = g.pick(corpus.networks.filter { !$0.heavy })
        fuzzCase.files.append(FuzzCase.File(path: "in/second.\(second.format)", bytes: second.bytes))
        context.networks.append("in/second.\(second.format)")
        summary += " + \(second.name)"
      }
      if g.chance(hostility / 10) { context.networks[0] = g.pick(["/dev/null", "in", "in/missing.yaml", "", "in/net.yaml/x"]) }
    }
    var arguments: [String]
    switch command {
    case .show: arguments = NetworkCommands.show(context, &fuzzCase, &g)
    case .layer: arguments = PlanningCommands.layer(context, &fuzzCase, &g)
    case .sweep: arguments = PlanningCommands.sweep(context, &fuzzCase, &g)
    case .graph: arguments = NetworkCommands.graph(context, &fuzzCase, &g)
    case .convert: arguments = NetworkCommands.convert(context, &fuzzCase, &g)
    case .decompose: arguments = NetworkCommands.decompose(context, &fuzzCase, &g)
    case .prune: arguments = NetworkCommands.prune(context, &fuzzCase, &g)
    case .precision: arguments = NetworkCommands.precision(context, &fuzzCase, &g)
    case .quantize: arguments = PlanningCommands.quantize(context, &fuzzCase, &g)
    case .verify: arguments = PlanningCommands.verify(context, &fuzzCase, &g)
    case .trace: arguments = DRAMCommands.trace(context, &fuzzCase, &g)
    case .dram: arguments = DRAMCommands.dram(context, devices: corpus.dramDevices, &fuzzCase, &g)
    }
    if arguments.contains("in/arch.yaml") {
      var bytes = corpus.architecture
      if g.chance(0.8) { bytes = Mutator.mutate(bytes, format: "yaml", &g).0 }
      fuzzCase.files.append(FuzzCase.File(path: "in/arch.yaml", bytes: bytes))
      summary += " + arch"
    }
    if g.chance(hostility / 2) {
      arguments = ArgumentMangling.mangle(arguments, &g)
      summary += " + mangled arguments"
    }
    fuzzCase.arguments = arguments
    fuzzCase.summary = "\(command.rawValue): " + summary
    // A path named twice as an output (or once as an input and once as an output) is kept once.
    fuzzCase.folders = Array(Set(fuzzCase.folders)).sorted()
    fuzzCase.devices = Array(Set(fuzzCase.devices)).sorted()
    return fuzzCase
  }

  /// A network file: its path in `work`, its bytes, whether it is heavy, and a summary.
  /// Clean cases favour networks that load: bundled ones as they are and small random ones.
  private func makeNetwork(light: Bool, clean: Bool, _ g: inout SeededGenerator) -> (String, [UInt8], Bool, String) {
    let source =
      clean
      ? g.weighted([(25, "mutate"), (12, "edge"), (30, "small"), (6, "cfg"), (5, "csv"), (22, "plain")])
      : g.weighted([(50, "mutate"), (20, "edge"), (12, "small"), (6, "cfg"), (5, "csv"), (7, "plain")])
    var bytes: [UInt8]
    var format = "yaml"
    var heavy = false
    var summary: String
    switch source {
    case "mutate", "plain":
      // quantize and verify: neither the large networks nor the CSVs (every row an input: slow).
      let entries = light ? corpus.networks.filter { !$0.heavy && $0.format != "csv" } : corpus.networks
      let entry = g.pick(entries.isEmpty ? corpus.networks : entries)
      (bytes, format, heavy) = (entry.bytes, entry.format, entry.heavy)
      summary = entry.name
      if source == "mutate" {
        let (mutated, kinds) = Mutator.mutate(bytes, format: format, &g)
        bytes = mutated
        summary = "mutate \(entry.name): \(kinds.joined(separator: ", "))"
      }
    case "edge":
      let (about, text) = EdgeNetworks.make(&g)
      bytes = Array(text.utf8)
      summary = "edge case: \(about)"
    case "small":
      bytes = Array(SmallNetworks.randomYAML(&g).utf8)
      summary = "small network"
      if g.chance(0.3) {
        let (mutated, kinds) = Mutator.mutate(bytes, format: format, &g)
        bytes = mutated
        summary += ", mutated: \(kinds.joined(separator: ", "))"
      }
    case "cfg":
      bytes = Array(SmallNetworks.darknet(&g).utf8)
      format = "cfg"
      summary = "Darknet edge case"
    default:
      bytes = Array(SmallNetworks.scaleSim(&g).utf8)
      format = "csv"
      summary = "SCALE-Sim edge case"
    }
    var path = "in/net.\(format)"
    if g.chance(clean ? 0.02 : 0.1) {
      path = g.pick([
        "in/net name.\(format)", "in/.\(format)", "in/net.\(format.uppercased())", "in/net", "in/ünï-🙂.\(format)",
        "in/-net.\(format)", "in/net\nline.\(format)", "in/" + String(repeating: "n", count: 250) + ".\(format)",
        "in/..escaped.\(format)", "in/net.\(format).\(format)", "in/a,b.\(format)",
      ])
      summary += " (file \(path.debugDescription))"
    }
    return (path, bytes, heavy, summary)
  }

  /// Layer names in a network text, for options that name layers (at most 50).
  private func layerNames(in bytes: [UInt8], format: String) -> [String] {
    let text = String(decoding: bytes.prefix(256 * 1024), as: UTF8.self)
    var names: [String] = []
    switch format {
    case "yaml", "yml":
      var rest = text[...]
      while names.count < 50, let range = rest.range(of: "name: ") {
        let name = rest[range.upperBound...].prefix { $0.isLetter || $0.isNumber || "_.-".contains($0) }
        if !name.isEmpty { names.append(String(name)) }
        rest = rest[range.upperBound...]
      }
    case "csv":
      names = text.split(separator: "\n").dropFirst().prefix(50).compactMap { $0.split(separator: ",").first.map(String.init) }
    default:
      names = ["conv0", "conv1", "conv2", "maxpool1", "route8", "shortcut4"]
    }
    return names
  }

  private func extensionOf(_ path: String) -> String {
    path.split(separator: ".").last.map { String($0).lowercased() } ?? ""
  }
}
