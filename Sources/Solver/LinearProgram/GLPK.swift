import CGLPK

/// Solves `LinearProgram`s with GLPK (GNU Linear Programming Kit). Synchronous and thread-safe:
/// solves from any thread or task are serialized on one process-wide lock (see
/// `GLPKEnvironment`), so a long solve blocks its caller's thread and every other solve.
package enum GLPK {
  /// The linked library's version, "major.minor" (for example "5.0").
  package static var version: String {
    // GLPK 5.0 returns a static string, but older releases read it from the thread's environment:
    // copy it inside `run`, before the environment is freed.
    (try? GLPKEnvironment.run { _ in String(cString: glp_version()) }) ?? "unknown"
  }

  /// Solves the program: branch and cut (GLPK's glp_intopt) when any column is integer or binary,
  /// else the simplex method. For a mixed-integer program the LP relaxation is solved first with
  /// glp_simplex, which gives `relaxationObjective` and the optimal basis branch and cut starts
  /// from when presolve is off; with presolve on, glp_intopt's MIP presolver then re-solves the
  /// (reduced) relaxation itself, a small price next to branch and cut.
  ///
  /// Branch and cut terminates when every integer column is bounded (binary columns are). With
  /// unbounded integer columns an integer-infeasible program can make it search forever, as in
  /// any LP-based branch and bound: set a time limit for such models.
  package static func solve(_ program: LinearProgram, options: SolverOptions = .init()) throws(SolverError)
    -> Solution
  {
    try check(program, options)
    let isInteger = program.hasIntegerColumns
    return try GLPKEnvironment.run { log throws(SolverError) in
      let deadline = Deadline(seconds: options.timeLimit)
      let problem = try GLPKProblem(program, integrality: isInteger, log: log)
      let outcome =
        isInteger
        ? try solveInteger(problem, options: options, deadline: deadline)
        : try solveContinuous(problem, presolve: options.presolve, deadline: deadline)
      return solution(outcome, of: program, integrality: isInteger, log: log)
    }
  }

  /// Solves the LP relaxation: every column continuous, binary columns within 0...1; simplex
  /// with presolve per `options` (`relativeGap` does not apply).
  package static func solveRelaxation(_ program: LinearProgram, options: SolverOptions = .init()) throws(SolverError)
    -> Solution
  {
    try check(program, options)
    return try GLPKEnvironment.run { log throws(SolverError) in
      let deadline = Deadline(seconds: options.timeLimit)
      let problem = try GLPKProblem(program, integrality: false, log: log)
      let outcome = try solveContinuous(problem, presolve: options.presolve, deadline: deadline)
      return solution(outcome, of: program, integrality: false, log: log)
    }
  }

  private static func check(_ program: LinearProgram, _ options: SolverOptions) throws(SolverError) {
    try options.validate()
    do {
      try program.validate()
    } catch {
      throw SolverError("invalid linear program: \(error)")
    }
  }

  /// Assembles the public answer. With `integrality`, integer columns are rounded and the objective
  /// is recomputed from the rounded values, so it matches them exactly rather than GLPK's
  /// unrounded point.
  private static func solution(_ outcome: Outcome, of program: LinearProgram, integrality: Bool, log: GLPKLog)
    -> Solution
  {
    let isMinimizing = program.direction == .minimize
    guard outcome.status.hasSolution else {
      let towardInfinity = outcome.status == .unbounded ? !isMinimizing : isMinimizing
      return Solution(
        status: outcome.status, objective: towardInfinity ? .infinity : -.infinity, values: [],
        relaxationObjective: outcome.relaxationObjective, log: log.text)
    }
    let values = zip(program.columns, outcome.values).map { column, value in
      // `+ 0` turns a rounded -0.0 into 0.0, so values compare and print as the integers they are.
      integrality && column.kind != .continuous ? value.rounded() + 0 : value
    }
    return Solution(
      status: outcome.status, objective: outcome.objective ?? program.objective(at: values), values: values,
      relaxationObjective: outcome.relaxationObjective, log: log.text)
  }
}

/// A solver's verdict before it becomes a `Solution`: values straight from GLPK.
struct Outcome {
  var status: SolutionStatus
  var values: [Double] = []
  /// GLPK's objective at `values`; nil when it must be recomputed from the rounded values.
  var objective: Double?
  var relaxationObjective: Double?
}

/// The wall-clock budget of one solve, shared by every GLPK call it makes.
struct Deadline {
  private let end: ContinuousClock.Instant?

  init(seconds: Double?) {
    end = seconds.map { ContinuousClock.now + .milliseconds(Self.milliseconds($0)) }
  }

  /// What is left, as GLPK's `tm_lim` (milliseconds; Int32.max means none).
  var remainingMilliseconds: Int32 {
    guard let end else { return Int32.max }
    let remaining = ContinuousClock.now.duration(to: end).components
    let milliseconds = remaining.seconds * 1000 + remaining.attoseconds / 1_000_000_000_000_000
    return Int32(clamping: max(0, milliseconds))
  }

  /// Seconds to whole milliseconds, rounding up so that a tiny positive limit is not "no time".
  private static func milliseconds(_ seconds: Double) -> Int64 {
    let milliseconds = (seconds * 1000).rounded(.up)
    return milliseconds < Double(Int32.max) ? Int64(milliseconds) : Int64(Int32.max)
  }
}
