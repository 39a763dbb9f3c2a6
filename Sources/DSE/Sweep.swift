import Foundation
import Synchronization

/// Plans networks at several buffer sizes with several strategies, buffer sizes in parallel.
public struct Sweep: Sendable {
  /// What a sweep found for one network: a plan per (buffer size, strategy) in that order, and
  /// the optimizer's candidates at each buffer size where `optimal` ran.
  public struct NetworkResult: Sendable {
    /// The network planned.
    public var network: NetworkAnalysis
    /// Plans by buffer size, then strategy, in the order given.
    public var plans: [Plan] = []
    /// The optimizer's candidates at each buffer size where `optimal` ran.
    package var candidates: [PartitionProblem] = []
    /// What the sweep's DRAM model does with each plan, in the order of `plans`; empty when the
    /// sweep has no DRAM model.
    public var dram: [DRAMPlanReport] = []
    /// Where each plan's time went, in the order of `plans`.
    public var phases: [PlanPhases] = []
  }

  /// Strategies planned at every buffer size, in order.
  public var strategies: [Strategy]
  /// Buffer sizes in entries.
  public var buffers: [Int]
  /// Everything but the buffer size; its `buffer` is replaced by each of `buffers`.
  public var context: PlanContext
  /// (network, buffer size) tasks planned at once.
  public var jobs: Int
  /// A DRAM model every plan is evaluated on (`NetworkResult.dram`), or nil.
  public var dram: DRAMEvaluation?

  /// A sweep of `strategies` at `buffers` entries, `jobs` tasks at a time, each plan evaluated
  /// on `dram` when given.
  public init(strategies: [Strategy], buffers: [Int], context: PlanContext, jobs: Int = 1, dram: DRAMEvaluation? = nil) {
    self.strategies = strategies
    self.buffers = buffers
    self.context = context
    self.jobs = jobs
    self.dram = dram
  }

  /// Plans every network at every buffer size with every strategy. Results come back in a
  /// fixed order (network, buffer size, strategy), whatever finished first, so the output is
  /// the same for any `jobs`. The first failure in that order is thrown. `progress` receives
  /// lines prefixed by network, buffer size and strategy, from any thread.
  public func run(_ networks: [NetworkAnalysis], progress: (@Sendable (String) -> Void)? = nil) throws(DSEError)
    -> [NetworkResult]
  {
    guard !strategies.isEmpty else { throw DSEError(.invalidArgument, field: "strategies", "none given") }
    guard !buffers.isEmpty else { throw DSEError(.invalidArgument, field: "buffers", "none given") }
    guard jobs >= 1 else { throw DSEError(.invalidArgument, field: "jobs", "\(jobs): expected at least 1") }
    for buffer in buffers { try context.with(buffer: buffer).validate() }
    let tasks = networks.indices.flatMap { network in buffers.map { (network: network, buffer: $0) } }
    // Each network's buffer sizes largest first: their single-layer optima that fit a smaller
    // size are its optima too (`LayerOptimaCache`).
    let order = tasks.indices.sorted { a, b in
      let (x, y) = (tasks[a], tasks[b])
      if x.network != y.network { return x.network < y.network }
      if x.buffer != y.buffer { return x.buffer > y.buffer }
      return a < b
    }
    let failed = Mutex(false)
    // The searches of a network share its segments' spatial tilings across buffer sizes; each
    // network's are dropped when its last buffer size is planned. `pending` holds positions in
    // `order` not started yet; `running`, how many tasks of each network are.
    let shared = Mutex(
      (
        caches: [Int: NetworkCaches](), remaining: networks.indices.map { _ in buffers.count },
        pending: Array(order.indices), running: networks.map { _ in 0 }
      ))
    let results = Mutex([Int: Result<[(Planner.Outcome, DRAMPlanReport?)], DSEError>]())
    let strategies = strategies
    let context = context
    let dram = dram
    DispatchQueue.concurrentPerform(iterations: max(1, min(jobs, tasks.count))) { _ in
      while !failed.withLock({ $0 }) {
        // A task of a network no other thread is planning, when there is one: tasks of one
        // network wait for each other's segment enumerations (`SegmentSpatialCache`). Among
        // those, a network already started before a new one, so that few networks' caches are
        // held at a time.
        let picked: (index: Int, cache: NetworkCaches)? = shared.withLock { state in
          let idle = state.pending.filter { state.running[tasks[order[$0]].network] == 0 }
          let started = idle.first { state.caches[tasks[order[$0]].network] != nil }
          guard let position = started ?? idle.first ?? state.pending.first,
            let slot = state.pending.firstIndex(of: position)
          else { return nil }
          state.pending.remove(at: slot)
          let network = tasks[order[position]].network
          state.running[network] += 1
          if let known = state.caches[network] { return (position, known) }
          let made = NetworkCaches(spatial: SegmentSpatialCache(), layers: LayerOptimaCache())
          state.caches[network] = made
          return (position, made)
        }
        guard let (index, cache) = picked else { return }
        let task = tasks[order[index]]
        let outcome = Result { () throws(DSEError) in
          try Self.plan(
            networks[task.network], strategies: strategies, context: context.with(buffer: task.buffer), dram: dram,
            caches: cache, progress: progress)
        }
        shared.withLock { state in
          state.running[task.network] -= 1
          state.remaining[task.network] -= 1
          if state.remaining[task.network] == 0 { state.caches[task.network] = nil }
        }
        if case .failure = outcome { failed.withLock { $0 = true } }
        results.withLock { $0[order[index]] = outcome }
      }
    }
    let finished = results.withLock { $0 }
    var found = networks.map { NetworkResult(network: $0) }
    for index in tasks.indices {
      guard let outcome = finished[index] else { continue }
      for (planned, report) in try outcome.get() {
        found[tasks[index].network].plans.append(planned.plan)
        found[tasks[index].network].phases.append(planned.phases)
        if let candidates = planned.candidates { found[tasks[index].network].candidates.append(candidates) }
        if let report { found[tasks[index].network].dram.append(report) }
      }
    }
    return found
  }

  /// One network at one buffer size, every strategy in turn, sharing one search memo (and
  /// `caches` with the network's other buffer sizes); each plan evaluated on `dram` when given.
  static func plan(
    _ network: NetworkAnalysis, strategies: [Strategy], context: PlanContext, dram: DRAMEvaluation?,
    caches: NetworkCaches, progress: (@Sendable (String) -> Void)?
  ) throws(DSEError) -> [(Planner.Outcome, DRAMPlanReport?)] {
    let memo = SearchMemo(
      buffer: context.buffer, psumWidth: context.psumWidth, spatialCache: caches.spatial, layerOptima: caches.layers)
    var outcomes: [(Planner.Outcome, DRAMPlanReport?)] = []
    for strategy in strategies {
      let label = "\(network.network.name) \(BufferSizes.label(context.buffer)) \(strategy.rawValue)"
      var relay: (@Sendable (String) -> Void)?
      if let progress { relay = { line in progress("\(label): \(line)") } }
      let outcome = try Planner.plan(network, strategy: strategy, context: context, memo: memo, progress: relay)
      for warning in outcome.plan.warnings { relay?("warning: \(warning)") }
      relay?("\(outcome.plan.record.milliseconds) ms")
      var report: DRAMPlanReport?
      if let dram {
        let started = Date()
        report = try outcome.plan.dramReport(dram)
        relay?("DRAM model \(dram.model.device.name): \(Int(Date().timeIntervalSince(started) * 1000)) ms")
      }
      outcomes.append((outcome, report))
    }
    return outcomes
  }
}

/// What the searches of one network share across its buffer sizes in a sweep.
struct NetworkCaches: Sendable {
  var spatial: SegmentSpatialCache
  var layers: LayerOptimaCache
}
