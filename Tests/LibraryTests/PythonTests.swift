import DSE
import Foundation
import Testing

/// The Python module over libdse.so, run by python3 as a user runs it.
@Suite struct PythonTests {
  static let module = packageRoot.appendingPathComponent("python").path

  static func python(_ script: String, library: URL, arguments: [String] = []) throws -> ProcessResult {
    try run(
      "python3", ["-c", script] + arguments,
      environment: ["DSE_LIBRARY": library.appendingPathComponent("libdse.so").path, "PYTHONPATH": module])
  }

  @Test func totalsUnitsAndTransfersEqualTheSwiftAPIs() throws {
    let library = try libraryFolder()
    let file = try writeSmallNetwork(in: library)
    let script = """
      import json, sys, dse
      net = dse.load(sys.argv[1])
      plan = net.plan(buffer=4096, strategy="optimal")
      bits = sum(t.bits for t in plan.transfers())
      print(json.dumps({"totals": plan.totals, "units": [u.name for u in plan.units], "bits": bits,
                        "tiles": [u.tile for u in plan.units], "orders": [u.order for u in plan.units],
                        "chunks": [u.chunks for u in plan.units],
                        "first": repr(next(iter(plan.transfers(unit=0)))), "verified": plan.verify(seed=1)}))
      """
    let result = try Self.python(script, library: library, arguments: [file])
    try #require(result.status == 0, "\(result.errors)")
    let found = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
    let totals = try #require(found["totals"] as? [String: Any])
    let plan = try NetworkAnalysis(file: file).plan(.optimal, context: PlanContext(buffer: 4096))
    let cost = plan.cost
    #expect(totals["dram_traffic"] as? Int == cost.entries)
    #expect(totals["dram_bytes"] as? Int == cost.bytes)
    #expect(totals["dram_bits"] as? Int == cost.bits)
    #expect(totals["floor"] as? Int == cost.floor)
    #expect(totals["network_floor"] as? Int == plan.networkFloor.entries)
    #expect(totals["segments"] as? Int == plan.units.count)
    #expect(totals["strategy"] as? String == "optimal")
    #expect(abs((totals["dram_energy_pj"] as? Double ?? 0) - cost.dramEnergyPicojoules) < 1e-6)
    #expect(found["units"] as? [String] == plan.units.map(\.name))
    let loops = plan.units.map(\.loops)
    let tiles = loops.map { Dictionary(uniqueKeysWithValues: zip($0.axes, $0.tile)) }
    #expect(found["tiles"] as? [[String: Int]] == tiles)
    #expect(found["orders"] as? [[String]] == loops.map(\.order))
    #expect(found["chunks"] as? [[Int]] == loops.map(\.chunks))
    #expect(plan.units.contains { if case .segment = $0 { true } else { false } }, "the small network fuses a block")
    #expect(found["bits"] as? Int == cost.bits)
    #expect((found["first"] as? String)?.hasPrefix("<dse.Transfer unit 0 read") == true)
    #expect(found["verified"] as? Bool == true)
  }

  /// The DRAM transactions and the DRAM model from Python: the same bursts and report as Swift's.
  @Test func transactionsAndTheDRAMModelEqualTheSwiftAPIs() throws {
    let library = try libraryFolder()
    let file = try writeSmallNetwork(in: library)
    let script = """
      import json, sys, dse
      plan = dse.load(sys.argv[1]).plan(buffer=4096, strategy="optimal")
      bursts = list(plan.transactions(layout="nhwc,hwio"))
      report = plan.dram(device="lpddr4-x16", layout="nhwc,hwio", scheduling="frfcfs:16")
      try:
          plan.dram(policy="half-open")
          error = "no error"
      except dse.Error as failure:
          error = "%d %s" % (failure.status, failure)
      print(json.dumps({"count": len(bursts), "useful": sum(b.useful_bits for b in bursts),
                        "first": [bursts[0].address, bursts[0].direction, bursts[0].tensor, bursts[0].operand],
                        "tensors": sorted({t.tensor for t in plan.transfers()}), "report": report, "error": error}))
      """
    let result = try Self.python(script, library: library, arguments: [file])
    try #require(result.status == 0, "\(result.errors)")
    let found = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
    let plan = try NetworkAnalysis(file: file).plan(.optimal, context: PlanContext(buffer: 4096))
    let layout = TensorLayout(activations: .nhwc, weights: .hwio)
    let swiftBursts = Array(try plan.transactions(DRAMStreamOptions(layout: layout)))
    #expect(found["count"] as? Int == swiftBursts.count)
    #expect(found["useful"] as? Int == plan.cost.bits)
    let first = try #require(swiftBursts.first)
    let firstFound = try #require(found["first"] as? [Any])
    #expect(firstFound.first as? Int == Int(first.address))
    #expect(firstFound.dropFirst().map { $0 as? String } == [first.isWrite ? "write" : "read", first.tensor, first.operand.rawValue])
    #expect(found["tensors"] as? [String] == Set(plan.units.flatMap { $0.transfers().map(\.tensor) }).sorted())
    let model = try DRAMModel(device: try DRAMDevice.load("lpddr4-x16"), scheduling: .frfcfs(window: 16))
    let swiftReport = try plan.dramReport(DRAMEvaluation(model: model, layout: layout))
    let report = try #require(found["report"] as? [String: Any])
    #expect(report["requests"] as? Int == Int(swiftReport.plan.requests))
    #expect(report["row_hits"] as? Int == Int(swiftReport.plan.rowHits))
    #expect(report["activations"] as? Int == Int(swiftReport.plan.activations))
    #expect(report["useful_bytes"] as? Int == plan.cost.bytes)
    #expect(abs((report["total_pj"] as? Double ?? 0) - swiftReport.plan.totalPicojoules) < 1e-6)
    #expect((found["error"] as? String)?.hasPrefix("1 policy: 'half-open'") == true, "\(found["error"] ?? "")")
  }

  @Test func errorsAreRaisedAsDseErrorWithTheMessage() throws {
    let library = try libraryFolder()
    let script = """
      import dse
      for call in (lambda: dse.load("/nonexistent/net.yaml"),
                   lambda: dse.parse("name: x\\ninput: [3, 8, 8]\\nlayers:\\n  - {op: conv, kernel: 0}\\n", name="bad.yaml"),
                   lambda: dse.parse("name: x\\ninput: [3, 8, 8]\\nlayers:\\n  - {op: pointwise, out: 4}\\n").plan(buffer=0),
                   lambda: dse.parse("name: x\\ninput: [3, 8, 8]\\nlayers:\\n  - {op: pointwise, out: 4}\\n").plan(strategy="best"),
                   lambda: dse.parse("name: x\\ninput: [3, 8, 8]\\nlayers:\\n  - {op: pointwise, out: 4}\\n").plan(max_stages=0)):
          try:
              call()
              print("no error")
          except dse.Error as error:
              print(error.status, error)
      """
    let result = try Self.python(script, library: library)
    #expect(result.status == 0, "\(result.errors)")
    let lines = result.output.split(separator: "\n").map(String.init)
    #expect(lines.count == 5, "\(result.output)")
    #expect(lines.first?.hasPrefix("2 /nonexistent/net.yaml") == true, "\(result.output)")
    #expect(lines.dropFirst().first?.hasPrefix("2 bad.yaml:4:") == true, "\(result.output)")
    #expect(lines.dropFirst(2).first?.hasPrefix("1 buffer: 0") == true, "\(result.output)")
    #expect(lines.dropFirst(3).first?.hasPrefix("1 strategy: unknown strategy 'best'") == true, "\(result.output)")
    #expect(lines.last == "1 max_stages: 0: expected 1 to 16", "\(result.output)")
  }

  /// `max_stages` and `max_segment_length` reach the planner: the plans Python gets are Swift's.
  @Test func segmentLimitsArePassedThrough() throws {
    let library = try libraryFolder()
    let file = try writeSmallNetwork(in: library)
    let script = """
      import json, sys, dse
      net = dse.load(sys.argv[1])
      plans = [net.plan(buffer=4096, strategy="fused-greedy", max_stages=s, max_segment_length=l) for s, l in
               ((1, 8), (3, 8), (3, 1))]
      print(json.dumps([[p.totals["dram_traffic"], [u.name for u in p.units]] for p in plans]))
      """
    let result = try Self.python(script, library: library, arguments: [file])
    try #require(result.status == 0, "\(result.errors)")
    let found = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [[Any]])
    let network = try NetworkAnalysis(file: file)
    var expected: [[String]] = []
    for (index, (stages, length)) in [(1, 8), (3, 8), (3, 1)].enumerated() {
      let plan = try network.plan(.fusedGreedy, context: PlanContext(buffer: 4096, maxSegmentLength: length, maxStages: stages))
      #expect(found[index].first as? Int == plan.cost.entries, "max_stages \(stages), max_segment_length \(length)")
      #expect(found[index].last as? [String] == plan.units.map(\.name))
      expected.append(plan.units.map(\.name))
    }
    // The small network's block has three stages: it fuses at 3, not at 1, nor at length 1.
    #expect(expected[0] != expected[1] && expected[2] != expected[1], "\(expected)")
  }

  @Test func thePythonExampleAddsUpTheStream() throws {
    let library = try libraryFolder()
    let file = try writeSmallNetwork(in: library)
    let result = try run(
      "python3", [packageRoot.appendingPathComponent("examples/python/simulator.py").path, file, "4096", "fused-greedy"],
      environment: ["DSE_LIBRARY": library.appendingPathComponent("libdse.so").path])
    #expect(result.status == 0, "\(result.errors)")
    let plan = try NetworkAnalysis(file: file).plan(.fusedGreedy, context: PlanContext(buffer: 4096))
    #expect(result.output.contains("total: \(plan.cost.bits) bits"), "\(result.output)")
  }
}
