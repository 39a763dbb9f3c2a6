import Foundation
import Networks
import Solver
import Testing
import Tiling
import TestSupport

/// The MILP against the exact dynamic program and against brute force over every cover.
@Suite struct PartitionSolverTests {
  /// Without coupling rows the MILP's optimum is the dynamic program's, on random problems.
  @Test func milpEqualsDynamicProgramOnRandomProblems() throws {
    var generator = SplitMix64(seed: 11)
    for _ in 0..<60 {
      let problem = randomProblem(layers: Int.random(in: 1...12, using: &generator), using: &generator)
      let solution = try PartitionSolver.solve(problem)
      let exact = try #require(
        ChainProgram.cheapestCover(layerCount: problem.layerCount, candidates: problem.candidates) {
          Objective.energy.cost($0, energy: .default)
        })
      #expect(solution.solver == "milp")
      #expect(solution.objective == exact.cost)
      let brute = everyCover(problem).map { cover in cover.reduce(0) { $0 + problem.candidates[$1].bits } }.min()
      #expect(solution.chosen.reduce(0) { $0 + problem.candidates[$1].bits } == brute)
    }
  }

  /// With a latency budget, a segment cap or both, the MILP's optimum is brute force's, and a
  /// budget no plan meets is reported with the least value that works.
  @Test func coupledConstraintsMatchBruteForce() throws {
    var generator = SplitMix64(seed: 12)
    let architecture = Architecture.default
    var binding = 0
    var infeasible = 0
    for round in 0..<120 {
      let problem = randomProblem(layers: Int.random(in: 2...9, using: &generator), using: &generator)
      let covers = everyCover(problem)
      func cycles(_ cover: [Int]) -> Double { cover.reduce(0) { $0 + problem.candidates[$1].cycles(architecture) } }
      func bits(_ cover: [Int]) -> Int { cover.reduce(0) { $0 + problem.candidates[$1].bits } }
      let fastest = covers.map(cycles).min() ?? 0
      let slowest = covers.map(cycles).max() ?? 0
      var constraints = PlanConstraints()
      if round % 3 != 1 { constraints.maxLatencyCycles = fastest + (slowest - fastest) * Double.random(in: -0.2...0.8, using: &generator) }
      if round % 3 != 0 { constraints.maxSegments = Int.random(in: 1...problem.layerCount, using: &generator) }
      let meets = covers.filter { cover in
        constraints.maxLatencyCycles.map { cycles(cover) <= $0 * (1 + 1e-9) } ?? true
          && constraints.maxSegments.map { cover.count <= $0 } ?? true
      }
      let unconstrained = covers.map(bits).min() ?? 0
      if let best = meets.map(bits).min() {
        let solution = try PartitionSolver.solve(problem, constraints: constraints)
        #expect(bits(solution.chosen) == best, "round \(round)")
        #expect(solution.solver == "milp")
        if best > unconstrained { binding += 1 }
      } else {
        infeasible += 1
        #expect(throws: OptimizationError.self) { try PartitionSolver.solve(problem, constraints: constraints) }
        // A lone latency budget too tight: the message gives the fastest plan's cycles.
        if constraints.maxSegments == nil, let budget = constraints.maxLatencyCycles {
          do {
            _ = try PartitionSolver.solve(problem, constraints: constraints)
          } catch {
            #expect(error.description.contains("--max-latency is binding"))
            #expect(error.description.contains("\(Int(fastest.rounded(.up))) cycles"), "\(error) vs \(fastest) (budget \(budget))")
          }
        }
        if constraints.maxLatencyCycles == nil, let cap = constraints.maxSegments {
          let fewest = covers.map(\.count).min() ?? 0
          do {
            _ = try PartitionSolver.solve(problem, constraints: constraints)
          } catch {
            #expect(error.description.contains("--max-segments is binding"), "cap \(cap)")
            #expect(error.description.contains("smallest value that works is \(fewest)"))
          }
        }
      }
    }
    // The random budgets must really bind sometimes and be unmeetable sometimes.
    #expect(binding >= 15)
    #expect(infeasible >= 5)
  }

  @Test func candidateFileRoundTrips() throws {
    var generator = SplitMix64(seed: 13)
    let problems = (0..<3).map { index in
      var problem = randomProblem(layers: 7, using: &generator)
      problem.buffer = 1024 << index
      problem.prunedAbove = [Int.max, CandidateOptions.everyLosing, CandidateOptions.forCoupledObjectives][index]
      return problem
    }
    let text = PartitionProblem.csv(problems)
    #expect(text.contains(",no,") && text.contains(",yes,") && text.contains(",above-3-stages,"))
    let read = try PartitionProblem.parse(csv: text, file: "test.csv")
    #expect(read.map(\.candidates) == problems.map(\.candidates))
    #expect(read.map(\.buffer) == problems.map(\.buffer))
    #expect(read.map(\.layerCount) == problems.map(\.layerCount))
    #expect(read.map(\.prunedAbove) == problems.map(\.prunedAbove))
    let unknown = text.replacingOccurrences(of: ",above-3-stages,", with: ",above-x-stages,")
    let error = #expect(throws: CandidateFileError.self) { try PartitionProblem.parse(csv: unknown, file: "bad.csv") }
    #expect(error?.line == 2 + problems[0].candidates.count + problems[1].candidates.count)
    #expect(error?.message == "field 'pruned': expected no, yes or above-N-stages, found 'above-x-stages'")
    // A coupled objective needs the segments a coupled enumeration keeps.
    #expect(throws: OptimizationError.self) { try PartitionSolver.solve(problems[1], constraints: PlanConstraints(maxSegments: 3)) }
    _ = try PartitionSolver.solve(problems[2], constraints: PlanConstraints(maxSegments: 7))
    #expect(throws: CandidateFileError.self) { try PartitionProblem.parse(csv: "network,buffer\n", file: "bad.csv") }
    let broken = text.replacingOccurrences(of: "\n", with: "\nrandom,1024,7,no,3,2,l3,l2,0,0,0,0\n", options: [], range: text.range(of: "\n"))
    #expect(throws: CandidateFileError.self) { try PartitionProblem.parse(csv: broken, file: "bad.csv") }
  }
}

/// The width choice: each layer's weights and outputs at one of the allowed widths, the summed
/// error within the budget; the MILP against brute force over every cover and every assignment.
@Suite struct WidthChoiceTests {
  @Test func widthChoiceMatchesBruteForce() throws {
    var generator = SplitMix64(seed: 21)
    let energy = EnergyModel.default
    var tradeOffs = 0
    for round in 0..<40 {
      let layers = Int.random(in: 2...5, using: &generator)
      let problem = randomProblemWithMoves(layers: layers, using: &generator)
      // Narrower is cheaper in bits and dearer in error.
      var errors: [Int: [Int: Double]] = [:]
      for layer in 0..<layers {
        let eight = Double.random(in: 0.001...0.01, using: &generator)
        errors[layer] = [8: eight, 4: eight * Double.random(in: 4...20, using: &generator)]
      }
      let least = errors.values.reduce(0) { $0 + ($1.values.min() ?? 0) }
      let most = errors.values.reduce(0) { $0 + ($1.values.max() ?? 0) }
      let budget = least + (most - least) * Double.random(in: 0...1, using: &generator)
      let declared = Array(repeating: Precision(weightBits: 8, activationBits: 8), count: layers)
      var constraints = PlanConstraints(widths: WidthChoices(errors: errors, budget: budget, declared: declared))
      if round % 4 == 3 { constraints.maxSegments = Int.random(in: 1...layers, using: &generator) }
      // Brute force: every cover, every assignment of widths.
      var best = Double.infinity
      for cover in everyCover(problem) {
        if let cap = constraints.maxSegments, cover.count > cap { continue }
        for mask in 0..<(1 << layers) {
          let width = (0..<layers).map { mask & (1 << $0) != 0 ? 4 : 8 }
          let error = (0..<layers).reduce(0) { $0 + (errors[$1]?[width[$1]] ?? 0) }
          guard error <= budget else { continue }
          let bits = cover.flatMap { problem.candidates[$0].moves }.reduce(0) { total, move in
            switch move.owner {
            case .weights(let layer), .activations(let layer): return total + move.entries * width[layer]
            case .input(let bits): return total + move.entries * bits
            }
          }
          best = min(best, Double(bits) / 8 * energy.dramPicojoulesPerByte)
        }
      }
      guard best.isFinite else {
        #expect(throws: OptimizationError.self) { try PartitionSolver.solve(problem, constraints: constraints) }
        continue
      }
      let solution = try PartitionSolver.solve(problem, constraints: constraints)
      #expect(solution.solver == "milp")
      #expect(abs(solution.objective - best) <= best * 1e-12, "round \(round): \(solution.objective) vs \(best)")
      let spent = solution.widths.reduce(0) { $0 + (errors[$1.key]?[$1.value] ?? .infinity) }
      #expect(spent <= budget * (1 + 1e-9))
      if solution.widths.values.contains(4) && solution.widths.values.contains(8) { tradeOffs += 1 }
    }
    #expect(tradeOffs >= 5, "the budget should force mixed widths in some rounds")
  }

  /// A budget below the least error any assignment reaches names the budget and that least error.
  @Test func unmeetableBudgetNamesTheLeastError() throws {
    var generator = SplitMix64(seed: 22)
    let problem = randomProblemWithMoves(layers: 4, using: &generator)
    let errors = Dictionary(uniqueKeysWithValues: (0..<4).map { ($0, [4: 0.5, 8: 0.25]) })
    let declared = Array(repeating: Precision(weightBits: 8, activationBits: 8), count: 4)
    let constraints = PlanConstraints(widths: WidthChoices(errors: errors, budget: 0.5, declared: declared))
    do {
      _ = try PartitionSolver.solve(problem, constraints: constraints)
      Issue.record("a budget of 0.5 below the least error 1.0 must fail")
    } catch {
      #expect(error.description.contains("--error-budget is binding"))
      #expect(error.description.contains("smallest value that works is 1.000001"), "\(error)")
    }
  }
}
