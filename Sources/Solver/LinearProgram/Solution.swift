/// How hard the solver works before it answers.
public struct SolverOptions: Hashable, Sendable {
  /// Wall-clock seconds for the whole solve (relaxation, branch and cut, any re-solve); nil = none.
  /// Time spent waiting for another thread's solve to release GLPK does not count.
  public var timeLimit: Double?
  /// Stop branch and cut once (best bound − incumbent) / |incumbent| is at most this; 0 = prove
  /// optimality. Has no effect on programs without integer columns.
  public var relativeGap: Double
  /// Run GLPK's presolver (the LP presolver for simplex, the MIP presolver for branch and cut).
  public var presolve: Bool

  public init(timeLimit: Double? = nil, relativeGap: Double = 0, presolve: Bool = true) {
    self.timeLimit = timeLimit
    self.relativeGap = relativeGap
    self.presolve = presolve
  }

  func validate() throws(SolverError) {
    if let timeLimit, !(timeLimit.isFinite && timeLimit >= 0) {
      throw SolverError("time limit \(timeLimit) s is not a finite number of seconds >= 0")
    }
    guard relativeGap.isFinite, relativeGap >= 0 else {
      throw SolverError("relative gap \(relativeGap) is not a finite number >= 0")
    }
  }
}

public enum SolutionStatus: String, Hashable, Sendable {
  /// Proved optimal (within `SolverOptions.relativeGap`).
  case optimal
  /// Stopped by the time limit with an incumbent that is not proved optimal.
  case feasible
  case infeasible
  case unbounded
  /// Stopped by the time limit before any feasible solution was found.
  case noSolution

  /// Whether `Solution.values` holds a point that satisfies every row and bound.
  public var hasSolution: Bool {
    self == .optimal || self == .feasible
  }
}

public struct Solution: Hashable, Sendable {
  public var status: SolutionStatus
  /// The objective at `values`, `objectiveConstant` included, when `status.hasSolution`. Otherwise
  /// the objective's value over an empty or unbounded set: +∞ when minimizing an infeasible
  /// program (or one stopped before a solution), −∞ when minimizing an unbounded one, and the
  /// opposite signs when maximizing.
  public var objective: Double
  /// One value per column when `status.hasSolution`, integer and binary columns rounded to exact
  /// integers; empty otherwise.
  public var values: [Double]
  /// The optimum of the LP relaxation when it was solved to optimality: for a program with
  /// integer columns the bound branch and cut started from; for a continuous program (and for
  /// `GLPK.solveRelaxation`) the same as `objective`.
  public var relaxationObjective: Double?
  /// GLPK's terminal output during this solve, captured instead of printed.
  public var log: String

  public init(
    status: SolutionStatus, objective: Double, values: [Double], relaxationObjective: Double?, log: String
  ) {
    self.status = status
    self.objective = objective
    self.values = values
    self.relaxationObjective = relaxationObjective
    self.log = log
  }
}

/// A solve that could not give an answer: an invalid program or options, a fatal GLPK error
/// (caught by its error hook), or a return code GLPK should not give for a validated program.
public struct SolverError: Error, Hashable, Sendable, CustomStringConvertible {
  public var description: String

  init(_ description: String) {
    self.description = description
  }
}
