import CGLPK

// How GLPK's return codes and statuses become a `SolutionStatus`. Every call gets what is left of
// the solve's time budget.

extension GLPK {
  /// The simplex method on the problem as loaded.
  static func solveContinuous(_ problem: GLPKProblem, presolve: Bool, deadline: Deadline) throws(SolverError)
    -> Outcome
  {
    let status = try simplexStatus(problem, presolve: presolve, deadline: deadline)
    guard status.hasSolution else { return Outcome(status: status) }
    let objective = try problem.simplexObjective()
    return Outcome(
      status: status, values: try problem.simplexValues(), objective: objective,
      relaxationObjective: status == .optimal ? objective : nil)
  }

  /// Branch and cut, after solving the LP relaxation with the simplex method.
  static func solveInteger(_ problem: GLPKProblem, options: SolverOptions, deadline: Deadline) throws(SolverError)
    -> Outcome
  {
    switch try simplexStatus(problem, presolve: options.presolve, deadline: deadline) {
    case .optimal:
      let relaxationObjective = try problem.simplexObjective()
      var outcome = try branchAndCut(problem, options: options, deadline: deadline)
      outcome.relaxationObjective = relaxationObjective
      return outcome
    case .infeasible:
      return Outcome(status: .infeasible)
    case .feasible, .noSolution:
      return Outcome(status: .noSolution)  // the time ran out before branch and cut could start
    case .unbounded:
      return try settleUnboundedRelaxation(problem, options: options, deadline: deadline)
    }
  }

  /// An integer program (with rational data, as all doubles are) whose relaxation is unbounded is
  /// itself unbounded if it has any feasible point, and infeasible otherwise. GLPK's branch and cut
  /// needs a bounded relaxation, so look for a feasible point with the objective set to zero.
  private static func settleUnboundedRelaxation(_ problem: GLPKProblem, options: SolverOptions, deadline: Deadline)
    throws(SolverError) -> Outcome
  {
    try problem.clearObjective()
    switch try simplexStatus(problem, presolve: options.presolve, deadline: deadline) {
    case .optimal:
      break
    case .infeasible, .unbounded:
      // Neither can follow an unbounded relaxation once the objective is zero.
      throw SolverError("GLPK contradicted itself: an unbounded relaxation became infeasible or unbounded")
    case .feasible, .noSolution:
      return Outcome(status: .noSolution)
    }
    switch try branchAndCut(problem, options: options, deadline: deadline).status {
    case .optimal, .feasible: return Outcome(status: .unbounded)
    case .infeasible: return Outcome(status: .infeasible)
    case .noSolution, .unbounded: return Outcome(status: .noSolution)
    }
  }

  /// glp_simplex's return code and the solution status it leaves, as a `SolutionStatus`.
  private static func simplexStatus(_ problem: GLPKProblem, presolve: Bool, deadline: Deadline) throws(SolverError)
    -> SolutionStatus
  {
    let code = try problem.simplex(presolve: presolve, timeLimit: deadline.remainingMilliseconds)
    switch code {
    case 0:
      break
    case GLP_ENOPFS:
      return .infeasible  // the LP presolver proved there is no primal feasible point
    case GLP_ENODFS:
      // The LP presolver found no dual feasible point: the program is unbounded *or* infeasible.
      // The simplex method without it tells which.
      return try simplexStatus(problem, presolve: false, deadline: deadline)
    case GLP_ETMLIM:
      // With presolve the basic solution is not recovered after a stop, so it reads as undefined.
      return try problem.simplexPrimalStatus() == GLP_FEAS ? .feasible : .noSolution
    default:
      throw SolverError("glp_simplex failed: \(describe(code))")
    }
    switch try problem.simplexStatus() {
    case GLP_OPT: return .optimal
    case GLP_NOFEAS: return .infeasible
    case GLP_UNBND: return .unbounded
    case let status: throw SolverError("glp_simplex returned 0 with unexpected solution status \(status)")
    }
  }

  /// glp_intopt on a problem whose relaxation is bounded.
  private static func branchAndCut(_ problem: GLPKProblem, options: SolverOptions, deadline: Deadline)
    throws(SolverError) -> Outcome
  {
    let code = try problem.branchAndCut(
      presolve: options.presolve, relativeGap: options.relativeGap, timeLimit: deadline.remainingMilliseconds)
    switch code {
    case 0, GLP_EMIPGAP, GLP_ETMLIM:
      break
    case GLP_ENOPFS:
      return Outcome(status: .infeasible)  // the MIP presolver proved there is no integer point
    case GLP_ENODFS where options.presolve:
      // The MIP presolver's relaxation has no dual feasible point: ambiguous, as for the simplex
      // method. Without presolve glp_intopt starts from the optimal basis `simplex` left.
      var withoutPresolve = options
      withoutPresolve.presolve = false
      return try branchAndCut(problem, options: withoutPresolve, deadline: deadline)
    default:
      throw SolverError("glp_intopt failed: \(describe(code))")
    }
    let status: SolutionStatus
    switch try problem.integerStatus() {
    case GLP_OPT:
      status = .optimal
    case GLP_FEAS:
      // GLP_EMIPGAP: optimal within the requested gap. Otherwise the search stopped early.
      status = code == GLP_EMIPGAP ? .optimal : .feasible
    case GLP_NOFEAS:
      return Outcome(status: .infeasible)
    case GLP_UNDEF where code == GLP_ETMLIM:
      return Outcome(status: .noSolution)
    case let status:
      throw SolverError("glp_intopt returned \(describe(code)) with unexpected MIP status \(status)")
    }
    return Outcome(status: status, values: try problem.integerValues())
  }

  /// A GLPK return code's name and meaning, for error messages.
  private static func describe(_ code: Int32) -> String {
    let meanings: [Int32: String] = [
      GLP_EBADB: "GLP_EBADB (invalid basis)", GLP_ESING: "GLP_ESING (singular matrix)",
      GLP_ECOND: "GLP_ECOND (ill-conditioned matrix)", GLP_EBOUND: "GLP_EBOUND (invalid bounds)",
      GLP_EFAIL: "GLP_EFAIL (solver failed)", GLP_EOBJLL: "GLP_EOBJLL (objective lower limit reached)",
      GLP_EOBJUL: "GLP_EOBJUL (objective upper limit reached)", GLP_EITLIM: "GLP_EITLIM (iteration limit exceeded)",
      GLP_ETMLIM: "GLP_ETMLIM (time limit exceeded)", GLP_ENOPFS: "GLP_ENOPFS (no primal feasible solution)",
      GLP_ENODFS: "GLP_ENODFS (no dual feasible solution)", GLP_EROOT: "GLP_EROOT (root LP optimum not provided)",
      GLP_ESTOP: "GLP_ESTOP (search terminated by application)", GLP_EMIPGAP: "GLP_EMIPGAP (relative gap reached)",
    ]
    return meanings[code] ?? "return code \(code)"
  }
}
