import Networks

/// Hostile edits of a finished command line: stray and unknown options, duplicated options,
/// values dropped or emptied, extra positional arguments.
enum ArgumentMangling {
  /// `arguments` (the subcommand first) after one or two hostile edits.
  static func mangle(_ arguments: [String], _ g: inout SeededGenerator) -> [String] {
    var result = arguments
    for _ in 0..<g.weighted([(3, 1), (1, 2)]) {
      let at = g.int(1...result.count)
      switch g.int(0..<7) {
      case 0: result.insert(g.pick(Hostile.strayArguments), at: at)
      case 1:
        // Repeat an option with its value.
        if let option = result.indices.dropFirst().filter({ result[$0].hasPrefix("-") && $0 + 1 < result.count }).randomElement(using: &g) {
          result += [result[option], result[option + 1]]
        }
      case 2:
        // Drop the value of an option, so that the next option (or nothing) is read as it.
        if let option = result.indices.dropFirst().filter({ result[$0].hasPrefix("--") && $0 + 1 < result.count }).randomElement(using: &g) {
          result.remove(at: option + 1)
        }
      case 3:
        // Empty a value.
        if result.count > 1 { result[g.int(1..<result.count)] = "" }
      case 4: result.insert(g.pick(["in/missing.yaml", "in", "/dev/null", "in/net.yaml", "nets/mobilenetv2.yaml", "-"]), at: at)
      case 5: result.insert(contentsOf: ["--", g.pick(["--help", "-x", "in/net.yaml"])], at: at)
      default:
        // An option glued to its value, `--name=value`.
        if let option = result.indices.dropFirst().filter({ result[$0].hasPrefix("--") && $0 + 1 < result.count }).randomElement(using: &g) {
          result[option] += "=" + result[option + 1]
          result.remove(at: option + 1)
        }
      }
    }
    return result
  }
}
