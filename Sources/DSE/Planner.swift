import Foundation

/// Plans networks: the one place a strategy becomes a plan. The CLI's sweep, verify and bench,
/// the C ABI and the Python module all plan through it, so a plan verified is a plan reported.
public enum Planner {
  /// What planning one network at one buffer size produced: the plan, and for the optimal
  /// strategy the candidates it chose from.
  public struct Outcome: Sendable {
    /// The plan.
    public var plan: Plan
    /// The optimizer's candidates (`candidates.csv`); nil for the other strategies.
    package var candidates: PartitionProblem?
    /// Where the planning time went.
    public var phases: PlanPhases
  }

  /// Plans `network` with `strategy` in `context`. `memo` shares searches between the
  /// strategies of one network at one buffer size (it must have been made for the same buffer
  /// and psum width); `progress` receives a line now and then on long plans.
  public static func plan(
    _ network: NetworkAnalysis, strategy: Strategy, context: PlanContext, memo: SearchMemo? = nil,
    progress: (@Sendable (String) -> Void)? = nil
  ) throws(DSEError) -> Outcome {
    try context.validate()
    let memo = memo ?? SearchMemo(buffer: context.buffer, psumWidth: context.psumWidth)
    guard memo.buffer == context.buffer, memo.psumWidth == context.psumWidth else {
      throw DSEError(.invalidArgument, field: "memo", "made for another buffer size or psum width")
    }
    let started = Date()
    let searchedBefore = memo.times
    var solverSeconds = 0.0
    func milliseconds() -> Int { Int(Date().timeIntervalSince(started) * 1000) }
    var reported = started
    let report: (String) -> Void = { line in
      guard let progress, Date().timeIntervalSince(reported) >= 5 else { return }
      reported = Date()
      progress(line)
    }
    do {
      let record: PlanRecord
      var warnings: [String] = []
      var candidates: PartitionProblem?
      switch strategy {
      case .layerwiseRowMajor, .layerwiseScan:
        let plan = try LayerPlanner.plan(
          network, buffer: context.buffer, scan: strategy.scan, psumWidth: context.psumWidth, memo: memo)
        record = PlanRecord(plan: plan, solver: "per-layer search", milliseconds: milliseconds())
      case .fusedGreedy:
        let plan = try FusedGreedyPlanner.plan(
          network, buffer: context.buffer, psumWidth: context.psumWidth, maxLength: context.maxSegmentLength,
          maxStages: context.maxStages, memo: memo
        ) {
          done, count in report("\(done)/\(count) layers")
        }
        record = PlanRecord(plan: plan, solver: "greedy", milliseconds: milliseconds())
      case .optimal:
        let set = try CandidateEnumerator.candidates(
          network, buffer: context.buffer, options: context.candidateOptions, memo: memo
        ) { searched, total in report("searched \(searched)/\(total) segments") }
        let searchTime = milliseconds()
        let solving = Date()
        let optimal = try OptimalPlanner.plan(
          set, objective: context.objective, constraints: try context.constraints(for: network),
          architecture: context.architecture, solverOptions: context.solver)
        solverSeconds = Date().timeIntervalSince(solving)
        record = PlanRecord(plan: optimal.plan, solver: optimal.solver, milliseconds: milliseconds())
        warnings = optimal.warnings
        candidates = set.problem
        progress?(
          "\(set.candidates.count) candidates (\(set.fusedCount) fused) in \(searchTime) ms, \(optimal.solver) in \(record.milliseconds - searchTime) ms"
        )
      }
      let plan = Plan(
        record: record, architecture: context.architecture, psumWidth: context.psumWidth,
        networkFloor: NetworkFloor(network), warnings: warnings)
      let phases = PlanPhases(
        searches: memo.times - searchedBefore, solver: solverSeconds, total: Date().timeIntervalSince(started))
      return Outcome(plan: plan, candidates: candidates, phases: phases)
    } catch {
      throw DSEError(planning: error, of: network)
    }
  }
}

/// Where the time of one plan went, in seconds of wall time on the planning thread (`dse bench`
/// prints them by strategy).
public struct PlanPhases: Hashable, Sendable {
  /// The searches the plan ran through its memo (problems an earlier strategy of the same
  /// network and buffer size searched are remembered, and cost nothing here).
  public var searches: SearchTimes
  /// The optimizer's MILP (or dynamic programme) over its candidates; 0 for other strategies.
  public var solver: Double
  /// The whole plan.
  public var total: Double

  /// A plan's phases; all zero by default, where sums over several plans start.
  public init(searches: SearchTimes = SearchTimes(), solver: Double = 0, total: Double = 0) {
    self.searches = searches
    self.solver = solver
    self.total = total
  }

  /// What the phases above do not cover: building candidates and plans, costing, bookkeeping.
  public var other: Double { max(0, total - searches.total - solver) }

  /// The phases of two plans added.
  public static func + (a: PlanPhases, b: PlanPhases) -> PlanPhases {
    PlanPhases(searches: a.searches + b.searches, solver: a.solver + b.solver, total: a.total + b.total)
  }
}

extension DSEError {
  /// A planning failure, named by the network and the file it came from.
  init(planning error: any Error, of network: NetworkAnalysis) {
    self.init(error, file: network.network.sourceFile)
    if field == nil { field = "network \(excerpt(network.network.name))" }
  }
}

extension NetworkAnalysis {
  /// The network planned with `strategy` in `context` (`Planner.plan`).
  public func plan(_ strategy: Strategy, context: PlanContext) throws(DSEError) -> Plan {
    try Planner.plan(self, strategy: strategy, context: context).plan
  }
}

extension Planner {
  /// The `count` best schedules of one layer given by its workload (a GEMM's M, K, N or a
  /// convolution's shapes), best first: the least bits moved at `context.buffer` entries with
  /// partial sums `context.psumWidth` wide. `scan: .never` is the row-major baseline;
  /// `gemmOrders` restricts a GEMM's loop orders. What `dse layer` prints.
  public static func schedules(
    of workload: LayerWorkload, kind: OperationKind, bits: OperandBits, context: PlanContext, scan: ScanOption = .allowed,
    count: Int = 1, gemmOrders: [LoopOrder] = LoopOrder.allCases
  ) throws(DSEError) -> [LayerSchedule] {
    try context.validate()
    guard count >= 1 else { throw DSEError(.invalidArgument, field: "count", "\(count): expected at least 1") }
    guard !gemmOrders.isEmpty else { throw DSEError(.invalidArgument, field: "gemm_orders", "none given") }
    do {
      return try LayerPlanner.schedules(
        for: workload, name: "layer", kind: kind, bits: bits, buffer: context.buffer, scan: scan,
        psumWidth: context.psumWidth, count: count, gemmOrders: gemmOrders)
    } catch {
      throw DSEError(error)
    }
  }
}
