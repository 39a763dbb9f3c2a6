import ArgumentParser
import DSE

extension DSECommand {
  struct Layer: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "The best tilings of one layer at one buffer size, with traffic per operand and the floor.",
      discussion: """
        A GEMM is given by --m (output pixels), --k (reduction) and --n (output channels); a convolution by \
        --conv CIN,COUT,H,W,K,STRIDE[,GROUPS] (input channels, output channels, input height and width, \
        square kernel, stride; GROUPS 1 or CIN for depthwise; padding K/2 unless --padding says otherwise). \
        The search is exact over every tile size, loop order and Scan choice; traffic is in entries.

        Examples:
          dse layer --m 3136 --k 64 --n 256 --buffer 64K
          dse layer --m 3136 --k 16 --n 1024 --buffer 64K --top 5 --format json
          dse layer --conv 64,64,56,56,3,1 --buffer 16K
          dse layer --conv 144,144,56,56,3,2,144 --buffer 32KiB --bits 8
        """)

    @Option(help: "GEMM rows: output pixels.") var m: Int?
    @Option(help: "GEMM reduction: input channels (x kernel area).") var k: Int?
    @Option(help: "GEMM columns: output channels.") var n: Int?
    @Option(help: "A convolution: CIN,COUT,H,W,K,STRIDE[,GROUPS].") var conv: String?
    @Option(help: "Zero padding of --conv on every side (default: K/2).") var padding: Int?
    @Option(help: "Buffer size: entries (65536), K or M multiples (64K), or bytes (64KiB, converted at --bits).")
    var buffer: String
    @Option(help: "Bit width of every tensor (1 to 16).") var bits: Int = 8
    @Option(help: "How many schedules to list, best first.") var top: Int = 5
    @Option(help: "Only this GEMM loop order (mnk, mkn, nmk, nkm, kmn, knm).") var order: String?
    @Flag(help: "No Scan: row-major loops only (the layerwise-rowmajor baseline).") var noScan = false
    @Option(help: "Output format: table or json.") var format: LayerFormat = .table
    @OptionGroup var architecture: ArchitectureOptions

    enum LayerFormat: String, ExpressibleByArgument, CaseIterable { case table, json }

    func validate() throws {
      try validateBitWidth(bits, option: "--bits")
      guard (1...1000).contains(top) else { throw ValidationError("--top \(top): expected 1 to 1000") }
      let gemm = [m, k, n].compactMap { $0 }
      guard (gemm.count == 3) != (conv != nil), gemm.isEmpty || gemm.count == 3 else {
        throw ValidationError("give either --m, --k and --n (a GEMM) or --conv CIN,COUT,H,W,K,STRIDE[,GROUPS]")
      }
      for (name, value) in [("--m", m), ("--k", k), ("--n", n)] {
        if let value, !(1...Limits.tensorElements).contains(value) {
          throw ValidationError("\(name) \(value): expected a dimension from 1 to \(Limits.describe(Limits.tensorElements))")
        }
      }
      if let m, let k, let n, let problem = Limits.gemmProblem(GEMMShape(m: m, k: k, n: n)) {
        throw ValidationError("--m \(m) --k \(k) --n \(n): \(problem)")
      }
      if let order, LoopOrder(name: order) == nil {
        throw ValidationError(
          "--order \(order): unknown loop order; accepted: \(LoopOrder.allCases.map(\.name).joined(separator: ", "))")
      }
      if order != nil && conv != nil { throw ValidationError("--order applies to GEMMs (--m, --k, --n) only") }
      if let padding, padding < 0 { throw ValidationError("--padding \(padding): expected 0 or more") }
    }

    func run() throws {
      let size = try parseBufferSize(buffer, option: "--buffer", bits: bits)
      let model = try architecture.architecture().energy
      let (workload, dimensions, kind) = try describeLayer()
      let orders = order.flatMap(LoopOrder.init(name:)).map { [$0] } ?? LoopOrder.allCases
      let schedules = try Planner.schedules(
        of: workload, kind: kind, bits: OperandBits(input: bits, weight: bits, output: bits, psumWidth: architecture.psumWidth),
        context: PlanContext(buffer: size, psumWidth: architecture.psumWidth), scan: noScan ? .never : .allowed, count: top,
        gemmOrders: orders)
      let report = LayerReport(dimensions: dimensions, buffer: size, schedules: schedules, energy: model)
      switch format {
      case .table: print(report.table(), terminator: "")
      case .json: print(report.json().rendered(indent: 2))
      }
    }

    private func describeLayer() throws -> (LayerWorkload, [(String, Int)], OperationKind) {
      if let m, let k, let n {
        return (.gemm(GEMMShape(m: m, k: k, n: n)), [("m", m), ("k", k), ("n", n)], .pointwise)
      }
      let fields = (conv ?? "").split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
      guard fields.count == 6 || fields.count == 7, fields.allSatisfy({ ($0 ?? 0) >= 1 }) else {
        throw ValidationError("--conv \(conv ?? ""): expected CIN,COUT,H,W,K,STRIDE[,GROUPS], positive integers")
      }
      let values = fields.compactMap { $0 }
      let (cin, cout, height, width, kernel, stride) = (values[0], values[1], values[2], values[3], values[4], values[5])
      let groups = values.count == 7 ? values[6] : 1
      guard groups == 1 || groups == cin else {
        throw ValidationError("--conv: GROUPS must be 1 or CIN (\(cin), depthwise); grouped convolutions are not modelled")
      }
      let pad = padding ?? kernel / 2
      let network = Network(
        name: "layer", inputs: [NetworkInput(name: "input", shape: TensorShape(channels: cin, height: height, width: width))],
        layers: [
          Networks.Layer(
            name: "conv",
            operation: .convolution(
              Convolution(
                outputChannels: .absolute(cout), kernel: Extent2D(square: kernel), stride: Extent2D(square: stride),
                padding: Padding(symmetric: pad, pad), groups: groups == 1 ? .count(1) : .depthwise)),
            inputs: ["input"])
        ])
      guard let analysed = try network.analyze().layers.first else { throw ValidationError("--conv: no layer") }
      let dimensions = [
        ("cin", cin), ("cout", cout), ("h", height), ("w", width), ("kernel", kernel), ("stride", stride),
        ("groups", groups), ("padding", pad),
      ]
      return (try LayerWorkload(analysed), dimensions, analysed.kind)
    }
  }
}
