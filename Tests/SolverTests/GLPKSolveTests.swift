import Testing

@testable import Solver

@Suite struct GLPKSolveTests {
  /// The example of GLPK's reference manual (section 1.3): maximize 10x1 + 6x2 + 4x3.
  static func textbookProgram() -> LinearProgram {
    var program = LinearProgram(direction: .maximize)
    let x1 = program.addColumn("x1", cost: 10)
    let x2 = program.addColumn("x2", cost: 6)
    let x3 = program.addColumn("x3", cost: 4)
    program.addRow("p", terms: [(x1, 1), (x2, 1), (x3, 1)], upper: 100)
    program.addRow("q", terms: [(x1, 10), (x2, 4), (x3, 5)], upper: 600)
    program.addRow("r", terms: [(x1, 2), (x2, 2), (x3, 6)], upper: 300)
    return program
  }

  @Test(arguments: [true, false]) func textbookLinearProgram(presolve: Bool) throws {
    let solution = try GLPK.solve(Self.textbookProgram(), options: .init(presolve: presolve))
    #expect(solution.status == .optimal)
    #expect(abs(solution.objective - 2200.0 / 3) < 1e-9)
    #expect(solution.relaxationObjective == solution.objective)
    try #require(solution.values.count == 3)
    #expect(abs(solution.values[0] - 100.0 / 3) < 1e-9)
    #expect(abs(solution.values[1] - 200.0 / 3) < 1e-9)
    #expect(abs(solution.values[2]) < 1e-9)
    #expect(solution.log.contains("OPTIMAL LP SOLUTION FOUND"))
  }

  @Test func versionIsTheLinkedLibrary() {
    #expect(GLPK.version.hasPrefix("5."))
  }

  /// The same region and costs, minimized and maximized: x + y <= 4, x and y in 0...3.
  @Test func directionDecidesWhichCornerWins() throws {
    var program = LinearProgram()
    let x = program.addColumn("x", upper: 3, cost: 1)
    let y = program.addColumn("y", upper: 3, cost: 2)
    program.addRow("sum", terms: [(x, 1), (y, 1)], upper: 4)
    let minimum = try GLPK.solve(program)
    #expect(minimum.status == .optimal)
    #expect(minimum.objective == 0 && minimum.values == [0, 0])
    program.direction = .maximize
    let maximum = try GLPK.solve(program)
    #expect(maximum.status == .optimal)
    #expect(maximum.objective == 7 && maximum.values == [1, 3])
  }

  @Test func objectiveConstantIsIncluded() throws {
    var program = Self.textbookProgram()
    program.objectiveConstant = -100
    let linear = try GLPK.solve(program)
    #expect(abs(linear.objective - (2200.0 / 3 - 100)) < 1e-9)
    #expect(linear.relaxationObjective.map { abs($0 - linear.objective) < 1e-9 } == true)
    for index in program.columns.indices { program.columns[index].kind = .integer }
    let integer = try GLPK.solve(program)
    #expect(integer.status == .optimal)
    #expect(integer.objective == program.objective(at: integer.values))
    #expect(integer.relaxationObjective.map { abs($0 - linear.objective) < 1e-9 } == true)
  }

  @Test(arguments: [true, false]) func equalityRowsHold(presolve: Bool) throws {
    var program = LinearProgram()
    let x = program.addColumn("x", lower: nil, cost: 1)
    let y = program.addColumn("y", lower: nil, cost: 1)
    program.addRow("sum", terms: [(x, 1), (y, 1)], lower: 10, upper: 10)
    program.addRow("difference", terms: [(x, 1), (y, -1)], lower: 2, upper: 2)
    let solution = try GLPK.solve(program, options: .init(presolve: presolve))
    #expect(solution.status == .optimal)
    try #require(solution.values.count == 2)
    #expect(abs(solution.values[0] - 6) < 1e-9 && abs(solution.values[1] - 4) < 1e-9)
    #expect(abs(solution.objective - 10) < 1e-9)
  }

  /// The classic example where rounding the LP optimum (3, 1.5) does not give the integer one.
  @Test(arguments: [true, false]) func integerColumnsAreNotJustRoundedRelaxations(presolve: Bool) throws {
    var program = LinearProgram(direction: .maximize)
    let x = program.addColumn("x", kind: .integer, cost: 5)
    let y = program.addColumn("y", kind: .integer, cost: 4)
    program.addRow("a", terms: [(x, 6), (y, 4)], upper: 24)
    program.addRow("b", terms: [(x, 1), (y, 2)], upper: 6)
    let solution = try GLPK.solve(program, options: .init(presolve: presolve))
    #expect(solution.status == .optimal)
    #expect(solution.values == [4, 0])
    #expect(solution.objective == 20)
    #expect(solution.relaxationObjective.map { abs($0 - 21) < 1e-9 } == true)
    #expect(solution.log.contains("GLPK Integer Optimizer"))
    #expect(solution.log.contains("INTEGER OPTIMAL SOLUTION FOUND"))

    let relaxation = try GLPK.solveRelaxation(program, options: .init(presolve: presolve))
    #expect(relaxation.status == .optimal)
    #expect(abs(relaxation.objective - 21) < 1e-9)
    #expect(abs(relaxation.values[0] - 3) < 1e-9 && abs(relaxation.values[1] - 1.5) < 1e-9, "\(relaxation.values)")
    #expect(!relaxation.log.contains("Integer Optimizer"))
  }

  @Test func relaxationKeepsBinaryColumnsWithinZeroAndOne() throws {
    var program = LinearProgram(direction: .maximize)
    let a = program.addColumn("a", kind: .binary, cost: 3)
    let b = program.addColumn("b", kind: .binary, cost: 2)
    program.addRow("weight", terms: [(a, 2), (b, 2)], upper: 3)
    let relaxation = try GLPK.solveRelaxation(program)
    #expect(relaxation.values.allSatisfy { $0 >= 0 && $0 <= 1 })
    #expect(abs(relaxation.objective - 4) < 1e-9)  // a = 1, b = 0.5
    #expect(try GLPK.solve(program).objective == 3)
  }

  @Test(arguments: [true, false]) func emptyPrograms(presolve: Bool) throws {
    var program = LinearProgram()
    program.objectiveConstant = 3
    let empty = try GLPK.solve(program, options: .init(presolve: presolve))
    #expect(empty.status == .optimal && empty.objective == 3 && empty.values.isEmpty)
    program.addColumn("x", kind: .integer, lower: 1, upper: 5, cost: 2)
    let noRows = try GLPK.solve(program, options: .init(presolve: presolve))
    #expect(noRows.status == .optimal && noRows.objective == 5 && noRows.values == [1])
    program.addRow("empty but needs 1", terms: [], lower: 1)
    #expect(try GLPK.solve(program, options: .init(presolve: presolve)).status == .infeasible)
  }

  @Test func zeroCoefficientsAreNoTerms() throws {
    var program = LinearProgram(direction: .maximize)
    let x = program.addColumn("x", upper: 2, cost: 1)
    let y = program.addColumn("y", upper: 5, cost: 1)
    program.addRow("only x", terms: [(x, 1), (y, 0)], upper: 1)
    let solution = try GLPK.solve(program)
    #expect(solution.values == [1, 5])
  }

  /// GLPK prints to stdout unless the terminal hook claims the text: the log has it, stdout not.
  @Test func outputIsCapturedNotPrinted() throws {
    var program = Self.textbookProgram()
    program.columns[0].kind = .integer
    var solution: Solution?
    let printed = try capturingStandardOutput {
      solution = try GLPK.solve(program)
    }
    let log = try #require(solution?.log)
    #expect(log.contains("GLPK Integer Optimizer"))
    #expect(!printed.contains("Optimizer"))
    #expect(!printed.contains("obj ="))
  }
}
