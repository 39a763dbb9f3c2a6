import ArgumentParser
import DSE
import Foundation

extension DSECommand {
  struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Find the best schedule of networks at every buffer size; write CSV, Graphviz and SVG plots.",
      discussion: """
        For each network, buffer size and strategy: DRAM reads, writes, traffic (entries), bytes, DRAM energy \
        (pJ), the sum of the floors of the strategy's own layers and segments and the ratio to it, the network \
        floor (every weight, the input and the outputs once), the saving against layerwise-rowmajor in the \
        objective, the number of segments (a layer alone counts as one), the solver and the time taken.

        Strategies: layerwise-rowmajor (each layer alone, best tiling, no Scan: the baseline), layerwise-scan \
        (Scan allowed), fused-greedy (each run of layers grows into the longest legal fused chain that fits and \
        moves no more than its layers alone) and optimal (an MILP on GLPK over every legal segment of up to \
        --max-segment-length layers and --max-stages channel stages, each with its least-bits schedule, cross-checked by \
        an exact dynamic program; docs/optimizer.md). --strategy optimal (the default) and fused add the \
        layerwise-rowmajor baseline; layerwise runs both layerwise strategies; all runs every strategy.

        Coupling constraints (optimal only): --max-latency (roofline cycles of each segment: MACs over the \
        array or bytes over the DRAM bandwidth, whichever is slower; arch file: mac.array, mac.clock_mhz, \
        dram.bandwidth_bytes_per_cycle), --max-segments, and --error-budget with --error-table: each layer the \
        table lists takes one of --widths for its weights and outputs, the summed error within the budget. A \
        constraint no plan meets is reported with the smallest value that works. With a constraint or \
        --objective traffic, the candidates are every segment of up to 3 stages and longer ones that move fewer \
        bits than their parts (docs/optimizer.md, "Coupled objectives").

        DRAM energy is bytes at the architecture's pJ per byte (dram_model pj-per-byte), unless --dram names a \
        device: then every plan's transactions (its tensors placed in --layout, cut into the device's bursts) run \
        on the DRAM model (--mapping, --policy, --scheduling; docs/dram-model.md), and dram_energy_pj, \
        row_hit_rate, activations and dram_time_us come from it, per plan and per unit, with a plot of the \
        energy, PLOTS/<network>-dram-energy.svg. The optimizer still minimizes bytes (or pJ per byte).

        Writes OUT/<network>.csv, OUT/<network>-segments.csv (every unit of every plan: layers, tiles, order, \
        Scan, chunks, buffer split, traffic by operand, floor), OUT/<network>-<size>.dot (the best plan, fused \
        segments as clusters), OUT/<network>-candidates.csv (what optimal chose from), OUT/sweep.csv (every \
        network's summary rows) and PLOTS/<network>-traffic.svg, PLOTS/<network>-layers-<size>.svg.

        Design points: every --arch file (several may be given) by every combination of --grid KEY=V1,V2,... \
        (any architecture-file field by its dotted path, mac.array=ROWSxCOLS, bits=W for every layer's width). \
        With more than one point, every CSV row starts with the point's id and settings, and DOT files and \
        plots carry the id in their names. dse plan-sweep writes the same sweep as a plan that shards run \
        anywhere (--plan, --shard) and dse merge joins (docs/sweeps.md).

        Buffer sizes: 16K..256K = powers of two; 16K..256K/16K = steps of 16K; 64K,96K = a list; a plain \
        number is entries; K = 1024 entries, M = 1024K; KiB and MiB mean bytes, converted at --bits.

        With no network, sweeps the bundled MobileNetV2 (nets/mobilenetv2.yaml) at 16K..256K.

        Examples:
          dse sweep
          dse sweep nets/mobilenetv2.yaml --buffers 16K..256K
          dse sweep nets/mobilenetv2.yaml nets/resnet50-cp.yaml --strategy all --jobs 2
          dse sweep nets/mobilenetv2.yaml --buffers 64K..256K --max-stages 3 --max-segment-length 8
          dse sweep nets/mobilenetv1.yaml --buffers 64K --max-latency 20ms --objective traffic
          dse sweep nets/mobilenetv2.yaml --buffers 64K --error-table errors.csv --error-budget 0.05 --widths 4,8
          dse sweep nets/vgg16.yaml --buffers 32KiB..512KiB --strategy layerwise --out out --plots out/plots
          dse sweep nets/resnet50.yaml --buffers 64K --dram ddr4-2400-x8 --layout nhwc,hwio
          dse sweep nets/mobilenetv2.yaml --grid mac.array=16x16,32x32 bits=8,16 --max-latency 4ms
          dse sweep --plan sweep1/plan.json --shard 3/16 --jobs 2
        """)

    @OptionGroup var space: SweepSpaceOptions

    @Option(help: "Quantization-error budget: the summed error of the layers' chosen widths (needs --error-table).")
    var errorBudget: Double?

    @Option(help: "Per-layer error by width, CSV layer,bits,error (layers not listed keep their widths).")
    var errorTable: String?

    @Option(help: "Widths a layer in the error table may take, with --error-budget.")
    var widths: String = "4,8,16"

    @Option(help: "Buffer sizes planned at once (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Folder for the CSV and DOT files.")
    var out: String = "results"

    @Option(help: "Folder for the SVG plots (default: plots, or OUT/plots when --out is given).")
    var plots: String?

    @Option(help: "Evaluate every plan on a DRAM model: a bundled device (ddr4-2400-x8, lpddr4-x16) or a device YAML file.")
    var dram: String?

    @Option(help: "Tensor layout in DRAM for --dram: nchw or nhwc, oihw or hwio, or one of each (nhwc,hwio).")
    var layout: String = "nchw,oihw"

    @OptionGroup var dramModel: DRAMModelOptions

    @Option(help: "Run the tasks of a sweep plan (dse plan-sweep) into its parts, instead of the sweep the other options give.")
    var plan: String?

    @Option(help: "With --plan: run shard I of N (tasks k with k mod N = I), e.g. 3/16.")
    var shard: String = "0/1"

    @Flag(help: "Print the number of tasks and an estimate of the time (from timing the first task), and plan nothing else.")
    var dryRun = false

    func validate() throws {
      _ = try TensorLayout(parsing: layout)
      guard jobs >= 1 else { throw ValidationError("--jobs \(jobs): expected at least 1") }
      if let errorBudget, !(errorBudget.isFinite && errorBudget >= 0) {
        throw ValidationError("--error-budget \(errorBudget): expected a number >= 0")
      }
      if (errorBudget == nil) != (errorTable == nil) {
        throw ValidationError("--error-budget and --error-table go together: the budget limits the summed errors the table lists")
      }
      _ = try widthSet()
      _ = try shardNumbers()
      if plan != nil && (!space.networks.isEmpty || !space.grid.isEmpty) {
        throw ValidationError("--plan runs the plan's networks and design points: give them to dse plan-sweep, not here")
      }
      if plan != nil && (errorTable != nil || dram != nil) {
        throw ValidationError("--plan: --error-table and --dram are not in plan files yet; run dse sweep without a plan for them")
      }
    }

    func widthSet() throws -> [Int] { try parseWidths(widths, option: "--widths", range: Precision.validBits) }

    /// `--shard I/N`.
    func shardNumbers() throws -> (index: Int, count: Int) {
      let fields = shard.split(separator: "/", omittingEmptySubsequences: false)
      guard fields.count == 2, let index = Int(fields[0]), let count = Int(fields[1]), count >= 1, (0..<count).contains(index)
      else { throw ValidationError("--shard \(shard): expected I/N with 0 <= I < N (for example 3/16)") }
      return (index, count)
    }

    func run() throws {
      if let plan { return try runShard(planFile: plan) }
      let plan = try space.plan(absolutePaths: false)
      for point in plan.points.indices { _ = try plan.context(ofPoint: point) }
      let plotFolder = plots ?? (out == "results" ? "plots" : (out.hasSuffix("/") ? out : out + "/") + "plots")
      // Before any planning: a folder that cannot be written is reported at once.
      for folder in [out, plotFolder] { try OutputFolder.prepare(folder) }
      var precision: PrecisionBudget?
      if let errorBudget, let errorTable {
        precision = try PrecisionBudget(tableFile: errorTable, widths: try widthSet(), budget: errorBudget)
      }
      let evaluation = try dram.map {
        DRAMEvaluation(model: try dramModel.model(device: $0), layout: try TensorLayout(parsing: layout))
      }
      let runner = SweepRunner(plan: plan, jobs: jobs, precision: precision, dram: evaluation)
      if dryRun { return try estimate(runner) }
      // One shard into parts in a hidden folder of OUT, then the merge: the same writer as a
      // sharded sweep's (docs/sweeps.md).
      let staging = SweepFolder(
        (out as NSString).appendingPathComponent(".dse-sweep.\(ProcessInfo.processInfo.processIdentifier).tmp"))
      defer { try? FileManager.default.removeItem(atPath: staging.root) }
      _ = try runner.run(shard: 0, of: 1, folder: staging, progress: progress)
      let merge = SweepMerge(plan: plan, folder: staging)
      for warning in try merge.warnings() where warning.contains("time limit") { progress("warning: \(warning)") }
      let written = try merge.write(out: out, plots: plotFolder)
      progress("wrote \(written.joined(separator: ", "))")
    }

    /// `--plan S/plan.json --shard I/N`: the shard's tasks into S/parts.
    private func runShard(planFile: String) throws {
      let plan = try SweepPlan.read(path: planFile)
      let (index, count) = try shardNumbers()
      let folder = SweepFolder((planFile as NSString).deletingLastPathComponent)
      let runner = SweepRunner(plan: plan, jobs: jobs)
      if dryRun { return try estimate(runner, shard: (index, count)) }
      let started = Date()
      let (ran, done) = try runner.run(shard: index, of: count, folder: folder, progress: progress)
      progress(
        "shard \(index)/\(count): \(ran) tasks planned, \(done) already done, in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
    }

    /// `--dry-run`: the task count and an estimate from timing the first task alone.
    private func estimate(_ runner: SweepRunner, shard: (index: Int, count: Int) = (0, 1)) throws {
      let tasks = SweepRunner.tasks(ofShard: shard.index, of: shard.count, in: runner.plan)
      let plan = runner.plan
      print("\(tasks.count) tasks (\(plan.points.count) design points x \(plan.networks.count) networks), each at \(plan.buffers.count) buffer sizes with \(plan.strategies.count) strategies")
      guard let first = tasks.first else { return }
      let task = plan.tasks[first]
      var context = try plan.context(ofPoint: task.point)
      context.precision = runner.precision
      let sweep = DSE.Sweep(strategies: plan.strategies, buffers: plan.buffers, context: context, jobs: runner.jobs, dram: runner.dram)
      let started = Date()
      _ = try sweep.run([try plan.analysis(ofNetwork: task.network, point: task.point)])
      let seconds = Date().timeIntervalSince(started)
      print(
        "first task (\(task.name)): \(String(format: "%.1f", seconds)) s; all \(tasks.count) at that rate: about \(String(format: "%.0f", seconds * Double(tasks.count))) s with --jobs \(runner.jobs) (tasks differ: networks and buffer sizes vary)")
    }
  }
}

/// A progress line on standard error, so standard output stays clean for data.
func progress(_ line: String) {
  FileHandle.standardError.write(Data((printable(line.unicodeScalars) + "\n").utf8))
}
