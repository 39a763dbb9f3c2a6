/// A linear or mixed-integer program as a plain value: columns (variables) with bounds, kinds and
/// objective costs, and rows (constraints) that bound a weighted sum of columns.
///
/// Nothing here touches GLPK, so models are built, compared and tested without a solver;
/// `GLPK.solve` validates the value and translates it (0-based indices here, 1-based in GLPK).
package struct LinearProgram: Hashable, Sendable {
  package enum Direction: Hashable, Sendable { case minimize, maximize }

  /// `binary` is an integer column with bounds 0...1.
  package enum Kind: Hashable, Sendable { case continuous, integer, binary }

  /// A variable. A nil bound means unbounded on that side.
  package struct Column: Hashable, Sendable {
    package var name: String
    package var kind: Kind
    package var lower: Double?
    package var upper: Double?
    /// The column's coefficient in the objective.
    package var cost: Double

    package init(name: String, kind: Kind = .continuous, lower: Double? = 0, upper: Double? = nil, cost: Double = 0) {
      self.name = name
      self.kind = kind
      self.lower = lower
      self.upper = upper
      self.cost = cost
    }
  }

  /// A constraint `lower <= Σ coefficient · column <= upper`; a nil bound means none on that side,
  /// equal bounds make an equality row.
  package struct Row: Hashable, Sendable {
    package var name: String
    package var terms: [Term]
    package var lower: Double?
    package var upper: Double?

    package init(name: String, terms: [Term], lower: Double? = nil, upper: Double? = nil) {
      self.name = name
      self.terms = terms
      self.lower = lower
      self.upper = upper
    }
  }

  package struct Term: Hashable, Sendable {
    /// Index into `LinearProgram.columns`.
    package var column: Int
    package var coefficient: Double

    package init(column: Int, coefficient: Double) {
      self.column = column
      self.coefficient = coefficient
    }
  }

  package var direction: Direction
  package var columns: [Column]
  package var rows: [Row]
  /// Added to the objective: `objective = objectiveConstant + Σ cost · column`.
  package var objectiveConstant: Double

  package init(direction: Direction = .minimize) {
    self.direction = direction
    self.columns = []
    self.rows = []
    self.objectiveConstant = 0
  }

  /// Whether any column must take an integer value, which makes `GLPK.solve` branch and cut.
  package var hasIntegerColumns: Bool {
    columns.contains { $0.kind != .continuous }
  }

  /// Returns the column's index. A binary column has bounds 0...1 whatever `lower` and `upper` say.
  @discardableResult
  package mutating func addColumn(
    _ name: String, kind: Kind = .continuous, lower: Double? = 0, upper: Double? = nil, cost: Double = 0
  ) -> Int {
    let isBinary = kind == .binary
    columns.append(
      Column(name: name, kind: kind, lower: isBinary ? 0 : lower, upper: isBinary ? 1 : upper, cost: cost))
    return columns.count - 1
  }

  /// Returns the row's index. A nil bound means unbounded on that side; lower == upper makes an
  /// equality row. Terms are checked by `validate()`, not here, so building never traps.
  @discardableResult
  package mutating func addRow(
    _ name: String, terms: [(column: Int, coefficient: Double)], lower: Double? = nil, upper: Double? = nil
  ) -> Int {
    let rowTerms = terms.map { Term(column: $0.column, coefficient: $0.coefficient) }
    rows.append(Row(name: name, terms: rowTerms, lower: lower, upper: upper))
    return rows.count - 1
  }

  /// The objective at `values` (one per column), constant included.
  package func objective(at values: [Double]) -> Double {
    zip(columns, values).reduce(objectiveConstant) { $0 + $1.0.cost * $1.1 }
  }
}
