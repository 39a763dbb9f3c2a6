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
        segments as clusters), OUT/<network>-candidates.csv (what optimal chose from) and PLOTS/<network>-traffic.svg, PLOTS/<network>-layers-<size>.svg.

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
        """)

    @Argument(help: "Network files (.yaml, .cfg, .csv or .onnx); none: the bundled MobileNetV2.")
    var networks: [String] = []

    @Option(help: "Buffer sizes in entries (see above).")
    var buffers: String = "16K..256K"

    @Option(help: "optimal, fused, layerwise, all, or one of \(Strategy.allCases.map(\.rawValue).joined(separator: ", ")).")
    var strategy: String = "optimal"

    @Option(help: "What optimal minimizes: energy (DRAM pJ) or traffic (entries).")
    var objective: String = "energy"

    @Option(help: "Latency budget of the whole network: a time (4ms, 800us, 0.01s) or cycles (2000000cycles).")
    var maxLatency: String?

    @Option(help: "Most segments (units) in an optimal plan; a layer alone counts as one.")
    var maxSegments: Int?

    @Option(help: "Quantization-error budget: the summed error of the layers' chosen widths (needs --error-table).")
    var errorBudget: Double?

    @Option(help: "Per-layer error by width, CSV layer,bits,error (layers not listed keep their widths).")
    var errorTable: String?

    @Option(help: "Widths a layer in the error table may take, with --error-budget.")
    var widths: String = "4,8,16"

    @OptionGroup var segmentLimits: SegmentLimitOptions

    @Option(help: "GLPK's time limit per MILP, in seconds; past it the dynamic program or the best plan found is used, with a warning.")
    var timeLimit: Double = 60

    @Option(help: "Buffer sizes planned at once (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Bit width used to convert KiB/MiB buffer sizes to entries.")
    var bits: Int = 8

    @Option(help: "Folder for the CSV and DOT files.")
    var out: String = "results"

    @Option(help: "Folder for the SVG plots (default: plots, or OUT/plots when --out is given).")
    var plots: String?

    @Option(help: "Evaluate every plan on a DRAM model: a bundled device (ddr4-2400-x8, lpddr4-x16) or a device YAML file.")
    var dram: String?

    @Option(help: "Tensor layout in DRAM for --dram: nchw or nhwc, oihw or hwio, or one of each (nhwc,hwio).")
    var layout: String = "nchw,oihw"

    @OptionGroup var dramModel: DRAMModelOptions

    @OptionGroup var modelFile: ModelFileOptions

    @OptionGroup var architecture: ArchitectureOptions

    func validate() throws {
      try validateBitWidth(bits, option: "--bits")
      _ = try TensorLayout(parsing: layout)
      _ = try Self.strategies(strategy)
      guard Objective(rawValue: objective) != nil else {
        throw ValidationError("--objective \(objective): accepted: energy, traffic")
      }
      if let maxSegments, maxSegments < 1 { throw ValidationError("--max-segments \(maxSegments): expected at least 1") }
      guard timeLimit.isFinite && timeLimit > 0 else { throw ValidationError("--time-limit \(timeLimit): expected seconds > 0") }
      guard jobs >= 1 else { throw ValidationError("--jobs \(jobs): expected at least 1") }
      if let maxLatency { _ = try LatencyBudget.parse(maxLatency, clockMHz: Architecture.default.clockMHz) }
      if let errorBudget, !(errorBudget.isFinite && errorBudget >= 0) {
        throw ValidationError("--error-budget \(errorBudget): expected a number >= 0")
      }
      if (errorBudget == nil) != (errorTable == nil) {
        throw ValidationError("--error-budget and --error-table go together: the budget limits the summed errors the table lists")
      }
      _ = try widthSet()
    }

    func widthSet() throws -> [Int] { try parseWidths(widths, option: "--widths", range: Precision.validBits) }

    /// `--strategy`: optimal and fused-greedy come with the baseline they are compared against.
    static func strategies(_ text: String) throws -> [Strategy] {
      do {
        var found = try Strategy.parseList(text)
        if found.contains(where: { !$0.isLayerwise }) && !found.contains(.baseline) { found.insert(.baseline, at: 0) }
        return found
      } catch {
        throw ValidationError("--strategy \(text): \(error)")
      }
    }

    func run() throws {
      let sizes: [Int]
      do {
        sizes = try BufferSizes.parse(buffers, bits: bits)
      } catch {
        throw ValidationError("--buffers \(buffers): \(error)")
      }
      let architecture = try self.architecture.architecture()
      var context = PlanContext(
        buffer: sizes[0], architecture: architecture, psumWidth: self.architecture.psumWidth,
        objective: Objective(rawValue: objective) ?? .energy, maxSegments: maxSegments,
        maxSegmentLength: segmentLimits.maxSegmentLength, maxStages: segmentLimits.maxStages,
        solver: SolverOptions(timeLimit: timeLimit))
      if let maxLatency { context.maxLatencyCycles = try LatencyBudget.parse(maxLatency, clockMHz: architecture.clockMHz) }
      if let errorBudget, let errorTable {
        context.precision = try PrecisionBudget(tableFile: errorTable, widths: try widthSet(), budget: errorBudget)
      }
      let analyses: [NetworkAnalysis]
      if networks.isEmpty {
        progress("no network given: sweeping the bundled MobileNetV2 (\(Network.bundledDefaultFile))")
        analyses = [try NetworkAnalysis(text: Network.bundledDefaultYAML, format: .yaml, name: Network.bundledDefaultFile)]
      } else {
        analyses = try networks.map { try loadAnalysis($0, modelFile) }
      }
      try checkDistinctFileNames(analyses)
      let plotFolder = plots ?? (out == "results" ? "plots" : (out.hasSuffix("/") ? out : out + "/") + "plots")
      // Before any planning: a folder that cannot be written is reported at once.
      for folder in [out, plotFolder] { try OutputFolder.prepare(folder) }
      let evaluation = try dram.map {
        DRAMEvaluation(model: try dramModel.model(device: $0), layout: try TensorLayout(parsing: layout))
      }
      let sweep = DSE.Sweep(
        strategies: try Self.strategies(strategy), buffers: sizes, context: context, jobs: jobs, dram: evaluation)
      for result in try sweep.run(analyses, progress: progress) {
        let written = try SweepOutputs(result: result, context: context, folder: out, plotFolder: plotFolder).write()
        progress("\(result.network.network.name): wrote \(written.joined(separator: ", "))")
      }
    }
  }
}

/// Two networks whose files would have the same names (same or similar names) are refused
/// before planning: the second would overwrite the first.
private func checkDistinctFileNames(_ analyses: [NetworkAnalysis]) throws {
  var seen: [String: String] = [:]
  for analysis in analyses {
    let name = analysis.network.name
    let stem = OutputFolder.stem(for: name)
    if let earlier = seen[stem] {
      throw ValidationError(
        "networks \(excerpt(earlier)) and \(excerpt(name)) would both write \(stem).csv and its companions: give them different names")
    }
    seen[stem] = name
  }
}

/// A progress line on standard error, so standard output stays clean for data.
func progress(_ line: String) {
  FileHandle.standardError.write(Data((printable(line.unicodeScalars) + "\n").utf8))
}
