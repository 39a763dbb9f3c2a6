/// A design space: the architectures a sweep varies, as the cross product of architecture
/// files and grid axes (`--grid mac.array=16x16,32x32 bits=8,16`). Each combination is a
/// `DesignPoint` with a stable id; the sweep plans every network at every point.
public struct DesignGrid: Hashable, Sendable, Codable {
  /// One varied key and the values it takes, in the order given.
  public struct Axis: Hashable, Sendable, Codable {
    /// An architecture key (`Architecture.settingKeys`) or `bits`.
    public var key: String
    public var values: [String]

    /// An axis over `values` of `key`.
    public init(key: String, values: [String]) {
      self.key = key
      self.values = values
    }
  }

  /// The key that sets every layer's weight and activation width (1 to 16 bits) rather than a
  /// field of the architecture file.
  public static let bitsKey = "bits"

  /// Every key an axis may vary: the architecture file's fields and `bits`.
  public static var keys: [String] { (Architecture.settingKeys + [bitsKey]).sorted() }

  /// The axes, sorted by key (so the same grid written in another order is the same grid).
  public var axes: [Axis]

  /// The grid of `axes`; a key given twice, an unknown key (the error lists the valid ones),
  /// a value list with an empty or repeated value, or a width outside 1 to 16 is an error.
  public init(axes: [Axis]) throws(DSEError) {
    var seen: Set<String> = []
    for axis in axes {
      guard Self.keys.contains(axis.key) else {
        throw DSEError(
          .invalidArgument, field: "--grid \(excerpt(axis.key))",
          "not a key of the architecture file; accepted keys: \(Self.keys.joined(separator: ", "))")
      }
      guard seen.insert(axis.key).inserted else {
        throw DSEError(.invalidArgument, field: "--grid \(axis.key)", "given twice; give its values once, separated by commas")
      }
      guard !axis.values.isEmpty, !axis.values.contains(where: \.isEmpty) else {
        throw DSEError(.invalidArgument, field: "--grid \(axis.key)", "expected KEY=V1,V2,... with no empty value")
      }
      guard Set(axis.values).count == axis.values.count else {
        throw DSEError(.invalidArgument, field: "--grid \(axis.key)", "a value is repeated; each design point once")
      }
      if axis.key == Self.bitsKey {
        for value in axis.values where Int(value).map({ !(1...16).contains($0) }) ?? true {
          throw DSEError(.invalidArgument, field: "--grid bits", "\(excerpt(value)): expected a width from 1 to 16 bits")
        }
      }
    }
    self.axes = axes.sorted { $0.key < $1.key }
  }

  /// Parses `KEY=V1,V2,...` arguments (as `--grid` takes them).
  public init(parsing arguments: [String]) throws(DSEError) {
    var axes: [Axis] = []
    for argument in arguments {
      guard let equals = argument.firstIndex(of: "=") else {
        throw DSEError(
          .invalidArgument, field: "--grid \(excerpt(argument))",
          "expected KEY=V1,V2,... (for example mac.array=16x16,32x32); keys: \(Self.keys.joined(separator: ", "))")
      }
      let values = argument[argument.index(after: equals)...].split(separator: ",", omittingEmptySubsequences: false)
      axes.append(Axis(key: String(argument[..<equals]), values: values.map(String.init)))
    }
    try self.init(axes: axes)
  }

  /// Every combination of the axes' values, the first axis outermost: each a list of (key,
  /// value) in key order. One empty combination for a grid without axes.
  public var combinations: [[(key: String, value: String)]] {
    axes.reduce([[]]) { partial, axis in
      partial.flatMap { combination in axis.values.map { combination + [(axis.key, $0)] } }
    }
  }
}

/// One design point of a sweep: an architecture (a file or the default, with a grid's
/// settings over it) and, optionally, one width for every layer.
public struct DesignPoint: Hashable, Sendable, Codable {
  /// One architecture key and its value, as given.
  public struct Setting: Hashable, Sendable, Codable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
      self.key = key
      self.value = value
    }
  }

  /// Eight hexadecimal digits of the SHA-256 of the point's canonical settings: the
  /// architecture file's contents (not its path), the width and each setting. The same point
  /// has the same id on any machine and in any sweep.
  public var id: String
  /// The architecture file's position in the plan's list, nil for the default architecture.
  public var architecture: Int?
  /// The grid's architecture settings, in key order.
  public var settings: [Setting]
  /// Every layer's weight and activation width, or nil to keep the network's own.
  public var bits: Int?

  /// The point of `settings` (the grid's, `bits` among them) over the architecture file at
  /// position `architecture` whose contents hash to `architectureSHA256` (nil: the default).
  public init(architecture: Int?, architectureSHA256: String?, settings: [(key: String, value: String)]) {
    self.architecture = architecture
    self.bits = settings.first { $0.key == DesignGrid.bitsKey }.flatMap { Int($0.value) }
    self.settings = settings.filter { $0.key != DesignGrid.bitsKey }.map { Setting(key: $0.key, value: $0.value) }
    let canonical =
      ["architecture=\(architectureSHA256 ?? "default")", "bits=\(bits.map(String.init) ?? "network")"]
      + self.settings.map { "\($0.key)=\($0.value)" }
    id = String(SHA256.hex(canonical.joined(separator: "\n") + "\n").prefix(8))
  }

  /// The point's columns in every CSV row of a sweep with more than one point: its id, the
  /// architecture file, the width and each varied key, by `DesignPoint.columns(of:)`.
  func columnValues(plan: SweepPlan) -> [String] {
    var values = [id]
    if plan.architectures.count > 1 { values.append(architecture.map { plan.architectures[$0].name } ?? "default") }
    for axis in plan.grid.axes {
      values.append(
        axis.key == DesignGrid.bitsKey ? bits.map(String.init) ?? "" : settings.first { $0.key == axis.key }?.value ?? "")
    }
    return values
  }

  /// The names of `columnValues`: `point`, then `arch` when several files, then the grid's keys.
  static func columns(of plan: SweepPlan) -> [String] {
    ["point"] + (plan.architectures.count > 1 ? ["arch"] : []) + plan.grid.axes.map(\.key)
  }
}
