import Testing

import Solver

@Suite struct LinearProgramValidationTests {
  /// A valid program with two columns and one row, to break one way at a time.
  static func base() -> LinearProgram {
    var program = LinearProgram()
    let width = program.addColumn("width", kind: .integer, lower: 1, upper: 8, cost: 2)
    let use = program.addColumn("use", kind: .binary, cost: 1)
    program.addRow("budget", terms: [(width, 3), (use, 1)], upper: 20)
    return program
  }

  /// Expects validation to fail with a message containing every one of `fragments`.
  static func expectInvalid(
    _ program: LinearProgram, mentioning fragments: [String], sourceLocation: SourceLocation = #_sourceLocation
  ) {
    do {
      try program.validate()
      Issue.record("expected a validation error mentioning \(fragments)", sourceLocation: sourceLocation)
    } catch {
      for fragment in fragments {
        #expect(error.description.contains(fragment), "\(error.description)", sourceLocation: sourceLocation)
      }
    }
  }

  @Test func baseIsValid() throws {
    try Self.base().validate()
    var program = Self.base()
    program.addRow("free row", terms: [(0, 1)])
    program.addRow("no terms", terms: [], lower: -1, upper: 1)
    program.addColumn("free", lower: nil, upper: nil)
    try program.validate()
  }

  @Test func binaryColumnsGetZeroOneBounds() {
    var program = LinearProgram()
    program.addColumn("b", kind: .binary, lower: 5, upper: nil)
    #expect(program.columns[0].lower == 0 && program.columns[0].upper == 1)
  }

  @Test func columnProblemsNameTheColumn() {
    var program = Self.base()
    program.columns[1].cost = .nan
    Self.expectInvalid(program, mentioning: ["column 1 'use'", "cost"])

    program = Self.base()
    program.columns[0].lower = 9
    Self.expectInvalid(program, mentioning: ["column 0 'width'", "lower bound 9.0 is above upper bound 8.0"])

    program = Self.base()
    program.columns[0].upper = .infinity
    Self.expectInvalid(program, mentioning: ["column 0 'width'", "not finite", "nil"])

    program = Self.base()
    program.columns[1].upper = 2
    Self.expectInvalid(program, mentioning: ["column 1 'use'", "binary", "0...1"])

    program = Self.base()
    program.columns[0].upper = 7.5
    Self.expectInvalid(program, mentioning: ["column 0 'width'", "integer", "7.5", "whole number"])

    program = Self.base()
    program.columns[0].name = ""
    Self.expectInvalid(program, mentioning: ["column 0", "empty name"])
  }

  @Test func rowProblemsNameTheRow() {
    var program = Self.base()
    program.rows[0].terms.append(.init(column: 2, coefficient: 1))
    Self.expectInvalid(program, mentioning: ["row 0 'budget'", "column 2", "2 columns"])

    program = Self.base()
    program.rows[0].terms.append(.init(column: -1, coefficient: 1))
    Self.expectInvalid(program, mentioning: ["row 0 'budget'", "column -1"])

    program = Self.base()
    program.rows[0].terms.append(.init(column: 0, coefficient: 4))
    Self.expectInvalid(program, mentioning: ["row 0 'budget'", "more than one term", "column 0 'width'"])

    program = Self.base()
    program.rows[0].terms[1].coefficient = -.infinity
    Self.expectInvalid(program, mentioning: ["row 0 'budget'", "column 1 'use'", "not finite"])

    program = Self.base()
    program.addRow("backwards", terms: [(0, 1)], lower: 3, upper: 2)
    Self.expectInvalid(program, mentioning: ["row 1 'backwards'", "lower bound 3.0 is above upper bound 2.0"])

    program = Self.base()
    program.addRow("", terms: [(0, 1)], upper: 2)
    Self.expectInvalid(program, mentioning: ["row 1", "empty name"])
  }

  @Test func objectiveConstantMustBeFinite() {
    var program = Self.base()
    program.objectiveConstant = .infinity
    Self.expectInvalid(program, mentioning: ["objective constant"])
  }

  @Test func solveReportsTheValidationError() {
    var program = Self.base()
    program.rows[0].upper = .nan
    #expect {
      try GLPK.solve(program)
    } throws: { error in
      (error as? SolverError)?.description.contains("row 0 'budget'") == true
    }
  }
}
