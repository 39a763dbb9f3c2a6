import Foundation

/// A sweep written down before it runs (`dse plan-sweep`, `S/plan.json`): its input files with
/// their SHA-256, the design points, the options, and the tasks (a design point and a network,
/// every buffer size and strategy of it) that shards run. Canonical: the same inputs and
/// options make the same bytes, and the plan's id is the SHA-256 of those bytes, so that parts
/// made on different machines are checked to come from one plan (docs/sweeps.md).
public struct SweepPlan: Hashable, Sendable, Codable {
  /// An input file: the path shards read it from and the SHA-256 of its contents.
  public struct InputFile: Hashable, Sendable, Codable {
    /// The path as shards read it (absolute in a plan file, so that any working folder works).
    public var path: String
    public var sha256: String
    /// The file's name without its folder: what outputs name it by.
    public var name: String { (path as NSString).lastPathComponent }

    public init(path: String, sha256: String) {
      self.path = path
      self.sha256 = sha256
    }

    /// The file at `path` and the hash of what it holds now.
    public init(reading path: String) throws(DSEError) {
      guard let data = FileManager.default.contents(atPath: path) else {
        throw DSEError(.invalidInput, file: path, "cannot read the file")
      }
      self.init(path: path, sha256: SHA256.hex([UInt8](data)))
    }
  }

  /// A network of the sweep: its file and the stem its outputs are named by.
  public struct NetworkEntry: Hashable, Sendable, Codable {
    public var file: InputFile
    /// `OutputFolder.stem` of the network's name.
    public var stem: String

    /// The file at `path`, whose network (already read) is `network`.
    public init(path: String, network: Network) throws(DSEError) {
      file = try InputFile(reading: path)
      stem = OutputFolder.stem(for: network.name)
    }

    init(file: InputFile, stem: String) {
      self.file = file
      self.stem = stem
    }
  }

  /// What a shard runs: one design point and one network, at every buffer size and strategy.
  public struct Task: Hashable, Sendable, Codable {
    /// `<point id>-<network stem>`: the name of its part folder, whatever the shard count.
    public var name: String
    /// Positions in `points` and `networks`.
    public var point: Int
    public var network: Int
  }

  /// The options every task plans with (those of `dse sweep` a plan carries).
  public struct Options: Hashable, Sendable, Codable {
    public var objective: Objective
    public var psumWidth: Int
    /// Overrides the architecture's DRAM energy per byte when set (`--dram-pj-per-byte`).
    public var dramPicojoulesPerByte: Double?
    /// `--max-latency` as given (a time or cycles), read at each point's clock.
    public var maxLatency: String?
    public var maxSegments: Int?
    public var maxSegmentLength: Int
    public var maxStages: Int
    /// GLPK's time limit per MILP, in seconds.
    public var timeLimit: Double
    /// Whether the summary's `solve_ms` column is filled (off: empty, so that two runs of one
    /// plan write the same bytes).
    public var timing: Bool
    /// `--input-size`: every input's height and width, or nil for the files' own.
    public var inputSize: Int?
    /// `--skip-unsupported` for ONNX models.
    public var skipUnsupported: Bool

    public init(
      objective: Objective = .energy, psumWidth: Int = 1, dramPicojoulesPerByte: Double? = nil, maxLatency: String? = nil,
      maxSegments: Int? = nil, maxSegmentLength: Int = PlanContext.defaultMaxSegmentLength,
      maxStages: Int = PlanContext.defaultMaxStages, timeLimit: Double = 60, timing: Bool = true, inputSize: Int? = nil,
      skipUnsupported: Bool = false
    ) {
      self.objective = objective
      self.psumWidth = psumWidth
      self.dramPicojoulesPerByte = dramPicojoulesPerByte
      self.maxLatency = maxLatency
      self.maxSegments = maxSegments
      self.maxSegmentLength = maxSegmentLength
      self.maxStages = maxStages
      self.timeLimit = timeLimit
      self.timing = timing
      self.inputSize = inputSize
      self.skipUnsupported = skipUnsupported
    }
  }

  /// The dse version that wrote the plan; shards and merges of another version refuse it.
  public var dseVersion: String
  public var networks: [NetworkEntry]
  /// Architecture files, in the order given; empty: the default architecture.
  public var architectures: [InputFile]
  public var grid: DesignGrid
  /// Buffer sizes in entries.
  public var buffers: [Int]
  public var strategies: [Strategy]
  public var options: Options
  /// Every architecture file (in order) by every combination of the grid (first axis outermost).
  public var points: [DesignPoint]
  /// Every point by every network, points outermost.
  public var tasks: [Task]

  /// The plan of sweeping `networks` (files, read here for their names and hashes) over every
  /// architecture file (none: the default) by every combination of `grid`, at `buffers` with
  /// `strategies` and `options`. Two networks whose outputs would have the same names, and two
  /// architecture files of the same name, are refused.
  public init(
    networks: [String], architectures: [String], grid: DesignGrid, buffers: [Int], strategies: [Strategy],
    options: Options
  ) throws(DSEError) {
    guard !networks.isEmpty else { throw DSEError(.invalidArgument, field: "networks", "none given") }
    guard !buffers.isEmpty else { throw DSEError(.invalidArgument, field: "buffers", "none given") }
    guard !strategies.isEmpty else { throw DSEError(.invalidArgument, field: "strategies", "none given") }
    var entries: [NetworkEntry] = []
    for path in networks {
      let read = try NetworkFile(path: path, inputSize: options.inputSize, skipUnsupported: options.skipUnsupported)
      entries.append(try NetworkEntry(path: path, network: read.network))
    }
    try self.init(
      networks: entries, architectures: try architectures.map { (path) throws(DSEError) in try InputFile(reading: path) },
      grid: grid, buffers: buffers, strategies: strategies, options: options)
  }

  /// The plan of these already-read inputs (`init(networks:...)` reads them).
  public init(
    networks: [NetworkEntry], architectures: [InputFile], grid: DesignGrid, buffers: [Int], strategies: [Strategy],
    options: Options
  ) throws(DSEError) {
    for (index, entry) in networks.enumerated() {
      if let earlier = networks[..<index].first(where: { $0.stem == entry.stem }) {
        throw DSEError(
          .invalidArgument, field: "networks",
          "\(excerpt(earlier.file.path)) and \(excerpt(entry.file.path)) would both write \(entry.stem).csv and its companions: give the networks different names")
      }
    }
    for (index, file) in architectures.enumerated() where architectures[..<index].contains(where: { $0.name == file.name }) {
      throw DSEError(
        .invalidArgument, field: "--arch", "two architecture files named \(excerpt(file.name)): outputs name them by file name")
    }
    dseVersion = Engine.version
    self.networks = networks
    self.architectures = architectures
    self.grid = grid
    self.buffers = buffers
    self.strategies = strategies
    self.options = options
    let files: [Int?] = architectures.isEmpty ? [nil] : Array(architectures.indices)
    points = files.flatMap { file in
      grid.combinations.map { settings in
        DesignPoint(architecture: file, architectureSHA256: file.map { architectures[$0].sha256 }, settings: settings)
      }
    }
    var tasks: [Task] = []
    for point in points.indices {
      for network in networks.indices {
        tasks.append(Task(name: "\(points[point].id)-\(networks[network].stem)", point: point, network: network))
      }
    }
    self.tasks = tasks
    // Two points with the same id would share parts. The grid refuses repeated values, so equal
    // ids come from architecture files with equal contents (or a 32-bit collision).
    let ids = points.map(\.id)
    if Set(ids).count != ids.count {
      throw DSEError(
        .invalidArgument, field: "--arch",
        "two design points have the same id: two architecture files hold the same contents (a point is named by what its file holds); give each once")
    }
  }

  /// The plan as its file holds it: JSON with sorted keys, two-space indents, one trailing
  /// newline. The same plan always gives the same bytes.
  public func encoded() -> [UInt8] { SweepJSON.encoded(self) }

  /// The plan's id: the SHA-256 of `encoded()`, what every part records.
  public var id: String { SHA256.hex(encoded()) }

  /// Reads a plan file; an unreadable file, JSON that is not a plan, or a plan of another dse
  /// version is an error naming the file.
  public static func read(path: String) throws(DSEError) -> SweepPlan {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw DSEError(.invalidInput, file: path, "cannot read the sweep plan (write one with dse plan-sweep)")
    }
    let plan: SweepPlan
    do {
      plan = try SweepJSON.decoder.decode(SweepPlan.self, from: data)
    } catch {
      throw DSEError(.invalidInput, file: path, "not a sweep plan of this dse version (\(Self.describe(error)))")
    }
    guard plan.dseVersion == Engine.version else {
      throw DSEError(
        .invalidInput, file: path, field: "dse_version",
        "the plan was written by dse \(excerpt(plan.dseVersion)), this is dse \(Engine.version): plan the sweep again with this version")
    }
    guard plan.tasks.allSatisfy({ plan.points.indices.contains($0.point) && plan.networks.indices.contains($0.network) })
    else {
      throw DSEError(.invalidInput, file: path, field: "tasks", "a task names a point or network the plan does not have")
    }
    return plan
  }

  /// The planning context of point `index` at the first buffer size: its architecture (the
  /// file's, or the default, with the grid's settings over it) and the plan's options.
  public func context(ofPoint index: Int) throws(DSEError) -> PlanContext {
    let point = points[index]
    var architecture = Architecture.default
    if let file = point.architecture {
      let input = architectures[file]
      let text = try Self.contents(of: input)
      do {
        architecture = try Architecture.read(yaml: text, file: input.path)
      } catch {
        throw DSEError(error)
      }
    }
    if let perByte = options.dramPicojoulesPerByte { architecture.energy.dramPicojoulesPerByte = perByte }
    do {
      architecture = try architecture.applying(point.settings.map { ($0.key, $0.value) }, source: "--grid")
    } catch {
      throw DSEError(error)
    }
    var context = PlanContext(
      buffer: buffers[0], architecture: architecture, psumWidth: options.psumWidth, objective: options.objective,
      maxSegments: options.maxSegments, maxSegmentLength: options.maxSegmentLength, maxStages: options.maxStages,
      solver: SolverOptions(timeLimit: options.timeLimit))
    if let maxLatency = options.maxLatency {
      context.maxLatencyCycles = try LatencyBudget.parse(maxLatency, clockMHz: architecture.clockMHz)
    }
    return context
  }

  /// Network `index` as point `point` plans it: the file read (its contents checked against
  /// the plan's hash), at the point's width when it sets one.
  public func analysis(ofNetwork index: Int, point: Int) throws(DSEError) -> NetworkAnalysis {
    let input = networks[index].file
    let network: Network
    if input.path == Self.bundledDefaultPath {
      do {
        network = try NetworkFormat.yaml.parse(Network.bundledDefaultYAML, file: Network.bundledDefaultFile)
          .resizingInputs(to: options.inputSize)
      } catch {
        throw DSEError(error, file: Network.bundledDefaultFile)
      }
    } else {
      _ = try Self.contents(of: input)
      network = try NetworkFile(path: input.path, inputSize: options.inputSize, skipUnsupported: options.skipUnsupported)
        .network
    }
    var widened = network
    if let bits = points[point].bits {
      do {
        widened = try PrecisionAssignment.apply(to: network, options: .init(weightBits: bits, activationBits: bits))
      } catch {
        throw DSEError(error, file: input.path)
      }
    }
    do {
      return try widened.analyze()
    } catch {
      throw DSEError(error, file: input.path)
    }
  }

  /// What stands for the bundled MobileNetV2 (`dse sweep` without a network) in a plan.
  public static let bundledDefaultPath = "<bundled>/" + Network.bundledDefaultFile

  /// The bundled MobileNetV2 as a plan's network.
  public static var bundledDefaultNetwork: NetworkEntry {
    NetworkEntry(
      file: InputFile(path: bundledDefaultPath, sha256: SHA256.hex(Network.bundledDefaultYAML)),
      stem: OutputFolder.stem(for: (try? NetworkFormat.yaml.parse(Network.bundledDefaultYAML, file: Network.bundledDefaultFile).name) ?? "mobilenetv2"))
  }

  /// The text of an input file, refused when it no longer hashes to what the plan recorded.
  static func contents(of input: InputFile) throws(DSEError) -> String {
    guard let data = FileManager.default.contents(atPath: input.path) else {
      throw DSEError(.invalidInput, file: input.path, "cannot read the file the sweep plan names")
    }
    guard SHA256.hex([UInt8](data)) == input.sha256 else {
      throw DSEError(
        .invalidInput, file: input.path,
        "the file changed since the sweep was planned (its SHA-256 differs from the plan's): plan the sweep again")
    }
    return String(decoding: data, as: UTF8.self)
  }

  private static func describe(_ error: any Error) -> String {
    switch error {
    case DecodingError.keyNotFound(let key, let context):
      return "missing \((context.codingPath.map(\.stringValue) + [key.stringValue]).joined(separator: "."))"
    case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
      DecodingError.dataCorrupted(let context):
      let place = context.codingPath.map(\.stringValue).joined(separator: ".")
      return place.isEmpty ? context.debugDescription : "\(place): \(context.debugDescription)"
    default:
      return "\(error)"
    }
  }
}

/// The JSON of a sweep's files (the plan, the part manifests): snake-case keys, sorted, two-space
/// indents and a final newline, so that the same value always gives the same bytes.
enum SweepJSON {
  static func encoded(_ value: some Encodable) -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    encoder.keyEncodingStrategy = .convertToSnakeCase
    // Plain values (strings, numbers, arrays of them) always encode.
    let data = (try? encoder.encode(value)) ?? Data()
    return [UInt8](data) + [UInt8(ascii: "\n")]
  }

  static var decoder: JSONDecoder {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return decoder
  }
}
