import ArgumentParser
import DSE
import Foundation
import Synchronization

/// The strategies a sweep can run.
enum SweepStrategy: String, CaseIterable, Sendable {
  case layerwiseRowMajor = "layerwise-rowmajor"
  case layerwiseScan = "layerwise-scan"
  case fusedGreedy = "fused-greedy"
  case optimal = "optimal"
}

/// Everything a sweep decides once for all networks and buffer sizes.
struct SweepSettings: Sendable {
  var strategies: [SweepStrategy]
  var objective: PlanObjective
  var constraints: PlanConstraints
  var maxSegmentLength: Int
  var psumWidth: Int
  var architecture: Architecture
  var solverOptions: SolverOptions
  var precision: Precision? = nil

  /// `--error-table`, `--widths`, `--error-budget`: made into `WidthChoices` per network.
  struct Precision: Sendable {
    var table: ErrorTable
    var file: String
    var widths: [Int]
    var budget: Double
  }

  /// The constraints for one network (the width choice names its layers).
  func constraints(for analysis: NetworkAnalysis) throws -> PlanConstraints {
    var constraints = constraints
    if let precision {
      constraints.widths = try WidthChoices(
        table: precision.table, widths: precision.widths, budget: precision.budget, analysis: analysis, file: precision.file)
    }
    return constraints
  }

  var candidateOptions: CandidateOptions {
    CandidateOptions(
      maxLength: maxSegmentLength, maxStages: 3, psumWidth: psumWidth,
      pruneLosing: !constraints.isCoupled && precision == nil && objective == .energy,
      recomputeFree: constraints.maxLatencyCycles != nil)
  }
}

/// What a sweep found for one network: a record per (buffer size, strategy), and the
/// optimizer's candidates at each buffer size (when `optimal` ran).
struct NetworkSweep: Sendable {
  var records: [SweepRecord] = []
  var problems: [PartitionProblem] = []
}

/// Plans every (network, buffer size) with every strategy, `jobs` buffer sizes at a time. The
/// records come back in a fixed order (network, then size, then strategy), whatever ran first.
struct SweepRunner {
  let settings: SweepSettings
  let jobs: Int

  func run(_ analyses: [NetworkAnalysis], sizes: [Int]) throws -> [NetworkSweep] {
    let tasks = analyses.indices.flatMap { network in sizes.map { (network: network, size: $0) } }
    let next = Mutex(0)
    let failed = Mutex(false)
    let results = Mutex([Int: Result<NetworkSweep, any Error>]())
    let settings = settings
    DispatchQueue.concurrentPerform(iterations: max(1, min(jobs, tasks.count))) { _ in
      while !failed.withLock({ $0 }) {
        let index: Int = next.withLock { value in
          defer { value += 1 }
          return value
        }
        guard index < tasks.count else { return }
        let task = tasks[index]
        let analysis = analyses[task.network]
        let outcome = Result {
          do {
            return try Self.plan(analysis, size: task.size, settings: settings)
          } catch {
            throw NetworkPlanningError(network: analysis.network, underlying: error)
          }
        }
        if case .failure = outcome { failed.withLock { $0 = true } }
        results.withLock { $0[index] = outcome }
      }
    }
    let finished = results.withLock { $0 }
    var sweeps = Array(repeating: NetworkSweep(), count: analyses.count)
    // The first failure in task order is the one reported.
    for index in tasks.indices {
      guard let outcome = finished[index] else { continue }
      let found = try outcome.get()
      sweeps[tasks[index].network].records += found.records
      sweeps[tasks[index].network].problems += found.problems
    }
    return sweeps
  }

  /// One network at one buffer size, every strategy in turn.
  static func plan(_ analysis: NetworkAnalysis, size: Int, settings: SweepSettings) throws -> NetworkSweep {
    var found = NetworkSweep()
    let memo = SearchMemo(buffer: size, psumWidth: settings.psumWidth)
    for strategy in settings.strategies {
      let label = "\(analysis.network.name) \(BufferSizes.label(size)) \(strategy.rawValue)"
      let started = Date()
      var reported = started
      let report: (String) -> Void = { line in
        // Long plans report every few seconds.
        guard Date().timeIntervalSince(reported) >= 5 else { return }
        reported = Date()
        progress("\(label): \(line)")
      }
      let record: SweepRecord
      switch strategy {
      case .layerwiseRowMajor, .layerwiseScan:
        let layerwise: LayerwiseStrategy = strategy == .layerwiseScan ? .scan : .rowMajor
        let plan = try LayerPlanner.plan(
          analysis, buffer: size, strategy: layerwise, psumWidth: settings.psumWidth, memo: memo)
        record = SweepRecord(plan: plan, solver: "per-layer search", milliseconds: milliseconds(since: started))
      case .fusedGreedy:
        let plan = try FusedGreedyPlanner.plan(analysis, buffer: size, psumWidth: settings.psumWidth, memo: memo) {
          done, count in
          report("\(done)/\(count) layers")
        }
        record = SweepRecord(plan: plan, solver: "greedy", milliseconds: milliseconds(since: started))
      case .optimal:
        let candidates = try CandidateEnumerator.candidates(
          analysis, buffer: size, options: settings.candidateOptions, memo: memo
        ) {
          searched, total in report("searched \(searched)/\(total) segments")
        }
        found.problems.append(candidates.problem)
        let searchTime = milliseconds(since: started)
        let optimal = try OptimalPlanner.plan(
          candidates, objective: settings.objective, constraints: try settings.constraints(for: analysis),
          architecture: settings.architecture, solverOptions: settings.solverOptions)
        for warning in optimal.warnings { progress("warning: \(warning)") }
        record = SweepRecord(plan: optimal.plan, solver: optimal.solver, milliseconds: milliseconds(since: started))
        progress(
          "\(label): \(candidates.candidates.count) candidates (\(candidates.fusedCount) fused) in \(searchTime) ms, \(optimal.solver) in \(record.milliseconds - searchTime) ms"
        )
      }
      progress("\(label): \(record.milliseconds) ms")
      found.records.append(record)
    }
    return found
  }
}

/// A planning failure, named by the network and the file it came from.
struct NetworkPlanningError: Error, CustomStringConvertible {
  let network: Network
  let underlying: any Error

  var description: String {
    let file = network.sourceFile.map { "\($0): " } ?? ""
    return "\(file)network \(excerpt(network.name)): \(underlying)"
  }
}

private func milliseconds(since start: Date) -> Int { Int(Date().timeIntervalSince(start) * 1000) }

/// `--max-latency`: a time (s, ms, us) at the architecture's clock, or a number of cycles.
enum LatencyBudget {
  static func parse(_ text: String, clockMHz: Double) throws -> Double {
    let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
    let units: [(suffix: String, cyclesPerUnit: Double)] = [
      ("cycles", 1), ("ms", clockMHz * 1e3), ("us", clockMHz), ("s", clockMHz * 1e6),
    ]
    for unit in units where trimmed.hasSuffix(unit.suffix) {
      let number = trimmed.dropLast(unit.suffix.count).trimmingCharacters(in: .whitespaces)
      if let value = Double(number), value.isFinite, value > 0 { return value * unit.cyclesPerUnit }
    }
    throw ValidationError("--max-latency \(text): expected a positive time with a unit (4ms, 800us, 0.01s) or cycles (2000000cycles)")
  }
}
