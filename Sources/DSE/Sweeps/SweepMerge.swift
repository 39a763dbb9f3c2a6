import Foundation

/// Joins a sweep's parts into its final files, in plan order (docs/sweeps.md): per network, its
/// summary, segments and candidates CSVs with the rows of every design point in turn, one
/// `sweep.csv` with every summary row (network by network), and each part's DOT files and plots. Nothing is written unless every
/// task has a complete part of this plan; every file is written atomically.
public struct SweepMerge: Sendable {
  public var plan: SweepPlan
  public var planID: String
  public var folder: SweepFolder

  public init(plan: SweepPlan, folder: SweepFolder) {
    self.plan = plan
    planID = plan.id
    self.folder = folder
  }

  /// The positions of the tasks whose part is missing, or made from another plan or version.
  public func missingTasks() throws(DSEError) -> [Int] {
    var missing: [Int] = []
    for (index, task) in plan.tasks.enumerated() {
      guard let manifest = try folder.manifest(task), manifest.planId == planID, manifest.dseVersion == Engine.version
      else {
        missing.append(index)
        continue
      }
    }
    return missing
  }

  /// The shards (of `count`) that hold `tasks`, ascending and each once.
  public static func shards(of tasks: [Int], count: Int) -> [Int] {
    Array(Set(tasks.map { $0 % count })).sorted()
  }

  /// `shards` as `sbatch --array=` takes them: `0,3-5,7`.
  public static func arrayList(_ shards: [Int]) -> String {
    var ranges: [(Int, Int)] = []
    for shard in shards {
      if let last = ranges.last, last.1 + 1 == shard { ranges[ranges.count - 1].1 = shard } else { ranges.append((shard, shard)) }
    }
    return ranges.map { $0.0 == $0.1 ? "\($0.0)" : "\($0.0)-\($0.1)" }.joined(separator: ",")
  }

  /// What the merge warns about: the parts' own warnings and MILPs stopped at their time limit,
  /// each line naming its task.
  public func warnings() throws(DSEError) -> [String] {
    var lines: [String] = []
    for task in plan.tasks {
      guard let manifest = try folder.manifest(task) else { continue }
      if manifest.timeLimitHits > 0 {
        lines.append(
          "\(task.name): \(manifest.timeLimitHits) MILP(s) stopped at the time limit: this part may differ from another run's")
      }
      lines += manifest.warnings.map { "\(task.name): \($0)" }
    }
    return lines
  }

  /// Writes the merged files into `out` (CSV and DOT) and `plots` (SVG); returns their paths in
  /// the order written. Every task must have its part (`missingTasks()` empty).
  public func write(out: String, plots: String) throws(DSEError) -> [String] {
    let missing = try missingTasks()
    guard missing.isEmpty else {
      throw DSEError(
        .invalidInput, file: folder.partsPath,
        "\(missing.count) of \(plan.tasks.count) tasks have no complete part of this plan (first: \(plan.tasks[missing[0]].name))")
    }
    var written: [String] = []
    do {
      for target in [out, plots] { try OutputFolder.prepare(target) }
      func save(_ text: String, in target: String, _ name: String) throws(NetworkError) {
        let path = (target as NSString).appendingPathComponent(name)
        try writeTextAtomically(text, to: path)
        written.append(path)
      }
      var sweepRows: [Substring] = []
      var sweepHeader: Substring?
      for network in plan.networks.indices {
        let tasks = plan.tasks.filter { $0.network == network }
        let stem = plan.networks[network].stem
        for suffix in SweepFiles.tableSuffixes {
          var header: Substring?
          var rows: [Substring] = []
          for task in tasks {
            guard let text = try read(task, "\(stem)\(suffix)") else { continue }
            let records = CSV.records(text)
            guard let first = records.first else { continue }
            if let header, header != first {
              throw NetworkError(
                "its columns differ from the other parts' (\(stem)\(suffix)): run its shard again",
                location: FileLocation(file: folder.partPath(task)))
            }
            header = first
            rows += records.dropFirst()
          }
          guard let header else { continue }
          try save(([header] + rows).joined(separator: "\n") + "\n", in: out, "\(stem)\(suffix)")
          if suffix == ".csv" {
            sweepHeader = sweepHeader ?? header
            sweepRows += rows
          }
        }
        for task in tasks {
          guard let manifest = try folder.manifest(task) else { continue }
          for entry in manifest.files where !SweepFiles.tableSuffixes.contains(where: { entry.name == "\(stem)\($0)" }) {
            guard let text = try read(task, entry.name) else {
              throw NetworkError(
                "the part lists \(entry.name) but does not hold it: run its shard again",
                location: FileLocation(file: folder.partPath(task)))
            }
            try save(text, in: entry.plot ? plots : out, entry.name)
          }
        }
      }
      if let sweepHeader {
        try save(([sweepHeader] + sweepRows).joined(separator: "\n") + "\n", in: out, "sweep.csv")
      }
    } catch {
      throw DSEError(error)
    }
    return written
  }

  private func read(_ task: SweepPlan.Task, _ name: String) throws(NetworkError) -> String? {
    let path = (folder.partPath(task) as NSString).appendingPathComponent(name)
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    return String(decoding: data, as: UTF8.self)
  }
}
