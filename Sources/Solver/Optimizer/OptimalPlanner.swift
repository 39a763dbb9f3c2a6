import Foundation
import Tiling

/// The `optimal` strategy's plan at one buffer size, and how it was found.
package struct OptimalPlan: Hashable, Sendable {
  package var plan: NetworkPlan
  package var solution: PartitionSolution
  package var solver: String { solution.solver }
  package var warnings: [String] { solution.warnings }
}

/// The `optimal` strategy: the plan of the candidates `PartitionSolver` chooses, its units
/// re-priced at the chosen widths when the layers' widths were chosen too.
package enum OptimalPlanner {
  package static func plan(
    _ set: CandidateSet, objective: Objective = .energy, constraints: PlanConstraints = .none,
    architecture: Architecture = .default, solverOptions: SolverOptions = .init(timeLimit: 60)
  ) throws(OptimizationError) -> OptimalPlan {
    let solution = try PartitionSolver.solve(
      set.problem, objective: objective, constraints: constraints, architecture: architecture, solverOptions: solverOptions)
    var units = solution.chosen.map { set.candidates[$0].unit }
    if let choices = constraints.widths {
      let widths = solution.widths
      for (position, index) in solution.chosen.enumerated() {
        units[position] = try units[position].repriced(
          layers: set.candidates[index].layers, in: set.analysis, psumWidth: set.psumWidth
        ) { owner in choices.width(of: owner, chosen: widths) }
      }
    }
    let plan = NetworkPlan(network: set.problem.network, buffer: set.problem.buffer, strategy: .optimal, units: units)
    return OptimalPlan(plan: plan, solution: solution)
  }
}

