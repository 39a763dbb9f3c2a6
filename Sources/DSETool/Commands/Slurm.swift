import ArgumentParser
import DSE
import Foundation

extension DSECommand {
  struct Slurm: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Run a sweep plan's shards as a Slurm job array, resubmit the failed ones, then merge.",
      discussion: """
        Writes S/slurm/sweep.sbatch: a job array of --shards tasks (at most --max-running at once), each \
        running dse sweep --plan S/plan.json --shard I/N with absolute paths, --requeue (Slurm requeues a \
        task whose node fails or is preempted), and a log per task and submission, \
        S/slurm/logs/shard-I-JOB.out. The shard count is written into the command: a resubmitted single \
        index sees SLURM_ARRAY_TASK_COUNT=1.

        Then submits it with sbatch --parsable --wait and, while it runs, prints how many shards are \
        done and pending. Slurm does not retry a task that exits non-zero: after each round, the shards \
        with tasks still missing are resubmitted alone (--array=LIST), up to --retries times; complete \
        parts are never redone. Then merges into S/results (dse merge). Exits 2 when shards are still \
        missing after the retries, naming them.

        --dry-run writes the script only (edit it for your site and submit it with sbatch yourself); \
        --no-wait submits the array and a merge job that runs after it (--dependency=afterany), and \
        returns (no retries: resubmit with --array=$(dse merge S --missing-shards)). --launcher puts a \
        command before dse in the script (a container: 'apptainer exec dse.sif').

        Examples:
          dse slurm sweep1 --shards 16
          dse slurm sweep1 --shards 64 --max-running 16 --cpus-per-task 2 --partition short --time 30:00
          dse slurm sweep1 --shards 16 --dry-run
          dse slurm sweep1 --shards 16 --no-wait --account proj42 --sbatch-option '--mem=4G'
        """)

    @Argument(help: "The sweep folder (dse plan-sweep --out S).")
    var folder: String

    @Option(help: "Array tasks: each runs the plan's tasks k with k mod N = its index.")
    var shards: Int

    @Option(help: "Most array tasks running at once (default: no limit).")
    var maxRunning: Int?

    @Option(help: "CPUs per array task; dse plans that many buffer sizes at once.")
    var cpusPerTask: Int = 1

    @Option(help: "Times the shards with missing tasks are resubmitted.")
    var retries: Int = 2

    @Option(help: "Slurm partition (sbatch --partition).")
    var partition: String?

    @Option(help: "Slurm account (sbatch --account).")
    var account: String?

    @Option(help: "Time limit per array task (sbatch --time, e.g. 30:00 or 1-00:00:00).")
    var time: String?

    @Option(help: "Another sbatch option for the script, as one argument (repeatable): --sbatch-option '--mem=4G'.")
    var sbatchOption: [String] = []

    @Option(help: "A command to run dse with, before it in the script (e.g. 'apptainer exec dse.sif').")
    var launcher: String?

    @Flag(help: "Write S/slurm/sweep.sbatch and submit nothing.")
    var dryRun = false

    @Flag(help: "Submit the array and a merge job after it, and return.")
    var noWait = false

    func validate() throws {
      guard shards >= 1 else { throw ValidationError("--shards \(shards): expected at least 1") }
      if let maxRunning, maxRunning < 1 { throw ValidationError("--max-running \(maxRunning): expected at least 1") }
      guard cpusPerTask >= 1 else { throw ValidationError("--cpus-per-task \(cpusPerTask): expected at least 1") }
      guard retries >= 0 else { throw ValidationError("--retries \(retries): expected 0 or more") }
      for text in [partition, account, time, launcher].compactMap({ $0 }) + sbatchOption
      where text.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\0" }) {
        throw ValidationError("\(excerpt(text)): options for the script must be on one line")
      }
      for option in sbatchOption where !option.hasPrefix("-") {
        throw ValidationError("--sbatch-option \(excerpt(option)): expected an sbatch option such as --mem=4G")
      }
      if dryRun && noWait { throw ValidationError("--dry-run writes the script only; --no-wait submits it: give one") }
    }

    func run() throws {
      let root = absolute(folder)
      let sweep = SweepFolder(root)
      let plan = try SweepPlan.read(path: sweep.planPath)
      let slurmFolder = (root as NSString).appendingPathComponent("slurm")
      let logs = (slurmFolder as NSString).appendingPathComponent("logs")
      try OutputFolder.prepare(logs)
      let script = (slurmFolder as NSString).appendingPathComponent("sweep.sbatch")
      try writeTextAtomically(self.script(plan: plan, root: root, logs: logs), to: script)
      progress("wrote \(script): \(shards) shards of \(plan.tasks.count) tasks")
      if dryRun { return }
      if noWait { return try submitWithMerge(script: script, root: root, logs: logs) }
      var round = 0
      // Shards whose tasks all have parts (an earlier run's) are not submitted again.
      var pending = SweepMerge.shards(of: try SweepMerge(plan: plan, folder: sweep).missingTasks(), count: shards)
      while !pending.isEmpty {
        let array = SweepMerge.arrayList(pending) + (maxRunning.map { "%\($0)" } ?? "")
        progress(round == 0 ? "submitting shards \(SweepMerge.arrayList(pending))" : "resubmitting shards \(SweepMerge.arrayList(pending)) (retry \(round) of \(retries))")
        let status = try submitAndWatch(script: script, array: array, plan: plan, sweep: sweep, shards: pending)
        let missing = SweepMerge.shards(of: try SweepMerge(plan: plan, folder: sweep).missingTasks(), count: shards)
        progress(
          "round \(round + 1): \(status.map { "sbatch exit \($0)" } ?? "every task ended"); shards done \(shards - missing.count), failed \(missing.count)")
        guard !missing.isEmpty else { break }
        guard round < retries else {
          progress(
            "Error: shards \(SweepMerge.arrayList(missing)) of \(shards) still have missing tasks after \(retries) retries; their logs are in \(logs); rerun dse slurm \(folder) --shards \(shards) to resubmit them")
          throw ExitCode(2)
        }
        round += 1
        pending = missing
      }
      let merge = SweepMerge(plan: plan, folder: sweep)
      for warning in try merge.warnings() { progress("warning: \(warning)") }
      let out = (root as NSString).appendingPathComponent("results")
      let written = try merge.write(out: out, plots: (out as NSString).appendingPathComponent("plots"))
      progress("merged \(plan.tasks.count) tasks: \(written.count) files in \(out)")
    }

    /// The job-array script: every path absolute, the shard count written in.
    func script(plan: SweepPlan, root: String, logs: String) -> String {
      var lines = [
        "#!/bin/bash",
        "# Written by dse slurm for the plan \(plan.id.prefix(12)) in \(root); edit freely, submit with sbatch.",
        "#SBATCH --job-name=dse-\(plan.id.prefix(8))",
        "#SBATCH --array=0-\(shards - 1)\(maxRunning.map { "%\($0)" } ?? "")",
        "#SBATCH --cpus-per-task=\(cpusPerTask)",
        "#SBATCH --output=\(logs)/shard-%a-%A.out",
        "#SBATCH --requeue",
      ]
      if let partition { lines.append("#SBATCH --partition=\(partition)") }
      if let account { lines.append("#SBATCH --account=\(account)") }
      if let time { lines.append("#SBATCH --time=\(time)") }
      lines += sbatchOption.map { "#SBATCH \($0)" }
      let command = [launcher, shellQuoted(Self.executable)].compactMap { $0 }.joined(separator: " ")
      lines += [
        "set -euo pipefail",
        "# The shard count is given here: a resubmitted single index sees SLURM_ARRAY_TASK_COUNT=1.",
        "exec \(command) sweep --plan \(shellQuoted((root as NSString).appendingPathComponent("plan.json"))) --shard \"${SLURM_ARRAY_TASK_ID}/\(shards)\" --jobs \"${SLURM_CPUS_PER_TASK:-\(cpusPerTask)}\"",
      ]
      return lines.joined(separator: "\n") + "\n"
    }

    /// Submits the array (`--array` overrides the script's) with --wait, printing the shards done
    /// and pending every two seconds. sbatch --wait polls the job at growing intervals (here up to
    /// 20 s after the last task ended), so the job is also watched with squeue, and the wait ends
    /// when no task of it is left. Returns sbatch's exit status (the highest of its tasks'), or
    /// nil when the wait was ended that way.
    private func submitAndWatch(script: String, array: String, plan: SweepPlan, sweep: SweepFolder, shards watched: [Int])
      throws -> Int32?
    {
      // sbatch --parsable prints the job id as soon as the array is submitted.
      let jobOutput = Pipe()
      let process = try launch("sbatch", ["--parsable", "--wait", "--array=\(array)", script], output: jobOutput)
      var job: String?
      var last = ""
      while process.isRunning {
        Thread.sleep(forTimeInterval: 2)
        if job == nil, process.isRunning {
          let text = String(decoding: jobOutput.fileHandleForReading.availableData, as: UTF8.self)
          job = text.split(whereSeparator: \.isNewline).first.map { String($0.split(separator: ";")[0]) }
          if let job { progress("array job \(job) submitted") }
        }
        if let missing = try? SweepMerge(plan: plan, folder: sweep).missingTasks() {
          let open = Set(SweepMerge.shards(of: missing, count: shards))
          let done = watched.filter { !open.contains($0) }.count
          let line = "shards done \(done) / pending \(watched.count - done) of this round"
          if line != last { progress(line) }
          last = line
        }
        if let job, process.isRunning, let queued = try? capture("squeue", ["-h", "-j", job, "-o", "%i"]), queued.isEmpty {
          process.terminate()
          process.waitUntilExit()
          return nil
        }
      }
      return process.terminationStatus
    }

    /// `--no-wait`: the array, then a merge job after it whatever its outcome.
    private func submitWithMerge(script: String, root: String, logs: String) throws {
      let array = try capture("sbatch", ["--parsable", script])
      let job = array.split(separator: ";").first.map(String.init) ?? array
      let merge = try capture(
        "sbatch",
        [
          "--parsable", "--dependency=afterany:\(job)", "--job-name=dse-merge", "--output=\(logs)/merge-%j.out",
          "--wrap=\(shellQuoted(Self.executable)) merge \(shellQuoted(root))",
        ])
      print("array job \(job), merge job \(merge) after it; watch with squeue -j \(job),\(merge)")
      print("then: dse merge \(folder) --missing-shards --shards \(shards) lists what to resubmit (sbatch --array=LIST \(script))")
    }

    /// This dse's absolute path, for the script.
    static var executable: String {
      (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
  }
}

/// `path` made absolute against the working folder.
private func absolute(_ path: String) -> String {
  path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
}

/// `text` as one shell word.
private func shellQuoted(_ text: String) -> String {
  text.allSatisfy({ $0.isLetter || $0.isNumber || "/._-+=:,@".contains($0) })
    ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
}

/// Starts `command` (looked up on PATH) with `arguments`, its standard output into `output`.
private func launch(_ command: String, _ arguments: [String], output: Pipe) throws -> Process {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = [command] + arguments
  process.standardOutput = output
  do {
    try process.run()
  } catch {
    throw ValidationError("cannot run \(command): \(error.localizedDescription) (is Slurm installed and on PATH?)")
  }
  return process
}

/// Runs `command` and returns its standard output, trimmed; a non-zero exit is an error.
private func capture(_ command: String, _ arguments: [String]) throws -> String {
  let pipe = Pipe()
  let process = try launch(command, arguments, output: pipe)
  let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
  process.waitUntilExit()
  guard process.terminationStatus == 0 else {
    throw ValidationError("\(command) \(arguments.first ?? "") failed with exit status \(process.terminationStatus)")
  }
  return output.trimmingCharacters(in: .whitespacesAndNewlines)
}
