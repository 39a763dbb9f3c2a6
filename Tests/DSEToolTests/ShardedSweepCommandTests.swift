import Foundation
import Testing

/// `dse plan-sweep`, `dse sweep --plan --shard` and `dse merge` (docs/sweeps.md): a sweep cut into
/// shards and merged writes what one `dse sweep` writes, byte for byte; parts appear whole or
/// not at all; a rerun skips what is done; a missing part is named with its shard.
@Suite struct ShardedSweepCommandTests {
  /// Two networks, two buffer sizes and two design points (the DRAM energy per byte, which every
  /// energy column and the optimizer's objective read).
  static let space = [
    "nets/squeezenet1_1.yaml", "nets/vgg16-cifar10.yaml", "--buffers", "32K,128K", "--strategy", "optimal",
    "--grid", "dram.pj_per_byte=100,243.75", "--no-timing",
  ]

  /// Every file under `folder` (relative path) and its contents.
  static func tree(_ folder: URL) throws -> [String: Data] {
    var found: [String: Data] = [:]
    let enumerator = FileManager.default.enumerator(atPath: folder.path)
    while let relative = enumerator?.nextObject() as? String {
      var isFolder: ObjCBool = false
      let path = folder.appendingPathComponent(relative).path
      if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue {
        found[relative] = FileManager.default.contents(atPath: path)
      }
    }
    return found
  }

  @Test func shardsMergeToTheOneMachineSweep() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let sweep = directory.appendingPathComponent("S").path
    let planned = try dse(["plan-sweep"] + Self.space + ["--out", sweep])
    #expect(planned.status == 0, "\(planned.standardError)")
    #expect(planned.standardOutput.contains("4 tasks (2 design points x 2 networks)"), "\(planned.standardOutput)")
    let plan = "\(sweep)/plan.json"
    for shard in 0..<3 {
      let ran = try dse("sweep", "--plan", plan, "--shard", "\(shard)/3", "--jobs", "2")
      #expect(ran.status == 0, "\(ran.standardError)")
    }
    // A task killed while writing leaves a hidden folder, which is not a part.
    try FileManager.default.createDirectory(atPath: "\(sweep)/parts/.dead-task.999999.tmp", withIntermediateDirectories: true)
    let merged = try dse("merge", sweep, "--out", "\(sweep)/merged", "--plots", "\(sweep)/merged/plots")
    #expect(merged.status == 0, "\(merged.standardError)")
    let one = directory.appendingPathComponent("one")
    let single = try dse(["sweep"] + Self.space + ["--out", one.path, "--plots", one.appendingPathComponent("plots").path])
    #expect(single.status == 0, "\(single.standardError)")
    let mergedTree = try Self.tree(URL(fileURLWithPath: "\(sweep)/merged"))
    let oneTree = try Self.tree(one)
    #expect(mergedTree.keys.sorted() == oneTree.keys.sorted())
    for (name, contents) in oneTree { #expect(mergedTree[name] == contents, "\(name)") }
    #expect(oneTree.keys.contains("sweep.csv") && oneTree.count > 10)
    // Every row carries its point; the two points' energies differ.
    let summary = String(decoding: oneTree["squeezenet1_1.csv"] ?? Data(), as: UTF8.self)
    #expect(summary.hasPrefix("point,dram.pj_per_byte,network,buffer_entries"), "\(summary.prefix(80))")
    #expect(summary.split(separator: "\n").count == 1 + 2 * 2 * 2)

    // A part removed: the merge names it and its shard, and exits 2; the list for sbatch.
    let parts = try FileManager.default.contentsOfDirectory(atPath: "\(sweep)/parts").filter { !$0.hasPrefix(".") }.sorted()
    #expect(parts.count == 4)
    let planText = try String(contentsOfFile: plan, encoding: .utf8)
    let tasks = planText.components(separatedBy: "\"name\" : \"").dropFirst().map { $0.prefix { $0 != "\"" } }
    let removed = String(tasks[2])
    try FileManager.default.removeItem(atPath: "\(sweep)/parts/\(removed)")
    let missing = try dse("merge", sweep)
    #expect(missing.status == 2)
    #expect(missing.standardError.contains("1 of 4 tasks have no complete part in shards 2 of 3: \(removed)"), "\(missing.standardError)")
    let list = try dse("merge", sweep, "--missing-shards")
    #expect(list.status == 0 && list.standardOutput == "2\n", "\(list.standardOutput)")
    // The rerun plans only what is missing.
    let rerun = try dse("sweep", "--plan", plan, "--shard", "2/3")
    #expect(rerun.standardError.contains("1 tasks planned, 0 already done"), "\(rerun.standardError)")
    let again = try dse("sweep", "--plan", plan, "--shard", "0/3")
    #expect(again.standardError.contains("0 tasks planned, 2 already done"), "\(again.standardError)")
    #expect(!FileManager.default.fileExists(atPath: "\(sweep)/parts/.dead-task.999999.tmp"))
    #expect(try dse("merge", sweep, "--missing-shards").standardOutput == "\n")
  }

  /// A plan is refused when an input changed since it was made, or when it is not a plan; a
  /// dry run counts the tasks; a plan carries no network of its own on the command line.
  @Test func plansAreChecked() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let network = directory.appendingPathComponent("net.yaml")
    try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("nets/squeezenet1_1.yaml"), to: network)
    let sweep = directory.appendingPathComponent("S").path
    #expect(try dse("plan-sweep", network.path, "--buffers", "64K", "--out", sweep).status == 0)
    let dry = try dse("sweep", "--plan", "\(sweep)/plan.json", "--dry-run")
    #expect(dry.status == 0 && dry.standardOutput.hasPrefix("1 tasks (1 design points x 1 networks)"), "\(dry.standardOutput)")
    try Data("# edited\n".utf8).write(to: network, options: .atomic)
    let changed = try dse("sweep", "--plan", "\(sweep)/plan.json", "--shard", "0/1")
    #expect(changed.status != 0)
    #expect(changed.standardError.contains("net.yaml: the file changed since the sweep was planned"), "\(changed.standardError)")
    let both = try dse("sweep", "--plan", "\(sweep)/plan.json", network.path)
    #expect(both.status == 64 && both.standardError.contains("give them to dse plan-sweep"), "\(both.standardError)")
    let notPlan = try writeFile("{\"networks\": 3}", named: "plan.json", in: directory)
    let refused = try dse("sweep", "--plan", notPlan)
    #expect(refused.status != 0 && refused.standardError.contains("not a sweep plan"), "\(refused.standardError)")
    // Two architecture files with the same contents are one design point, given twice.
    let first = directory.appendingPathComponent("a.yaml")
    let second = directory.appendingPathComponent("b.yaml")
    for copy in [first, second] { try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("arch/default.yaml"), to: copy) }
    let twice = try dse("plan-sweep", "nets/squeezenet1_1.yaml", "--arch", first.path, "--arch", second.path, "--out", sweep)
    #expect(twice.status != 0 && twice.standardError.contains("two architecture files hold the same contents"), "\(twice.standardError)")
    let badKey = try dse("plan-sweep", network.path, "--grid", "mac.speed=1,2", "--out", sweep)
    #expect(badKey.status != 0 && badKey.standardError.contains("accepted keys: bits, buffer.model"), "\(badKey.standardError)")
  }
}
