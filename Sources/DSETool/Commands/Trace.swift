import ArgumentParser
import DSE
import Foundation

extension TraceFormat: ExpressibleByArgument {}

/// `dse trace --issue`: how issue cycles are given (`IssueTiming`).
enum IssueModel: String, ExpressibleByArgument, CaseIterable {
  case backToBack = "back-to-back"
  case bandwidth
}

extension DSECommand {
  struct Trace: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Writes a plan's DRAM transactions as a DRAMsim3, Ramulator 2, Ramulator or CSV trace.",
      discussion: """
        Plans NETWORK at one buffer size, places every tensor of the plan at an aligned address in the \
        --layout (NCHW or NHWC activations, OIHW or HWIO weights, each at its bit width, packed), and \
        writes the walk's transfers in execution order as --burst-byte reads and writes: each tile split \
        into the runs contiguous in the layout, partial bursts rounded out. The trace is streamed to the \
        file (constant memory) and renamed into place when complete. A summary goes to standard error: \
        transactions, useful bytes (equal to the plan's dram_bytes) and burst bytes.

        Issue cycles (DRAMsim3 and CSV): --issue back-to-back (the default) gives transaction i cycle i, \
        leaving the pace to the simulator's queue; --issue bandwidth --bandwidth GB/s --clock MHz issues \
        each transaction once the bytes \
        before it have moved at that rate. Neither models the accelerator's compute. See docs/dram-model.md.

        Examples:
          dse trace nets/mobilenetv2.yaml --buffer 64K -o mobilenetv2.trace
          dse trace nets/resnet50.yaml --buffer 64K --strategy layerwise-rowmajor --format ramulator2 -o resnet50.trace
          dse trace nets/mobilenetv2.yaml --buffer 64K --layer block3_1.dw --format csv -o dw.csv
          dse trace nets/resnet50.yaml --buffer 64K --layout nhwc,hwio --issue bandwidth --bandwidth 19.2 --clock 1200 -o r50.trace
        """)

    @Argument(help: "Network file (.yaml, .cfg, .csv or .onnx).")
    var network: String

    @Option(help: "Buffer size in entries (64K, 65536, 32KiB).")
    var buffer: String

    @Option(help: "layerwise-rowmajor, layerwise-scan, fused-greedy or optimal.")
    var strategy: String = "optimal"

    @Option(help: "Only the unit that runs this layer (its fused segment when it is fused).")
    var layer: String?

    @Option(help: "Only unit N of the plan (0 first; `dse sweep` lists them in its segments CSV).")
    var unit: Int?

    @Option(help: "Trace format: dramsim3, ramulator2, ramulator or csv.")
    var format: TraceFormat = .dramsim3

    @Option(name: [.short, .customLong("output")], help: "Trace file ('-': standard output).")
    var output: String = "-"

    @Option(help: "Tensor layout: nchw or nhwc, oihw or hwio, or one of each (nhwc,hwio).")
    var layout: String = "nchw,oihw"

    @Option(help: "Bytes per DRAM burst (a power of two).")
    var burst: Int = 64

    @Option(help: "Alignment of every tensor's base address in bytes (a power of two).")
    var align: Int = 4096

    @Option(help: "Issue cycles: back-to-back (transaction i at cycle i) or bandwidth (with --bandwidth and --clock).")
    var issue: IssueModel = .backToBack

    @Option(help: "Sustained bandwidth in GB/s at which transactions are issued (--issue bandwidth).")
    var bandwidth: Double?

    @Option(help: "Memory-controller clock in MHz the issue cycles count (--issue bandwidth).")
    var clock: Double?

    @Option(help: "Input height and width (default: the network's).")
    var inputSize: Int?

    @OptionGroup var segmentLimits: SegmentLimitOptions

    @OptionGroup var modelFile: ModelFileOptions

    @OptionGroup var architecture: ArchitectureOptions

    func validate() throws {
      _ = try Verify.strategies(strategy)
      if layer != nil && unit != nil { throw ValidationError("give --layer or --unit, not both") }
      if let unit, unit < 0 { throw ValidationError("--unit \(unit): expected 0 or more") }
      switch issue {
      case .backToBack:
        guard bandwidth == nil && clock == nil else {
          throw ValidationError("--bandwidth and --clock pace --issue bandwidth; with back-to-back issue, leave them out")
        }
      case .bandwidth:
        guard bandwidth != nil && clock != nil else {
          throw ValidationError("--issue bandwidth needs --bandwidth GB/s and --clock MHz")
        }
      }
    }

    func run() throws {
      let strategies = try Verify.strategies(strategy)
      guard strategies.count == 1, let strategy = strategies.first else {
        throw ValidationError("--strategy \(self.strategy): expected one strategy")
      }
      let size = try parseBufferSize(buffer, option: "--buffer")
      let options = DRAMStreamOptions(layout: try TensorLayout(parsing: layout), burstBytes: burst, alignment: align)
      let timing =
        try bandwidth.map { try IssueTiming.bandwidth(gigabytesPerSecond: $0, clockMHz: clock ?? 0) } ?? .backToBack
      let analysis = try loadAnalysis(network, modelFile, inputSize: inputSize)
      let context = PlanContext(
        buffer: size, architecture: try architecture.architecture(), psumWidth: architecture.psumWidth,
        maxSegmentLength: segmentLimits.maxSegmentLength, maxStages: segmentLimits.maxStages)
      let plan = try analysis.plan(strategy, context: context)
      var selected = unit
      if let layer {
        guard let index = plan.units.firstIndex(where: { $0.layerNames.contains(layer) }) else {
          throw ValidationError("--layer \(layer): the network has no such layer")
        }
        selected = index
      }
      let started = Date()
      let transactions = try plan.transactions(options, unit: selected)
      let writer = try TraceWriter(path: output, format: format)
      var summary = DRAMStreamSummary()
      var bytesBefore: Int64 = 0
      let layerNames = plan.units.map(\.layerNames)
      for transaction in transactions {
        let cycle = timing.cycle(index: summary.transactions, bytesBefore: bytesBefore)
        let layerName = layerNames[transaction.unit][transaction.layer]
        try writer.write(
          DRAMRequest(address: transaction.address, isWrite: transaction.isWrite, cycle: cycle),
          annotation: TraceAnnotation(
            bytes: transaction.bytes, usefulBytes: transaction.usefulBytes, unit: transaction.unit, layer: layerName,
            operand: transaction.operand, tensor: transaction.tensor, tile: Int64(transaction.step)))
        summary.record(transaction)
        bytesBefore += Int64(transaction.bytes)
      }
      try writer.finish()
      let expected = selected.map { plan.unitCosts[$0].bytes } ?? plan.cost.bytes
      let scope = selected.map { "unit \($0) (\(plan.units[$0].name))" } ?? "\(plan.units.count) units"
      let efficiency = String(format: "%.1f", summary.efficiency * 100)
      let seconds = String(format: "%.2f", Date().timeIntervalSince(started))
      FileHandle.standardError.write(
        Data(
          """
          \(plan.network) at \(size) entries, \(strategy.rawValue), \(scope), \(options.layout), \(burst)-byte bursts: \
          \(summary.transactions) transactions (\(summary.reads) reads, \(summary.writes) writes) to \(output) in \(seconds) s
          useful \(summary.usefulBytes(units: plan.units)) bytes (the plan's dram_bytes: \(expected)), \
          burst \(summary.burstBytes) bytes (\(efficiency)% useful)

          """.utf8))
    }
  }
}
