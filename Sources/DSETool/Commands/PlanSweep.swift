import ArgumentParser
import DSE
import Foundation

extension DSECommand {
  struct PlanSweep: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "plan-sweep",
      abstract: "Write a sweep plan (S/plan.json): its design points and tasks, for shards to run anywhere.",
      discussion: """
        A design point is an architecture (each --arch file, or the default) with one value of every --grid \
        axis; a task is one design point and one network, at every buffer size and strategy. Shards run \
        tasks with dse sweep --plan S/plan.json --shard I/N (tasks k with k mod N = I), each into its own \
        part folder, S/parts/<point>-<network>/, skipping parts already complete; dse merge S/ joins them \
        into the CSVs, DOT files and plots a one-machine sweep writes (byte for byte with --no-timing). \
        dse slurm S/ runs the shards as a Slurm job array. docs/sweeps.md has the details.

        The plan records every input file by its absolute path and SHA-256, the dse version and every \
        option; its id is the SHA-256 of the file. A shard refuses a plan of another dse version, and an \
        input file that changed since.

        Grid keys: \(DesignGrid.keys.joined(separator: ", ")) (mac.array takes ROWSxCOLS; bits sets every \
        layer's weight and activation width). With more than one design point, every CSV row starts with the \
        point's id and its settings, and DOT files and plots carry the point id in their names.

        --error-table and --dram are not carried by plan files yet: sweep without a plan for them.

        Examples:
          dse plan-sweep nets/mobilenetv2.yaml nets/resnet50-cp.yaml --buffers 16K..256K --out sweep1
          dse plan-sweep nets/*.yaml --grid mac.array=16x16,32x32 dram.bandwidth_bytes_per_cycle=8,16 --out s2
          dse plan-sweep nets/vgg16.yaml --arch arch/default.yaml --arch my.yaml --grid bits=8,16 --no-timing --out s3
        """)

    @OptionGroup var space: SweepSpaceOptions

    @Option(help: "The sweep folder: S/plan.json is written there, and the shards' parts under S/parts/.")
    var out: String

    func run() throws {
      let plan = try space.plan(absolutePaths: true)
      // Every point's architecture is built now, so that a bad grid value is reported here.
      for point in plan.points.indices { _ = try plan.context(ofPoint: point) }
      let folder = SweepFolder(out)
      try folder.write(plan)
      print("\(folder.planPath): plan \(plan.id.prefix(12)), \(plan.tasks.count) tasks (\(plan.points.count) design points x \(plan.networks.count) networks), \(plan.buffers.count) buffer sizes, \(plan.strategies.map(\.rawValue).joined(separator: ", "))")
      print("run: dse sweep --plan \(folder.planPath) --shard I/N (each I from 0 to N-1), then dse merge \(out)")
    }
  }

  struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Join a sweep's parts (dse sweep --plan ... --shard I/N) into its CSVs, DOT files and plots.",
      discussion: """
        Checks that every task of S/plan.json has a complete part made from this plan by this dse version, \
        then writes, in plan order: per network its summary, segments and candidates CSVs (the rows of every \
        design point), sweep.csv (every summary row), and each part's DOT files (into --out) and plots (into \
        --plots), each file atomically. The result is byte for byte what one dse sweep of the same plan \
        writes, when the plan was made with --no-timing; a MILP that stopped at its time limit is the one \
        exception, and is warned about.

        Missing tasks: exits 2, naming them and the shards that hold them (of --shards N, or of the count \
        the parts record); with --missing-shards, prints those shards as a list sbatch --array= takes \
        (empty when none is missing) and exits 0.

        Examples:
          dse merge sweep1
          dse merge sweep1 --out results --plots results/plots
          dse merge sweep1 --missing-shards --shards 16
        """)

    @Argument(help: "The sweep folder (holding plan.json and parts/).")
    var folder: String

    @Option(help: "Folder for the CSV and DOT files (default: S/results).")
    var out: String?

    @Option(help: "Folder for the SVG plots (default: OUT/plots).")
    var plots: String?

    @Flag(help: "Print the shards with missing tasks as 0,3-5 (for sbatch --array=) and write nothing.")
    var missingShards = false

    @Option(help: "The shard count the parts were run with (default: the count the parts record).")
    var shards: Int?

    func validate() throws {
      if let shards, shards < 1 { throw ValidationError("--shards \(shards): expected at least 1") }
    }

    func run() throws {
      let sweep = SweepFolder(folder)
      let plan = try SweepPlan.read(path: sweep.planPath)
      let merge = SweepMerge(plan: plan, folder: sweep)
      let missing = try merge.missingTasks()
      let count = try shards ?? recordedShardCount(plan, sweep)
      if missingShards {
        print(count.map { SweepMerge.arrayList(SweepMerge.shards(of: missing, count: $0)) } ?? "")
        if !missing.isEmpty && count == nil {
          throw ValidationError("no part records the shard count: give --shards N")
        }
        return
      }
      guard missing.isEmpty else {
        let names = missing.prefix(10).map { plan.tasks[$0].name }.joined(separator: ", ")
        let more = missing.count > 10 ? " and \(missing.count - 10) more" : ""
        let shardText = count.map { " in shards \(SweepMerge.arrayList(SweepMerge.shards(of: missing, count: $0))) of \($0)" } ?? ""
        progress("Error: \(missing.count) of \(plan.tasks.count) tasks have no complete part\(shardText): \(names)\(more)")
        throw ExitCode(2)
      }
      for warning in try merge.warnings() { progress("warning: \(warning)") }
      let output = out ?? (folder as NSString).appendingPathComponent("results")
      let plotFolder = plots ?? (output as NSString).appendingPathComponent("plots")
      let written = try merge.write(out: output, plots: plotFolder)
      progress("merged \(plan.tasks.count) tasks: \(written.count) files in \(output) and \(plotFolder)")
    }

    /// The shard count the existing parts were run with, when they agree on one.
    private func recordedShardCount(_ plan: SweepPlan, _ sweep: SweepFolder) throws -> Int? {
      var counts: Set<Int> = []
      for task in plan.tasks {
        guard let manifest = try sweep.manifest(task), let count = manifest.shard.split(separator: "/").last.flatMap({ Int($0) })
        else { continue }
        counts.insert(count)
      }
      return counts.count == 1 ? counts.first : nil
    }
  }
}
