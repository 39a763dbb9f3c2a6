import Foundation
import Networks
import Solver
import Testing
import Tiling

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
          PlanObjective.energy.cost($0, energy: .default)
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
      return problem
    }
    let text = PartitionProblem.csv(problems)
    let read = try PartitionProblem.parse(csv: text, file: "test.csv")
    #expect(read.map(\.candidates) == problems.map(\.candidates))
    #expect(read.map(\.buffer) == problems.map(\.buffer))
    #expect(read.map(\.layerCount) == problems.map(\.layerCount))
    #expect(throws: CandidateFileError.self) { try PartitionProblem.parse(csv: "network,buffer\n", file: "bad.csv") }
    let broken = text.replacingOccurrences(of: "\n", with: "\nrandom,1024,7,no,3,2,l3,l2,0,0,0,0\n", options: [], range: text.range(of: "\n"))
    #expect(throws: CandidateFileError.self) { try PartitionProblem.parse(csv: broken, file: "bad.csv") }
  }
}
