/// Why a `LinearProgram` cannot be handed to a solver, naming the row or column at fault.
package struct LinearProgramError: Error, Hashable, Sendable, CustomStringConvertible {
  package var description: String

  init(_ description: String) {
    self.description = description
  }
}

extension LinearProgram {
  /// Checks everything GLPK would otherwise reject by calling abort(): non-finite numbers, lower >
  /// upper, term columns out of range, a column twice in one row, empty names, binary columns
  /// whose bounds are not 0...1, and integer columns whose bounds are not whole numbers (GLPK's
  /// branch and cut refuses those rather than rounding them inward).
  package func validate() throws(LinearProgramError) {
    guard objectiveConstant.isFinite else {
      throw LinearProgramError("objective constant is \(objectiveConstant), not a finite number")
    }
    for (index, column) in columns.enumerated() {
      try Self.validate(column, at: index)
    }
    for (index, row) in rows.enumerated() {
      try validate(row, at: index)
    }
  }

  private static func validate(_ column: Column, at index: Int) throws(LinearProgramError) {
    let place = "column \(index)" + (column.name.isEmpty ? "" : " '\(column.name)'")
    guard !column.name.isEmpty else { throw LinearProgramError("\(place) has an empty name") }
    guard column.cost.isFinite else { throw LinearProgramError("\(place): cost \(column.cost) is not finite") }
    try validateBounds(lower: column.lower, upper: column.upper, of: place)
    switch column.kind {
    case .continuous:
      break
    case .binary:
      guard column.lower == 0, column.upper == 1 else {
        throw LinearProgramError(
          "\(place) is binary but has bounds \(describe(column.lower))...\(describe(column.upper)), not 0...1")
      }
    case .integer:
      for (side, bound) in [("lower", column.lower), ("upper", column.upper)] {
        if let bound, bound.rounded() != bound {
          throw LinearProgramError("\(place) is integer but its \(side) bound \(bound) is not a whole number")
        }
      }
    }
  }

  private func validate(_ row: Row, at index: Int) throws(LinearProgramError) {
    let place = "row \(index)" + (row.name.isEmpty ? "" : " '\(row.name)'")
    guard !row.name.isEmpty else { throw LinearProgramError("\(place) has an empty name") }
    try Self.validateBounds(lower: row.lower, upper: row.upper, of: place)
    var seen: Set<Int> = []
    for term in row.terms {
      guard columns.indices.contains(term.column) else {
        throw LinearProgramError(
          "\(place): term refers to column \(term.column), but the program has \(columns.count) columns")
      }
      let columnName = "column \(term.column) '\(columns[term.column].name)'"
      guard term.coefficient.isFinite else {
        throw LinearProgramError("\(place): coefficient \(term.coefficient) of \(columnName) is not finite")
      }
      guard seen.insert(term.column).inserted else {
        throw LinearProgramError("\(place) has more than one term for \(columnName)")
      }
    }
  }

  private static func validateBounds(lower: Double?, upper: Double?, of place: String) throws(LinearProgramError) {
    if let lower, !lower.isFinite {
      throw LinearProgramError("\(place): lower bound \(lower) is not finite (use nil for no bound)")
    }
    if let upper, !upper.isFinite {
      throw LinearProgramError("\(place): upper bound \(upper) is not finite (use nil for no bound)")
    }
    if let lower, let upper, lower > upper {
      throw LinearProgramError("\(place): lower bound \(lower) is above upper bound \(upper)")
    }
  }

  private static func describe(_ bound: Double?) -> String {
    bound.map { "\($0)" } ?? "unbounded"
  }
}
