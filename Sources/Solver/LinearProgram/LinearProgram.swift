/// A linear or mixed-integer program as a plain value: columns (variables) with bounds, kinds and
/// objective costs, and rows (constraints) that bound a weighted sum of columns.
///
/// Nothing here touches GLPK, so models are built, compared and tested without a solver;
/// `GLPK.solve` validates the value and translates it (0-based indices here, 1-based in GLPK).
public struct LinearProgram: Hashable, Sendable {
  public enum Direction: Hashable, Sendable { case minimize, maximize }

  /// `binary` is an integer column with bounds 0...1.
  public enum Kind: Hashable, Sendable { case continuous, integer, binary }

  /// A variable. A nil bound means unbounded on that side.
  public struct Column: Hashable, Sendable {
    public var name: String
    public var kind: Kind
    public var lower: Double?
    public var upper: Double?
    /// The column's coefficient in the objective.
    public var cost: Double

    public init(name: String, kind: Kind = .continuous, lower: Double? = 0, upper: Double? = nil, cost: Double = 0) {
      self.name = name
      self.kind = kind
      self.lower = lower
      self.upper = upper
      self.cost = cost
    }
  }

  /// A constraint `lower <= Σ coefficient · column <= upper`; a nil bound means none on that side,
  /// equal bounds make an equality row.
  public struct Row: Hashable, Sendable {
    public var name: String
    public var terms: [Term]
    public var lower: Double?
    public var upper: Double?

    public init(name: String, terms: [Term], lower: Double? = nil, upper: Double? = nil) {
      self.name = name
      self.terms = terms
      self.lower = lower
      self.upper = upper
    }
  }

  public struct Term: Hashable, Sendable {
    /// Index into `LinearProgram.columns`.
    public var column: Int
    public var coefficient: Double

    public init(column: Int, coefficient: Double) {
      self.column = column
      self.coefficient = coefficient
    }
  }

  public var direction: Direction
  public var columns: [Column]
  public var rows: [Row]
  /// Added to the objective: `objective = objectiveConstant + Σ cost · column`.
  public var objectiveConstant: Double

  public init(direction: Direction = .minimize) {
    self.direction = direction
    self.columns = []
    self.rows = []
    self.objectiveConstant = 0
  }

  /// Whether any column must take an integer value, which makes `GLPK.solve` branch and cut.
  public var hasIntegerColumns: Bool {
    columns.contains { $0.kind != .continuous }
  }

  /// Returns the column's index. A binary column has bounds 0...1 whatever `lower` and `upper` say.
  @discardableResult
  public mutating func addColumn(
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
  public mutating func addRow(
    _ name: String, terms: [(column: Int, coefficient: Double)], lower: Double? = nil, upper: Double? = nil
  ) -> Int {
    let rowTerms = terms.map { Term(column: $0.column, coefficient: $0.coefficient) }
    rows.append(Row(name: name, terms: rowTerms, lower: lower, upper: upper))
    return rows.count - 1
  }

  /// The objective at `values` (one per column), constant included.
  public func objective(at values: [Double]) -> Double {
    zip(columns, values).reduce(objectiveConstant) { $0 + $1.0.cost * $1.1 }
  }
}
