import Networks

/// How a network is planned: the one strategy type of the library, the CLI's `--strategy` and
/// every CSV's `strategy` column.
public enum Strategy: String, Hashable, Sendable, Codable, CaseIterable {
  /// Each layer alone with its best tiling, loops never Scan: the conventional baseline.
  case layerwiseRowMajor = "layerwise-rowmajor"
  /// Each layer alone with its best tiling, any loop may Scan.
  case layerwiseScan = "layerwise-scan"
  /// Each run of layers grows into the longest legal fused chain that fits and moves no more
  /// than its layers alone (`FusedGreedyPlanner`).
  case fusedGreedy = "fused-greedy"
  /// The partition into layers and fused segments an MILP on GLPK finds best for the objective,
  /// cross-checked by an exact dynamic program.
  case optimal

  /// The strategy every saving is measured against.
  public static let baseline = Strategy.layerwiseRowMajor

  /// The Scan option of a layer searched alone under this strategy: the row-major baseline
  /// never Scans, every other strategy's single layers may.
  public var scan: ScanOption { self == .layerwiseRowMajor ? .never : .allowed }

  /// Whether the strategy runs every layer alone.
  public var isLayerwise: Bool { self == .layerwiseRowMajor || self == .layerwiseScan }

  /// The strategies a name stands for: one strategy's name, or a group: `optimal` and `fused`
  /// add the baseline, `layerwise` is both layerwise strategies, `all` every strategy. A name
  /// list separated by commas is their union in the order given. Throws naming what is accepted.
  public static func parseList(_ text: String) throws(StrategyNameError) -> [Strategy] {
    var found: [Strategy] = []
    for name in text.split(separator: ",", omittingEmptySubsequences: false) {
      let name = String(name.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
      let group: [Strategy]
      switch name {
      case "all": group = allCases
      case "layerwise": group = [.layerwiseRowMajor, .layerwiseScan]
      case "fused": group = [.baseline, .fusedGreedy]
      default:
        guard let one = Strategy(rawValue: name) else { throw StrategyNameError(name: name) }
        group = [one]
      }
      for strategy in group where !found.contains(strategy) { found.append(strategy) }
    }
    return found
  }
}

/// A strategy name that is not one.
public struct StrategyNameError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The name given.
  public var name: String
  /// Every name `Strategy.parseList` accepts.
  public static let accepted = Strategy.allCases.map(\.rawValue) + ["layerwise", "fused", "all"]

  /// The message: the name given and every name accepted.
  public var description: String {
    "unknown strategy \(excerpt(name)): accepted: \(Self.accepted.joined(separator: ", ")), or several separated by commas"
  }
}

/// What a plan minimises: DRAM energy or DRAM traffic. The optimizer's objective, the measure of
/// `saving_vs_baseline` and of the sweep plots.
public enum Objective: String, Hashable, Sendable, Codable, CaseIterable {
  /// DRAM energy in pJ: bits moved times the architecture's DRAM energy per byte.
  case energy
  /// DRAM traffic in entries, whatever their widths.
  case traffic

  /// The unit the objective is measured in.
  public var unit: String {
    switch self {
    case .energy: return "pJ"
    case .traffic: return "entries"
    }
  }
}
