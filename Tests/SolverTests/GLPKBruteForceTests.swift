import Testing

import Solver
import TestSupport

/// Small random integer programs with integer data, against enumeration of every point: the
/// objective must match exactly and the reported point must be feasible.
@Suite struct GLPKBruteForceTests {
  /// Checks one program against enumeration over `domain`; returns whether it was feasible.
  @discardableResult
  static func expectMatchesBruteForce(
    _ program: LinearProgram, domain: ClosedRange<Int>, options: SolverOptions,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> Bool {
    let solution = try GLPK.solve(program, options: options)
    guard let best = program.bruteForceOptimum(domain: domain) else {
      #expect(solution.status == .infeasible, "\(program)", sourceLocation: sourceLocation)
      #expect(solution.values.isEmpty, sourceLocation: sourceLocation)
      return false
    }
    #expect(solution.status == .optimal, "\(program)", sourceLocation: sourceLocation)
    #expect(solution.objective == best, "\(program)", sourceLocation: sourceLocation)
    #expect(program.isSatisfied(by: solution.values, tolerance: 0), sourceLocation: sourceLocation)
    if let relaxation = solution.relaxationObjective {
      // The relaxation bounds the integer optimum from the optimizing side.
      let bounds = program.direction == .minimize ? relaxation <= best + 1e-9 : relaxation >= best - 1e-9
      #expect(bounds, "relaxation \(relaxation) vs optimum \(best)", sourceLocation: sourceLocation)
    } else {
      Issue.record("no relaxation objective for an optimal integer program", sourceLocation: sourceLocation)
    }
    return true
  }

  @Test func knapsacksMatchBruteForce() throws {
    var random = SplitMix64(seed: 0x6C70_6B01)
    for instance in 0..<150 {
      var program = LinearProgram(direction: .maximize)
      let itemCount = Int.random(in: 1...12, using: &random)
      let weights = (0..<itemCount).map { _ in Double(Int.random(in: 1...30, using: &random)) }
      let items = (0..<itemCount).map { item in
        program.addColumn("item\(item)", kind: .binary, cost: Double(Int.random(in: 1...40, using: &random)))
      }
      let capacity = Double(Int.random(in: 0...Int(weights.reduce(0, +)), using: &random))
      program.addRow("capacity", terms: Array(zip(items, weights)), upper: capacity)
      try Self.expectMatchesBruteForce(program, domain: 0...1, options: .init(presolve: instance.isMultiple(of: 2)))
    }
  }

  /// Choose subsets of minimum total cost that cover every element exactly once (equality rows);
  /// many random instances have no partition at all.
  @Test func setPartitionsMatchBruteForce() throws {
    var random = SplitMix64(seed: 0x6C70_6B02)
    var feasibleCount = 0
    let instanceCount = 150
    for instance in 0..<instanceCount {
      var program = LinearProgram()
      program.objectiveConstant = Double(Int.random(in: -5...5, using: &random))
      let elementCount = Int.random(in: 1...6, using: &random)
      let subsetCount = Int.random(in: 1...11, using: &random)
      var members: [[Int]] = Array(repeating: [], count: elementCount)
      for subset in 0..<subsetCount {
        let cost = Double(Int.random(in: 1...20, using: &random))
        let column = program.addColumn("subset\(subset)", kind: .binary, cost: cost)
        let size = Int.random(in: 1...min(3, elementCount), using: &random)
        for element in (0..<elementCount).shuffled(using: &random).prefix(size) { members[element].append(column) }
      }
      for (element, columns) in members.enumerated() {
        program.addRow("cover\(element)", terms: columns.map { ($0, 1) }, lower: 1, upper: 1)
      }
      let options = SolverOptions(presolve: instance.isMultiple(of: 3))
      if try Self.expectMatchesBruteForce(program, domain: 0...1, options: options) { feasibleCount += 1 }
    }
    // Both answers must have been exercised for the test to mean anything.
    #expect(feasibleCount > 20 && feasibleCount < instanceCount - 20, "\(feasibleCount) feasible")
  }

  /// General integer columns in 0...3 with a few random rows of mixed signs, either direction.
  @Test func boundedIntegerProgramsMatchBruteForce() throws {
    var random = SplitMix64(seed: 0x6C70_6B03)
    var feasibleCount = 0
    for instance in 0..<120 {
      var program = LinearProgram(direction: Bool.random(using: &random) ? .minimize : .maximize)
      program.objectiveConstant = Double(Int.random(in: -10...10, using: &random))
      let columnCount = Int.random(in: 1...5, using: &random)
      let columns = (0..<columnCount).map { column in
        let cost = Double(Int.random(in: -9...9, using: &random))
        return program.addColumn("x\(column)", kind: .integer, lower: 0, upper: 3, cost: cost)
      }
      for row in 0..<Int.random(in: 1...3, using: &random) {
        let terms = columns.compactMap { column -> (Int, Double)? in
          let coefficient = Int.random(in: -6...6, using: &random)
          return coefficient == 0 ? nil : (column, Double(coefficient))
        }
        let bound = Double(Int.random(in: -8...12, using: &random))
        switch Int.random(in: 0..<3, using: &random) {
        case 0: program.addRow("row\(row)", terms: terms, upper: bound)
        case 1: program.addRow("row\(row)", terms: terms, lower: bound)
        default: program.addRow("row\(row)", terms: terms, lower: bound - 3, upper: bound + 3)
        }
      }
      let options = SolverOptions(presolve: instance.isMultiple(of: 2))
      if try Self.expectMatchesBruteForce(program, domain: 0...3, options: options) { feasibleCount += 1 }
    }
    #expect(feasibleCount > 20, "\(feasibleCount) feasible")
  }
}
