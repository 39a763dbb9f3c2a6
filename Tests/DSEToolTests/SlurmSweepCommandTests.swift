import Foundation
import TestSupport
import Testing

/// `dse slurm` on a real Slurm started on this machine (`scripts/slurm-local`, Debian's Slurm
/// 22.05, root, loopback): a sweep of 2 networks x 2 buffer sizes x 2 design points in 3 shards,
/// one of them made to fail once, is resubmitted alone and merged into what one `dse sweep`
/// writes; a merge missing a part names its shard; `--no-wait` merges in a job after the array; a
/// task cancelled while it runs leaves no part.
/// Where Slurm cannot start (not installed, not root), the test says so and checks nothing.
@Suite(.serialized) struct SlurmSweepCommandTests {
  @Test func slurmRetriesTheFailedShardAndMerges() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let started = try runChild(URL(fileURLWithPath: "/bin/bash"), [packageRoot.appendingPathComponent("scripts/slurm-local").path, "start"])
    guard started.status == 0, let conf = started.output.split(separator: "=").last.map({ String($0).trimmingCharacters(in: .whitespacesAndNewlines) })
    else {
      print("⚠︎ SlurmSweepCommandTests: Slurm did not start here, so dse slurm is NOT tested (exit \(started.status)): \(started.errors.suffix(300))")
      return
    }
    defer { _ = try? runChild(URL(fileURLWithPath: "/bin/bash"), [packageRoot.appendingPathComponent("scripts/slurm-local").path, "stop", conf]) }
    let environment = ["SLURM_CONF": conf]
    func run(_ arguments: [String]) throws -> CommandResult {
      let result = try runChild(try dseExecutable(), arguments, environment: environment, in: packageRoot)
      return CommandResult(status: result.status, standardOutput: result.output, standardError: result.errors)
    }

    let sweep = directory.appendingPathComponent("S").path
    #expect(try run(["plan-sweep"] + ShardedSweepCommandTests.space + ["--out", sweep]).status == 0)
    // Shard 1 fails the first time it runs, on purpose.
    let marker = directory.appendingPathComponent("failed-once").path
    let launcher = try writeFile(
      """
      #!/bin/bash
      if [ "$SLURM_ARRAY_TASK_ID" = 1 ] && [ ! -e '\(marker)' ]; then touch '\(marker)'; echo 'failing once on purpose' >&2; exit 1; fi
      exec "$@"

      """, named: "fail-once.sh", in: directory)
    chmod(launcher, 0o755)
    let slurm = try run(["slurm", sweep, "--shards", "3", "--launcher", launcher, "--retries", "2"])
    #expect(slurm.status == 0, "\(slurm.standardError)")
    #expect(slurm.standardError.contains("submitting shards 0-2"), "\(slurm.standardError)")
    #expect(slurm.standardError.contains("resubmitting shards 1 (retry 1 of 2)"), "\(slurm.standardError)")
    #expect(!slurm.standardError.contains("retry 2 of 2"), "\(slurm.standardError)")
    // One log per submission of a shard: shard 1 ran twice, the others once.
    let logs = try FileManager.default.contentsOfDirectory(atPath: "\(sweep)/slurm/logs")
    for (shard, runs) in [(0, 1), (1, 2), (2, 1)] {
      #expect(logs.filter { $0.hasPrefix("shard-\(shard)-") }.count == runs, "\(logs)")
    }
    let one = directory.appendingPathComponent("one")
    #expect(try dse(["sweep"] + ShardedSweepCommandTests.space + ["--out", one.path, "--plots", one.appendingPathComponent("plots").path]).status == 0)
    let merged = try ShardedSweepCommandTests.tree(URL(fileURLWithPath: "\(sweep)/results"))
    let reference = try ShardedSweepCommandTests.tree(one)
    #expect(merged.keys.sorted() == reference.keys.sorted())
    for (name, contents) in reference { #expect(merged[name] == contents, "\(name)") }

    // A part removed: the merge names its shard of the 3 the parts record, and exits 2.
    let parts = try FileManager.default.contentsOfDirectory(atPath: "\(sweep)/parts").filter { !$0.hasPrefix(".") }.sorted()
    try FileManager.default.removeItem(atPath: "\(sweep)/parts/\(parts[0])")
    let missing = try run(["merge", sweep])
    #expect(missing.status == 2 && missing.standardError.contains("of 3: \(parts[0])"), "\(missing.standardError)")

    // --no-wait: the array and a merge job after it; the same tree once both have run.
    try FileManager.default.removeItem(atPath: "\(sweep)/parts")
    try FileManager.default.removeItem(atPath: "\(sweep)/results")
    let submittedBoth = try run(["slurm", sweep, "--shards", "2", "--no-wait"])
    #expect(submittedBoth.status == 0, "\(submittedBoth.standardError)")
    let jobs = submittedBoth.standardOutput.split(separator: "\n").first?.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .punctuationCharacters)) } ?? []
    #expect(jobs.count == 2, "\(submittedBoth.standardOutput)")
    var finished = false
    for _ in 0..<600 where !finished {
      Thread.sleep(forTimeInterval: 0.1)
      let queue = try runChild(URL(fileURLWithPath: "/usr/bin/env"), ["squeue", "-h", "-o", "%i"], environment: environment)
      finished = queue.status == 0 && queue.output.isEmpty
    }
    #expect(finished, "the array and its merge job did not end within a minute")
    let mergedLater = try ShardedSweepCommandTests.tree(URL(fileURLWithPath: "\(sweep)/results"))
    #expect(mergedLater.keys.sorted() == reference.keys.sorted())
    for (name, contents) in reference { #expect(mergedLater[name] == contents, "\(name)") }

    // A task cancelled while it plans leaves no part, and the next run of its shard finishes it.
    let slow = directory.appendingPathComponent("slow").path
    #expect(try run(["plan-sweep", "nets/vgg16.yaml", "--buffers", "16K..256K", "--strategy", "all", "--out", slow]).status == 0)
    #expect(try run(["slurm", slow, "--shards", "1", "--dry-run"]).status == 0)
    let submitted = try runChild(URL(fileURLWithPath: "/usr/bin/env"), ["sbatch", "--parsable", "\(slow)/slurm/sweep.sbatch"], environment: environment)
    let job = submitted.output.trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(submitted.status == 0 && !job.isEmpty, "\(submitted.errors)")
    // Planning has begun once the log shows a plan's progress line.
    var planning = false
    for _ in 0..<300 where !planning {
      Thread.sleep(forTimeInterval: 0.1)
      let texts = (try? FileManager.default.contentsOfDirectory(atPath: "\(slow)/slurm/logs")) ?? []
      planning = texts.contains { (try? String(contentsOfFile: "\(slow)/slurm/logs/\($0)", encoding: .utf8))?.contains("vgg16 256K") ?? false }
    }
    #expect(planning, "the job never started planning")
    _ = try runChild(URL(fileURLWithPath: "/usr/bin/env"), ["scancel", job], environment: environment)
    var gone = false
    for _ in 0..<150 where !gone {
      Thread.sleep(forTimeInterval: 0.1)
      gone = (try runChild(URL(fileURLWithPath: "/usr/bin/env"), ["squeue", "-h", "-j", job], environment: environment)).output.isEmpty
    }
    #expect(gone)
    let visible = ((try? FileManager.default.contentsOfDirectory(atPath: "\(slow)/parts")) ?? []).filter { !$0.hasPrefix(".") }
    #expect(visible.isEmpty, "a cancelled task left \(visible)")
  }
}
