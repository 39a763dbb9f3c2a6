import Foundation
import Tiling

/// The optimizer's answer for one partition problem: the chosen candidates, which solver
/// produced them, and what the user must know about it.
public struct PartitionSolution: Hashable, Sendable {
  /// Indices into the problem's candidates, in layer order.
  public var chosen: [Int]
  /// `milp` (GLPK proved it optimal; without coupling constraints the dynamic program agreed),
  /// `milp-incumbent` (GLPK stopped at its time limit: the best plan found, not proved optimal),
  /// `dp` (the dynamic program, after GLPK failed or stopped; exact without coupling constraints).
  public var solver: String
  /// The objective value of the plan, in the objective's unit.
  public var objective: Double
  /// The least objective of any plan ignoring the coupling constraints (the dynamic program).
  public var uncoupledObjective: Double
  /// Things that went differently than asked (printed on stderr by the tool).
  public var warnings: [String]
}

/// A plan that cannot be made: which constraint binds and the smallest value that works.
public struct OptimizationError: Error, Hashable, Sendable, CustomStringConvertible {
  public var description: String
}

/// The `optimal` strategy's plan at one buffer size, and how it was found.
public struct OptimalPlan: Hashable, Sendable {
  public var plan: NetworkPlan
  public var solution: PartitionSolution
  public var solver: String { solution.solver }
  public var warnings: [String] { solution.warnings }
}

/// The `optimal` strategy: the plan of the candidates `PartitionSolver` chooses.
public enum OptimalPlanner {
  public static let strategyName = "optimal"

  public static func plan(
    _ set: CandidateSet, objective: PlanObjective = .energy, constraints: PlanConstraints = .none,
    architecture: Architecture = .default, solverOptions: SolverOptions = .init(timeLimit: 60)
  ) throws(OptimizationError) -> OptimalPlan {
    let solution = try PartitionSolver.solve(
      set.problem, objective: objective, constraints: constraints, architecture: architecture, solverOptions: solverOptions)
    let units = solution.chosen.map { set.candidates[$0].unit }
    let plan = NetworkPlan(network: set.problem.network, buffer: set.problem.buffer, strategy: strategyName, units: units)
    return OptimalPlan(plan: plan, solution: solution)
  }
}

/// Picks the fusion partition and every unit's schedule from the candidates by the MILP of
/// docs/optimizer.md on GLPK, cross-checked by (and falling back to) the exact dynamic program.
public enum PartitionSolver {
  public static func solve(
    _ set: PartitionProblem, objective: PlanObjective = .energy, constraints: PlanConstraints = .none,
    architecture: Architecture = .default, solverOptions: SolverOptions = .init(timeLimit: 60)
  ) throws(OptimizationError) -> PartitionSolution {
    if (constraints.isCoupled || objective != .energy) && set.pruned {
      throw OptimizationError(
        description: "candidates of \(set.network) at \(set.buffer) entries were pruned for the uncoupled objective; coupling constraints and other objectives need every candidate")
    }
    let model = PartitionProgram(set: set, objective: objective, constraints: constraints, architecture: architecture)
    let energy = architecture.energy
    guard
      let exact = ChainProgram.cheapestCover(layerCount: set.layerCount, candidates: set.candidates, cost: { candidate in
        objective.cost(candidate, energy: energy)
      })
    else {
      throw OptimizationError(description: "\(set.network) at \(set.buffer) entries: some layer has no candidate schedule")
    }
    func answer(_ chosen: [Int], solver: String, warnings: [String] = []) -> PartitionSolution {
      PartitionSolution(
        chosen: chosen, solver: solver, objective: model.cost(chosen), uncoupledObjective: exact.cost, warnings: warnings)
    }
    let where_ = "\(set.network) at \(set.buffer) entries"
    let solution: Solution
    do {
      solution = try GLPK.solve(model.program(keeping: model.couplings), options: solverOptions)
    } catch {
      // The dynamic program is exact without coupling rows, and optimal with them when it meets them.
      if model.isFeasible(exact.chosen) {
        return answer(exact.chosen, solver: "dp", warnings: ["\(where_): GLPK failed (\(error)); the dynamic program's plan is used"])
      }
      throw OptimizationError(description: "\(where_): GLPK failed (\(error)) and the least-\(objective.rawValue) plan breaks the constraints")
    }
    switch solution.status {
    case .optimal:
      let chosen = model.chosen(solution.values)
      guard model.isFeasible(chosen) else {
        return try fallback(exact.chosen, model: model, reason: "GLPK returned a plan that does not cover every layer once", answer: answer)
      }
      if !constraints.isCoupled && exact.cost < model.cost(chosen) * (1 - 1e-12) {
        return answer(
          exact.chosen, solver: "dp",
          warnings: ["\(where_): GLPK's plan costs \(model.cost(chosen)) \(objective.unit), the dynamic program's \(exact.cost); the dynamic program's plan is used"])
      }
      return answer(chosen, solver: "milp")
    case .feasible:
      let chosen = model.chosen(solution.values)
      if !constraints.isCoupled || !model.isFeasible(chosen) {
        return try fallback(exact.chosen, model: model, reason: "GLPK stopped at its time limit", answer: answer)
      }
      return answer(
        chosen, solver: "milp-incumbent",
        warnings: ["\(where_): GLPK stopped at its time limit; the best plan found is used, not proved optimal (raise --time-limit)"])
    case .noSolution:
      return try fallback(exact.chosen, model: model, reason: "GLPK stopped at its time limit before finding a plan", answer: answer)
    case .infeasible:
      throw OptimizationError(description: "\(where_): " + diagnose(model))
    case .unbounded:
      throw OptimizationError(description: "\(where_): GLPK reports the plan's objective unbounded, which a sum of non-negative costs cannot be")
    }
  }

  private static func fallback(
    _ exact: [Int], model: PartitionProgram, reason: String, answer: ([Int], String, [String]) -> PartitionSolution
  ) throws(OptimizationError) -> PartitionSolution {
    let where_ = "\(model.set.network) at \(model.set.buffer) entries"
    guard model.isFeasible(exact) else {
      throw OptimizationError(description: "\(where_): \(reason), and the least-\(model.objective.rawValue) plan breaks the constraints")
    }
    let exactness = model.constraints.isCoupled ? "it meets the constraints, so it is optimal" : "exact"
    return answer(exact, "dp", ["\(where_): \(reason); the dynamic program's plan is used (\(exactness))"])
  }

  /// Names the coupling row that cannot be met and the least value of its left side over the
  /// plans that meet the other rows: the smallest bound that works.
  static func diagnose(_ model: PartitionProgram) -> String {
    let couplings = model.couplings
    var findings: [String] = []
    for (index, coupling) in couplings.enumerated() {
      var others = couplings
      others.remove(at: index)
      let least: Double?
      if others.isEmpty {
        least = ChainProgram.cheapestCover(
          layerCount: model.set.layerCount, candidates: model.set.candidates, cost: coupling.coefficient)?.cost
      } else {
        let program = model.program(minimizing: coupling.coefficient, keeping: others)
        least = (try? GLPK.solve(program, options: SolverOptions(timeLimit: 60))).flatMap { $0.status == .optimal ? $0.objective : nil }
      }
      guard let least else {
        findings.append("\(coupling.option) cannot be met together with the other constraints")
        continue
      }
      if least > coupling.bound * (1 + 1e-9) {
        findings.append(
          "\(coupling.option) is binding: no plan meets \(formatBound(coupling.bound, coupling.option)); the smallest value that works is \(formatBound(least, coupling.option))")
      }
    }
    if findings.isEmpty {
      return "the constraints \(couplings.map(\.option).joined(separator: ", ")) can each be met but not together; relax one"
    }
    return findings.joined(separator: "; ")
  }

  private static func formatBound(_ value: Double, _ option: String) -> String {
    option == "--max-latency" ? "\(Int(value.rounded(.up))) cycles" : "\(Int(value.rounded(.up)))"
  }
}
