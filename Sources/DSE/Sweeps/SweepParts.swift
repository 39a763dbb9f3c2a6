import Foundation
import Synchronization

/// A sweep's folder: `plan.json`, and `parts/<task>/` with each finished task's files and its
/// manifest (docs/sweeps.md). A part appears whole or not at all: it is written under a hidden
/// temporary name and renamed into place once its manifest is written.
public struct SweepFolder: Sendable {
  /// The folder (`S/`).
  public var root: String

  public init(_ root: String) { self.root = root }

  public var planPath: String { (root as NSString).appendingPathComponent("plan.json") }
  public var partsPath: String { (root as NSString).appendingPathComponent("parts") }

  /// The part folder of `task`.
  public func partPath(_ task: SweepPlan.Task) -> String { (partsPath as NSString).appendingPathComponent(task.name) }

  /// The manifest of `task`'s part, nil when the part is not there (a killed task leaves none).
  public func manifest(_ task: SweepPlan.Task) throws(DSEError) -> PartManifest? {
    let path = (partPath(task) as NSString).appendingPathComponent(PartManifest.fileName)
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    guard let manifest = try? SweepJSON.decoder.decode(PartManifest.self, from: data) else {
      throw DSEError(.invalidInput, file: path, "not a part manifest: remove the part folder and run its shard again")
    }
    return manifest
  }

  /// Writes `plan` as `plan.json` (atomically), creating the folder.
  public func write(_ plan: SweepPlan) throws(DSEError) {
    do {
      try OutputFolder.prepare(root)
      try writeBytesAtomically(plan.encoded(), to: planPath)
    } catch {
      throw DSEError(error)
    }
  }
}

/// What a part records besides its files: which plan and task it is, the dse that made it, and
/// what the merge should warn about.
public struct PartManifest: Hashable, Sendable, Codable {
  /// The name of the manifest in a part folder.
  public static let fileName = "manifest.json"

  /// One file of the part, in the order written.
  public struct Entry: Hashable, Sendable, Codable {
    public var name: String
    /// Goes to the plots folder (an SVG), not the output folder.
    public var plot: Bool
  }

  public var planId: String
  public var task: String
  public var dseVersion: String
  /// The shard that ran it, `I/N`.
  public var shard: String
  /// Plans whose MILP stopped at its time limit (their plans may differ between runs).
  public var timeLimitHits: Int
  public var warnings: [String]
  public var files: [Entry]
}

/// Runs the tasks of a plan's shard, each into its part (docs/sweeps.md).
public struct SweepRunner: Sendable {
  public var plan: SweepPlan
  /// `plan.id`, computed once.
  public var planID: String
  /// (network, buffer size) searches run at once within a design point.
  public var jobs: Int
  /// Per-layer widths within an error budget (`dse sweep --error-table`; not in plan files).
  public var precision: PrecisionBudget?
  /// A DRAM model every plan is evaluated on (`dse sweep --dram`; not in plan files).
  public var dram: DRAMEvaluation?

  public init(plan: SweepPlan, jobs: Int = 1, precision: PrecisionBudget? = nil, dram: DRAMEvaluation? = nil) {
    self.plan = plan
    planID = plan.id
    self.jobs = jobs
    self.precision = precision
    self.dram = dram
  }

  /// The positions in `plan.tasks` of shard `index` of `count`: every task k with k mod count
  /// equal to index.
  public static func tasks(ofShard index: Int, of count: Int, in plan: SweepPlan) -> [Int] {
    plan.tasks.indices.filter { $0 % count == index }
  }

  /// Runs shard `index` of `count` into `folder`: each task without a complete part is planned
  /// (the tasks of one design point together, `jobs` searches at once) and written as its part.
  /// Returns how many tasks ran and how many were already done. A task's failure stops the
  /// shard with the error; the parts written before it stay.
  public func run(
    shard index: Int, of count: Int, folder: SweepFolder, progress: (@Sendable (String) -> Void)? = nil
  ) throws(DSEError) -> (ran: Int, done: Int) {
    guard count >= 1, (0..<count).contains(index) else {
      throw DSEError(.invalidArgument, field: "--shard", "\(index)/\(count): expected I/N with 0 <= I < N")
    }
    do {
      try OutputFolder.prepare(folder.partsPath)
    } catch {
      throw DSEError(error)
    }
    // Parts being written are hidden folders named as temporary files: those of dead processes go.
    OutputFolder.removeStaleTemporaries(in: folder.partsPath)
    var pending: [Int] = []
    var done = 0
    for task in Self.tasks(ofShard: index, of: count, in: plan) {
      if let manifest = try folder.manifest(plan.tasks[task]), manifest.planId == planID {
        done += 1
      } else {
        pending.append(task)
      }
    }
    // The tasks of one point share a context: planned together, as one sweep would. With at
    // least as many points as jobs, points run side by side, one search each; with fewer, one
    // point at a time with `jobs` searches. Each part is written when its point is done, so
    // the outputs do not depend on the order.
    let groups = plan.points.indices.map { point in pending.filter { plan.tasks[$0].point == point } }.filter { !$0.isEmpty }
    let sideBySide = groups.count >= jobs && jobs > 1
    let outcomes = Mutex([Int: DSEError]())
    let next = Mutex(0)
    let shard = "\(index)/\(count)"
    DispatchQueue.concurrentPerform(iterations: sideBySide ? jobs : 1) { _ in
      while outcomes.withLock({ $0.isEmpty }) {
        let position = next.withLock { value -> Int in
          defer { value += 1 }
          return value
        }
        guard position < groups.count else { return }
        do throws(DSEError) {
          try runPoint(groups[position], jobs: sideBySide ? 1 : jobs, shard: shard, folder: folder, progress: progress)
        } catch {
          outcomes.withLock { $0[position] = error }
        }
      }
    }
    // The first failure in plan order; the parts written before it stay.
    if let first = outcomes.withLock({ $0.min { $0.key < $1.key } }) { throw first.value }
    let ran = groups.reduce(0) { $0 + $1.count }
    return (ran, done)
  }

  /// Plans `tasks` (all of one design point) with `jobs` searches at once and writes their parts.
  private func runPoint(
    _ tasks: [Int], jobs: Int, shard: String, folder: SweepFolder, progress: (@Sendable (String) -> Void)?
  ) throws(DSEError) {
    let point = plan.tasks[tasks[0]].point
    var context = try plan.context(ofPoint: point)
    context.precision = precision
    var analyses: [NetworkAnalysis] = []
    for task in tasks { analyses.append(try plan.analysis(ofNetwork: plan.tasks[task].network, point: point)) }
    let sweep = Sweep(strategies: plan.strategies, buffers: plan.buffers, context: context, jobs: jobs, dram: dram)
    let label = plan.points.count > 1 ? "point \(plan.points[point].id): " : ""
    var relay: (@Sendable (String) -> Void)?
    if let progress { relay = { line in progress(label + line) } }
    let results = try sweep.run(analyses, progress: relay)
    for (task, result) in zip(tasks, results) {
      try writePart(plan.tasks[task], result: result, context: context, shard: shard, folder: folder)
    }
  }

  /// Writes a task's files and manifest under a hidden name, then renames the folder into place.
  private func writePart(
    _ task: SweepPlan.Task, result: Sweep.NetworkResult, context: PlanContext, shard: String, folder: SweepFolder
  ) throws(DSEError) {
    let files = SweepFiles.render(result, plan: plan, point: task.point, context: context)
    let warnings = result.plans.flatMap(\.warnings)
    let manifest = PartManifest(
      planId: planID, task: task.name, dseVersion: Engine.version, shard: shard,
      timeLimitHits: warnings.filter { $0.contains("time limit") }.count, warnings: warnings,
      files: files.map { PartManifest.Entry(name: $0.name, plot: $0.isPlot) })
    let final = folder.partPath(task)
    let temporary = (folder.partsPath as NSString).appendingPathComponent(
      ".\(task.name).\(ProcessInfo.processInfo.processIdentifier).tmp")
    try? FileManager.default.removeItem(atPath: temporary)
    do {
      guard mkdir(temporary, 0o755) == 0 else {
        throw NetworkError("cannot create the part folder: \(fileSystemReason(errno))", location: FileLocation(file: temporary))
      }
      for file in files {
        try writeTextAtomically(file.text, to: (temporary as NSString).appendingPathComponent(file.name))
      }
      try writeBytesAtomically(
        SweepJSON.encoded(manifest), to: (temporary as NSString).appendingPathComponent(PartManifest.fileName))
    } catch {
      try? FileManager.default.removeItem(atPath: temporary)
      throw DSEError(error)
    }
    // An old part of another plan (or version) is replaced; a complete one of this plan that
    // another run finished meanwhile is kept.
    if let existing = try? folder.manifest(task), existing.planId != planID {
      try? FileManager.default.removeItem(atPath: final)
    }
    if rename(temporary, final) != 0 {
      let reason = errno
      try? FileManager.default.removeItem(atPath: temporary)
      guard reason == ENOTEMPTY || reason == EEXIST else {
        throw DSEError(.invalidInput, file: final, "cannot move the part into place: \(fileSystemReason(reason))")
      }
    }
  }
}
