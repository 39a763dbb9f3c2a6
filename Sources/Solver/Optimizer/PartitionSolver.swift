import Tiling

/// The optimizer's answer for one partition problem: the chosen candidates and widths, which
/// solver produced them, and what the user must know about it.
package struct PartitionSolution: Hashable, Sendable {
  /// Indices into the problem's candidates, in layer order.
  package var chosen: [Int]
  /// The width chosen for each layer with a width choice (by layer index).
  package var widths: [Int: Int]
  /// `milp` (GLPK proved it optimal; without coupling constraints the dynamic program agreed),
  /// `milp-incumbent` (GLPK stopped at its time limit: the best plan found, not proved optimal),
  /// `dp` (the dynamic program, after GLPK failed or stopped; exact without coupling constraints),
  /// `dp-least-error` (with a width choice: that plan at the least-error widths; feasible, not optimal).
  package var solver: String
  /// The objective value of the plan, in the objective's unit.
  package var objective: Double
  /// The least objective of any plan at declared widths ignoring the coupling constraints.
  package var uncoupledObjective: Double
  /// Things that went differently than asked (printed on stderr by the tool).
  package var warnings: [String]
}

/// A plan that cannot be made: which constraint binds and the smallest value that works.
public struct OptimizationError: Error, Hashable, Sendable, CustomStringConvertible {
  public var description: String

  public init(description: String) { self.description = description }
}

/// Picks the fusion partition and every unit's schedule (and the layers' widths) from the
/// candidates by the MILP of docs/optimizer.md on GLPK, cross-checked by (and falling back to)
/// the exact dynamic program.
package enum PartitionSolver {
  package static func solve(
    _ set: PartitionProblem, objective: Objective = .energy, constraints: PlanConstraints = .none,
    architecture: Architecture = .default, solverOptions: SolverOptions = .init(timeLimit: 60)
  ) throws(OptimizationError) -> PartitionSolution {
    let place = "\(set.network) at \(set.buffer) entries"
    if (constraints.isCoupled || objective != .energy) && set.prunedAbove < CandidateOptions.forCoupledObjectives {
      throw OptimizationError(
        description:
          "\(place): the candidates were pruned for the uncoupled energy objective; coupling constraints and other objectives need every segment of up to \(CandidateOptions.forCoupledObjectives) stages")
    }
    let model = PartitionProgram(set: set, objective: objective, constraints: constraints, architecture: architecture)
    guard
      let exact = ChainProgram.cheapestCover(layerCount: set.layerCount, candidates: set.candidates, cost: { candidate in
        objective.cost(candidate, energy: architecture.energy)
      })
    else {
      throw OptimizationError(description: "\(place): some layer has no candidate schedule")
    }
    // The dynamic program's plan, each choosing layer at its least-error width: the fallback.
    var fallback = PartitionChoice(chosen: exact.chosen)
    if let choices = constraints.widths {
      for (layer, errors) in choices.errors {
        fallback.widths[layer] = errors.min { ($0.value, $0.key) < ($1.value, $1.key) }?.key
      }
    }
    func answer(_ choice: PartitionChoice, _ solver: String, _ warnings: [String] = []) -> PartitionSolution {
      PartitionSolution(
        chosen: choice.chosen, widths: choice.widths, solver: solver, objective: model.cost(choice),
        uncoupledObjective: exact.cost, warnings: warnings)
    }
    func fallingBack(_ reason: String) throws(OptimizationError) -> PartitionSolution {
      guard model.isFeasible(fallback) else {
        throw OptimizationError(description: "\(place): \(reason), and the least-\(objective.rawValue) plan breaks the constraints")
      }
      // The least-objective plan at declared widths is optimal when it meets the other rows; with
      // a width choice it is only feasible (narrower widths might have cost less).
      if constraints.widths != nil {
        return answer(
          fallback, "dp-least-error",
          ["\(place): \(reason); the dynamic program's plan with every layer at its least-error width is used: it meets the constraints but is NOT proved optimal (raise --time-limit)"])
      }
      let exactness = constraints.isCoupled ? "it meets the constraints, so it is optimal" : "exact"
      return answer(fallback, "dp", ["\(place): \(reason); the dynamic program's plan is used (\(exactness))"])
    }
    let built = model.build()
    let solution: Solution
    do {
      solution = try GLPK.solve(built.program, options: solverOptions)
    } catch {
      return try fallingBack("GLPK failed (\(error))")
    }
    switch solution.status {
    case .optimal:
      let choice = model.choice(solution.values, of: built)
      guard model.isFeasible(choice) else { return try fallingBack("GLPK returned a plan that breaks a constraint") }
      if !constraints.isCoupled && exact.cost < model.cost(choice) * (1 - 1e-12) {
        return answer(
          fallback, "dp",
          ["\(place): GLPK's plan costs \(model.cost(choice)) \(objective.unit), the dynamic program's \(exact.cost); the dynamic program's plan is used"])
      }
      return answer(choice, "milp")
    case .feasible:
      let choice = model.choice(solution.values, of: built)
      guard constraints.isCoupled, model.isFeasible(choice) else { return try fallingBack("GLPK stopped at its time limit") }
      return answer(
        choice, "milp-incumbent",
        ["\(place): GLPK stopped at its time limit; the best plan found is used, not proved optimal (raise --time-limit)"])
    case .noSolution:
      return try fallingBack("GLPK stopped at its time limit before finding a plan")
    case .infeasible:
      throw OptimizationError(description: "\(place): " + diagnose(model, built: built, architecture: architecture))
    case .unbounded:
      throw OptimizationError(description: "\(place): GLPK reports the objective unbounded, which a sum of non-negative costs cannot be")
    }
  }

  /// Names each coupling row that cannot be met, with the least value of its left side over the
  /// plans that meet the other rows: the smallest bound that works.
  static func diagnose(_ model: PartitionProgram, built: PartitionProgram.Built, architecture: Architecture) -> String {
    var findings: [String] = []
    for coupling in built.couplings {
      var program = built.program
      let row = program.rows[coupling.row]
      for index in program.columns.indices { program.columns[index].cost = 0 }
      for term in row.terms { program.columns[term.column].cost = term.coefficient }
      program.rows.remove(at: coupling.row)
      let bound = row.upper ?? .infinity
      guard let found = try? GLPK.solve(program, options: SolverOptions(timeLimit: 60)), found.status == .optimal else {
        findings.append("\(coupling.option) cannot be met together with the other constraints")
        continue
      }
      if found.objective > bound * (1 + 1e-9) + 1e-12 {
        findings.append(
          "\(coupling.option) is binding: no plan meets \(describe(bound, coupling.option, architecture)); the smallest value that works is \(describe(found.objective, coupling.option, architecture, roundingUp: true))"
        )
      }
    }
    if findings.isEmpty {
      return "the constraints \(built.couplings.map(\.option).joined(separator: ", ")) can each be met but not together; relax one"
    }
    return findings.joined(separator: "; ")
  }

  private static func describe(_ value: Double, _ option: String, _ architecture: Architecture, roundingUp: Bool = false) -> String {
    switch option {
    case "--max-latency":
      let cycles = roundingUp ? value.rounded(.up) : value
      let milliseconds = architecture.seconds(cycles: cycles) * 1000
      return "\(Int(cycles)) cycles (\(formatSignificant(milliseconds)) ms at \(formatSignificant(architecture.clockMHz)) MHz)"
    case "--error-budget":
      // Nudged up so that the printed value, read back, still admits the plan.
      return formatSignificant(roundingUp ? value * (1 + 1e-6) : value)
    default:
      return String(Int(roundingUp ? value.rounded(.up) : value))
    }
  }

  private static func formatSignificant(_ value: Double) -> String {
    var text = String(value)
    if text.hasSuffix(".0") { text.removeLast(2) }
    return text
  }
}
