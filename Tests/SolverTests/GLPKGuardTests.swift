import Dispatch
import Synchronization
import Testing

@testable import Solver
import TestSupport

/// What keeps GLPK from taking the process down or mixing up callers: the error hook, the time
/// limit, the lock.
@Suite struct GLPKGuardTests {
  /// Hands glp_load_matrix a row index validation would have refused. Unguarded, GLPK prints the
  /// message and calls abort(); guarded, it comes back as a SolverError with GLPK's message.
  static func triggerFatalError() throws(SolverError) {
    try GLPKEnvironment.run { log throws(SolverError) in
      var program = LinearProgram()
      program.addColumn("x")
      program.addRow("r", terms: [])
      let problem = try GLPKProblem(program, integrality: false, log: log)
      try problem.loadMatrix((rows: [0, 5], columns: [0, 1], values: [0, 1]))
    }
  }

  @Test func fatalGLPKErrorBecomesSolverError() throws {
    #expect {
      try Self.triggerFatalError()
    } throws: { error in
      let description = (error as? SolverError)?.description ?? ""
      return description.contains("glp_load_matrix") && description.contains("row index out of range")
    }
    // The process survived and GLPK works again on this thread.
    let solution = try GLPK.solve(GLPKSolveTests.textbookProgram())
    #expect(solution.status == .optimal)
    #expect(abs(solution.objective - 2200.0 / 3) < 1e-9)
  }

  @Test func problemIsUnusableAfterAFatalError() throws {
    try GLPKEnvironment.run { log throws(SolverError) in
      var program = LinearProgram()
      program.addColumn("x")
      let problem = try GLPKProblem(program, integrality: false, log: log)
      #expect(throws: SolverError.self) {
        try problem.loadMatrix((rows: [0, 1], columns: [0, 9], values: [0, 1]))
      }
      // The fatal error freed GLPK's environment and the problem with it; using it must throw,
      // not touch freed memory.
      #expect(throws: SolverError.self) { try problem.simplexValues() }
    }
  }

  @Test func fatalErrorsOnManyThreadsLeaveGLPKWorking() throws {
    let results = Mutex<[Bool]>([])
    DispatchQueue.concurrentPerform(iterations: 8) { _ in
      let caught: Bool
      do {
        try Self.triggerFatalError()
        caught = false
      } catch {
        caught = true
      }
      let solved = (try? GLPK.solve(GLPKSolveTests.textbookProgram()))?.status == .optimal
      results.withLock { $0.append(caught && solved) }
    }
    #expect(results.withLock { $0 } == Array(repeating: true, count: 8))
  }

  @Test func invalidInputIsAnErrorNotACrash() {
    var program = GLPKSolveTests.textbookProgram()
    program.rows[1].terms.append(.init(column: 7, coefficient: 1))
    #expect(throws: SolverError.self) { try GLPK.solve(program) }
    #expect(throws: SolverError.self) { try GLPK.solveRelaxation(program) }
    let valid = GLPKSolveTests.textbookProgram()
    #expect(throws: SolverError.self) { try GLPK.solve(valid, options: .init(timeLimit: -1)) }
    #expect(throws: SolverError.self) { try GLPK.solve(valid, options: .init(timeLimit: .nan)) }
    #expect(throws: SolverError.self) { try GLPK.solve(valid, options: .init(relativeGap: -0.1)) }
  }

  /// A market split instance (Cornuéjols and Dawande): 4 equality rows over 30 binaries with
  /// coefficients in 0...99 and right-hand sides half the row sums. With `withSlack`, slack
  /// columns make every point feasible at a cost, so the search finds incumbents early; without,
  /// feasible points are rare. Branch and cut needs more than 20 s for this size on this machine.
  static func marketSplit(seed: UInt64, withSlack: Bool) -> LinearProgram {
    var random = SplitMix64(seed: seed)
    var program = LinearProgram()
    let choices = (0..<30).map { program.addColumn("x\($0)", kind: .binary) }
    for row in 0..<4 {
      let coefficients = choices.map { _ in Double(Int.random(in: 0...99, using: &random)) }
      let half = (coefficients.reduce(0, +) / 2).rounded(.down)
      var terms = Array(zip(choices, coefficients))
      if withSlack {
        terms.append((program.addColumn("over\(row)", cost: 1), -1))
        terms.append((program.addColumn("under\(row)", cost: 1), 1))
      }
      program.addRow("split\(row)", terms: terms, lower: half, upper: half)
    }
    return program
  }

  @Test(arguments: [true, false]) func timeLimitStopsAHardSearch(withSlack: Bool) throws {
    let program = Self.marketSplit(seed: 1, withSlack: withSlack)
    let clock = ContinuousClock()
    let start = clock.now
    let solution = try GLPK.solve(program, options: .init(timeLimit: 0.05))
    let elapsed = clock.now - start
    #expect(solution.status == .feasible || solution.status == .noSolution, "\(solution.status)")
    #expect(elapsed < .seconds(5), "the limit was 50 ms; took \(elapsed)")
    if solution.status == .feasible {
      #expect(program.isSatisfied(by: solution.values))
      #expect(solution.objective == program.objective(at: solution.values))
    } else {
      #expect(solution.values.isEmpty && solution.objective == .infinity)
    }
    #expect(solution.relaxationObjective != nil)
    #expect(solution.log.contains("TIME LIMIT EXCEEDED"))
  }

  /// Eight knapsacks solved at once from eight threads, each checked against its own brute force.
  @Test func concurrentSolvesGetTheirOwnAnswers() throws {
    let programs = (0..<8).map { Self.knapsack(seed: 0x00C0_0C00 + UInt64($0)) }
    let solutions = Mutex<[Int: Solution]>([:])
    DispatchQueue.concurrentPerform(iterations: programs.count) { index in
      let solution = try? GLPK.solve(programs[index])
      solutions.withLock { $0[index] = solution }
    }
    let solved = solutions.withLock { $0 }
    for (index, program) in programs.enumerated() {
      let solution = try #require(solved[index])
      #expect(solution.status == .optimal)
      #expect(solution.objective == program.bruteForceOptimum(domain: 0...1))
      #expect(program.isSatisfied(by: solution.values, tolerance: 0))
    }
  }

  @Test func concurrentTasksGetTheirOwnAnswers() async throws {
    let programs = (0..<8).map { Self.knapsack(seed: 0x7A5C_0000 + UInt64($0)) }
    let objectives = try await withThrowingTaskGroup(of: (Int, Double).self) { group in
      for (index, program) in programs.enumerated() {
        group.addTask { (index, try GLPK.solve(program).objective) }
      }
      return try await group.reduce(into: [Int: Double]()) { $0[$1.0] = $1.1 }
    }
    for (index, program) in programs.enumerated() {
      #expect(objectives[index] == program.bruteForceOptimum(domain: 0...1))
    }
  }

  static func knapsack(seed: UInt64) -> LinearProgram {
    var random = SplitMix64(seed: seed)
    var program = LinearProgram(direction: .maximize)
    let weights = (0..<12).map { _ in Double(Int.random(in: 1...30, using: &random)) }
    let items = weights.indices.map { item in
      program.addColumn("item\(item)", kind: .binary, cost: Double(Int.random(in: 1...40, using: &random)))
    }
    program.addRow("capacity", terms: Array(zip(items, weights)), upper: weights.reduce(0, +) / 2)
    return program
  }
}
