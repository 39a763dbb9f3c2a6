import CGLPK

/// A GLPK problem object loaded from a validated `LinearProgram`. Lives only inside
/// `GLPKEnvironment.run`, which frees it with the environment (so it has no deinit).
///
/// Indices shift here and only here: column `j` of the program is GLPK column `j + 1`.
final class GLPKProblem {
  /// nil once a fatal GLPK error freed the environment, and this problem with it.
  private var handle: OpaquePointer?
  private let log: GLPKLog
  let columnCount: Int

  /// `integrality: false` loads every column as continuous (binary columns keep 0...1).
  init(_ program: LinearProgram, integrality: Bool, log: GLPKLog) throws(SolverError) {
    let nonzeroCount = program.rows.reduce(0) { $0 + $1.terms.count }
    guard max(program.columns.count, program.rows.count, nonzeroCount) < Int(Int32.max) else {
      throw SolverError("program too large for GLPK's 32-bit indices")
    }
    self.log = log
    self.columnCount = program.columns.count
    let handle = glp_create_prob()
    self.handle = handle
    glp_set_obj_dir(handle, program.direction == .minimize ? GLP_MIN : GLP_MAX)
    glp_set_obj_coef(handle, 0, program.objectiveConstant)
    // GLPK rejects adding zero rows or columns.
    if !program.columns.isEmpty { glp_add_cols(handle, Int32(program.columns.count)) }
    if !program.rows.isEmpty { glp_add_rows(handle, Int32(program.rows.count)) }
    for (index, column) in program.columns.enumerated() {
      let glpkIndex = Int32(index + 1)
      let bounds = Self.glpkBounds(lower: column.lower, upper: column.upper)
      glp_set_col_bnds(handle, glpkIndex, bounds.type, bounds.lower, bounds.upper)
      glp_set_obj_coef(handle, glpkIndex, column.cost)
      if integrality && column.kind != .continuous { glp_set_col_kind(handle, glpkIndex, GLP_IV) }
    }
    for (index, row) in program.rows.enumerated() {
      let bounds = Self.glpkBounds(lower: row.lower, upper: row.upper)
      glp_set_row_bnds(handle, Int32(index + 1), bounds.type, bounds.lower, bounds.upper)
    }
    try loadMatrix(Self.triplets(of: program))
  }

  /// The constraint matrix as GLPK's 1-based triplet arrays (element 0 unused). Zero coefficients
  /// are left out: they mean "no term" and GLPK would only store them.
  static func triplets(of program: LinearProgram) -> (rows: [Int32], columns: [Int32], values: [Double]) {
    var triplets: (rows: [Int32], columns: [Int32], values: [Double]) = ([0], [0], [0])
    for (rowIndex, row) in program.rows.enumerated() {
      for term in row.terms where term.coefficient != 0 {
        triplets.rows.append(Int32(rowIndex + 1))
        triplets.columns.append(Int32(term.column + 1))
        triplets.values.append(term.coefficient)
      }
    }
    return triplets
  }

  /// glp_load_matrix under the error guard. Internal rather than private so a test can hand it
  /// indices that validation would have refused, and see GLPK's fatal error become a SolverError.
  func loadMatrix(_ triplets: (rows: [Int32], columns: [Int32], values: [Double])) throws(SolverError) {
    precondition(triplets.rows.count == triplets.columns.count && triplets.rows.count == triplets.values.count)
    _ = try guarded("glp_load_matrix") { handle in
      let count = Int32(triplets.rows.count - 1)
      return cglpk_guarded_load_matrix(handle, count, triplets.rows, triplets.columns, triplets.values)
    }
  }

  /// Runs a GLPK routine through one of the shim's guarded functions; turns a fatal error into a
  /// SolverError carrying GLPK's message, and forgets the (now freed) problem object.
  private func guarded(_ routine: String, _ call: (OpaquePointer) -> Int32) throws(SolverError) -> Int32 {
    guard let handle else {
      throw SolverError("\(routine) called after a fatal GLPK error freed the problem")
    }
    let code = call(handle)
    guard code != CGLPK_FATAL_ERROR else {
      self.handle = nil
      throw SolverError("GLPK fatal error in \(routine): \(log.fatalErrorMessage)")
    }
    return code
  }

  private func liveHandle() throws(SolverError) -> OpaquePointer {
    guard let handle else { throw SolverError("GLPK problem used after a fatal GLPK error freed it") }
    return handle
  }

  private static func glpkBounds(lower: Double?, upper: Double?) -> (type: Int32, lower: Double, upper: Double) {
    switch (lower, upper) {
    case (nil, nil): (GLP_FR, 0, 0)
    case (let lower?, nil): (GLP_LO, lower, 0)
    case (nil, let upper?): (GLP_UP, 0, upper)
    case (let lower?, let upper?): (lower == upper ? GLP_FX : GLP_DB, lower, upper)
    }
  }
}

// MARK: - Solving and reading

extension GLPKProblem {
  /// glp_simplex; returns GLPK's return code (0 or GLP_E*).
  func simplex(presolve: Bool, timeLimit milliseconds: Int32) throws(SolverError) -> Int32 {
    var parameters = glp_smcp()
    glp_init_smcp(&parameters)
    parameters.msg_lev = GLP_MSG_ALL
    parameters.presolve = presolve ? GLP_ON : GLP_OFF
    parameters.tm_lim = milliseconds
    return try guarded("glp_simplex") { cglpk_guarded_simplex($0, &parameters) }
  }

  /// glp_intopt; without presolve it needs an optimal basis of the relaxation, from `simplex`.
  func branchAndCut(presolve: Bool, relativeGap: Double, timeLimit milliseconds: Int32) throws(SolverError) -> Int32 {
    var parameters = glp_iocp()
    glp_init_iocp(&parameters)
    parameters.msg_lev = GLP_MSG_ALL
    parameters.presolve = presolve ? GLP_ON : GLP_OFF
    parameters.mip_gap = relativeGap
    parameters.tm_lim = milliseconds
    // Partition problems with a knapsack-like budget row (the width choice) have weak
    // relaxations: with GLPK's defaults a 1,000-column one ran 60 s without an integer point; the
    // feasibility pump, pseudocost branching and MIR / Gomory cuts solve it in seconds. Cover
    // cuts stay off: GLPK 5.0 dies in them on some small knapsacks ("glp_add_cols: ncs = 0",
    // caught by the error guard; GLPKBruteForceTests found it).
    parameters.fp_heur = GLP_ON
    parameters.br_tech = GLP_BR_PCH
    parameters.bt_tech = GLP_BT_BPH
    parameters.mir_cuts = GLP_ON
    parameters.gmi_cuts = GLP_ON
    return try guarded("glp_intopt") { cglpk_guarded_intopt($0, &parameters) }
  }

  /// glp_get_status: the basic solution's status after `simplex`.
  func simplexStatus() throws(SolverError) -> Int32 { glp_get_status(try liveHandle()) }
  /// glp_get_prim_stat: whether the current basic solution is primal feasible.
  func simplexPrimalStatus() throws(SolverError) -> Int32 { glp_get_prim_stat(try liveHandle()) }
  /// glp_mip_status after `branchAndCut`.
  func integerStatus() throws(SolverError) -> Int32 { glp_mip_status(try liveHandle()) }
  /// glp_get_obj_val: the basic solution's objective, constant included.
  func simplexObjective() throws(SolverError) -> Double { glp_get_obj_val(try liveHandle()) }

  func simplexValues() throws(SolverError) -> [Double] {
    let handle = try liveHandle()
    return (0..<columnCount).map { glp_get_col_prim(handle, Int32($0 + 1)) }
  }

  func integerValues() throws(SolverError) -> [Double] {
    let handle = try liveHandle()
    return (0..<columnCount).map { glp_mip_col_val(handle, Int32($0 + 1)) }
  }

  /// Sets every cost and the constant to zero: the program becomes "find any feasible point".
  func clearObjective() throws(SolverError) {
    let handle = try liveHandle()
    for index in 0...columnCount { glp_set_obj_coef(handle, Int32(index), 0) }
  }
}
