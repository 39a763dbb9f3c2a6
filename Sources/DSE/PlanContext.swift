import Foundation

/// Everything a plan depends on besides the network and the strategy: the buffer, the
/// accelerator, the widths, the objective and its constraints, and the solver's options. One
/// value instead of loose parameters; the CLI's options map onto its fields one to one.
public struct PlanContext: Hashable, Sendable {
  /// On-chip buffer capacity in entries (one entry holds one element at any width).
  public var buffer: Int
  /// The accelerator: DRAM energy per byte, DRAM bandwidth, MAC array and clock.
  public var architecture: Architecture
  /// Width of a partial sum in buffer entries (1: as wide as an output; 2: an accumulator twice as wide).
  public var psumWidth: Int
  /// What the optimal strategy minimises, and what `saving_vs_baseline` compares.
  public var objective: Objective
  /// Latency budget of the whole network in accelerator cycles (optimal only): the sum of each
  /// unit's roofline cycles, MACs over the array or bytes over the DRAM bandwidth.
  public var maxLatencyCycles: Double?
  /// Most units (a layer alone counts as one) in an optimal plan.
  public var maxSegments: Int?
  /// Per-layer bit widths chosen within a quantization-error budget (optimal only).
  public var precision: PrecisionBudget?
  /// Longest fused segment, in layers (1: no fusion).
  public var maxSegmentLength: Int
  /// Most channel stages in a fused segment, the input's stage included (a mixing layer starts
  /// a new one; docs/fusion-model.md). Longer segments can keep several blocks on chip, but their
  /// search time grows with the stages, most at small buffers (docs/fusion-model.md, "Search").
  public var maxStages: Int
  /// GLPK's time limit and gap for the optimal strategy's MILP.
  public var solver: SolverOptions

  /// The default longest fused segment, in layers (12: three MobileNet blocks with their adds).
  public static let defaultMaxSegmentLength = SegmentLimits.defaultLength
  /// The default most channel stages in a fused segment (7: three MobileNet blocks, two ResNet
  /// bottlenecks; docs/fusion-model.md, "Longer segments", says what more or fewer give).
  public static let defaultMaxStages = SegmentLimits.defaultStages
  /// What `maxSegmentLength` and `maxStages` may be.
  public static let allowedSegmentLimits = SegmentLimits.allowed

  /// A context at `buffer` entries with the defaults of `dse sweep`.
  public init(
    buffer: Int, architecture: Architecture = .default, psumWidth: Int = 1, objective: Objective = .energy,
    maxLatencyCycles: Double? = nil, maxSegments: Int? = nil, precision: PrecisionBudget? = nil,
    maxSegmentLength: Int = PlanContext.defaultMaxSegmentLength, maxStages: Int = PlanContext.defaultMaxStages,
    solver: SolverOptions = SolverOptions(timeLimit: 60)
  ) {
    self.buffer = buffer
    self.architecture = architecture
    self.psumWidth = psumWidth
    self.objective = objective
    self.maxLatencyCycles = maxLatencyCycles
    self.maxSegments = maxSegments
    self.precision = precision
    self.maxSegmentLength = maxSegmentLength
    self.maxStages = maxStages
    self.solver = solver
  }

  /// The same context at another buffer size.
  public func with(buffer: Int) -> PlanContext {
    var copy = self
    copy.buffer = buffer
    return copy
  }

  /// Checks every field against what the planners accept; the error names the field.
  public func validate() throws(DSEError) {
    guard buffer >= 1 else { throw DSEError(.invalidArgument, field: "buffer", "\(buffer): expected at least 1 entry") }
    if let problem = Limits.bufferProblem(buffer) { throw DSEError(.invalidArgument, field: "buffer", problem) }
    guard (1...Limits.psumWidth).contains(psumWidth) else {
      throw DSEError(.invalidArgument, field: "psum_width", "\(psumWidth): expected an integer from 1 to \(Limits.psumWidth)")
    }
    let limits = Self.allowedSegmentLimits
    guard limits.contains(maxSegmentLength) else {
      throw DSEError(
        .invalidArgument, field: "max_segment_length",
        "\(maxSegmentLength): expected \(limits.lowerBound) to \(limits.upperBound)")
    }
    guard limits.contains(maxStages) else {
      throw DSEError(
        .invalidArgument, field: "max_stages", "\(maxStages): expected \(limits.lowerBound) to \(limits.upperBound)")
    }
    if let maxSegments, maxSegments < 1 {
      throw DSEError(.invalidArgument, field: "max_segments", "\(maxSegments): expected at least 1")
    }
    if let maxLatencyCycles, !(maxLatencyCycles.isFinite && maxLatencyCycles > 0) {
      throw DSEError(.invalidArgument, field: "max_latency", "\(maxLatencyCycles): expected cycles > 0")
    }
    if let limit = solver.timeLimit, !(limit.isFinite && limit > 0) {
      throw DSEError(.invalidArgument, field: "time_limit", "\(limit): expected seconds > 0")
    }
    if let precision {
      guard precision.budget.isFinite && precision.budget >= 0 else {
        throw DSEError(.invalidArgument, field: "error_budget", "\(precision.budget): expected a number >= 0")
      }
      guard !precision.widths.isEmpty, precision.widths.allSatisfy(Precision.validBits.contains) else {
        throw DSEError(
          .invalidArgument, field: "widths",
          "expected bit widths from \(Precision.validBits.lowerBound) to \(Precision.validBits.upperBound)")
      }
    }
  }

  /// Whether a constraint couples the units of a plan (then a segment that loses on bits may be
  /// needed: `CandidateOptions.forCoupledObjectives`).
  var isCoupled: Bool { maxLatencyCycles != nil || maxSegments != nil || precision != nil }

  /// The optimizer's candidates for this context: the same for every caller, so that what
  /// `verify` runs is what `sweep` reported.
  var candidateOptions: CandidateOptions {
    CandidateOptions(
      maxLength: maxSegmentLength, maxStages: maxStages, psumWidth: psumWidth,
      pruneLosingAbove: !isCoupled && objective == .energy ? CandidateOptions.everyLosing : CandidateOptions.forCoupledObjectives,
      recomputeFree: maxLatencyCycles != nil)
  }

  /// The constraints of the optimal strategy for one network (the width choice names its layers).
  func constraints(for analysis: NetworkAnalysis) throws -> PlanConstraints {
    var constraints = PlanConstraints(maxLatencyCycles: maxLatencyCycles, maxSegments: maxSegments)
    if let precision {
      constraints.widths = try WidthChoices(
        table: precision.table, widths: precision.widths, budget: precision.budget, analysis: analysis,
        file: precision.file)
    }
    return constraints
  }
}

/// A quantization-error budget: each layer the table lists takes one of `widths` for its
/// weights and outputs, the summed error within `budget` (`--error-table`, `--widths`, `--error-budget`).
public struct PrecisionBudget: Hashable, Sendable {
  /// Error of each listed layer at each width.
  public var table: ErrorTable
  /// The file the table came from, for messages.
  public var file: String
  /// Widths a listed layer may take, in bits.
  public var widths: [Int]
  /// The most summed error allowed.
  public var budget: Double

  /// A budget over `table` (read from `file`), choosing among `widths` bits, summed error at most `budget`.
  public init(table: ErrorTable, file: String, widths: [Int], budget: Double) {
    self.table = table
    self.file = file
    self.widths = widths
    self.budget = budget
  }

  /// Reads the table from a CSV file (`layer,bits,error`).
  public init(tableFile: String, widths: [Int], budget: Double) throws(DSEError) {
    do {
      self.init(table: try ErrorTable.parse(csv: try readText(tableFile), file: tableFile), file: tableFile, widths: widths, budget: budget)
    } catch {
      throw DSEError(error, file: tableFile)
    }
  }
}

