import DSE
import Foundation
import Testing

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()

/// The bundled network `file` at `side` x `side`.
func bundled(_ file: String, side: Int? = nil) throws -> NetworkAnalysis {
  try NetworkAnalysis(file: packageRoot.appendingPathComponent("nets/\(file)").path, inputSize: side)
}

@Suite struct LibraryAPITests {
  /// README.md's Swift example, verbatim between the markers (`readmeShowsTheTestedExample`),
  /// run where nets/mobilenetv2.yaml is MobileNetV2 at 32x32 so that its verification is quick.
  @Test func readmeSwiftExampleRuns() throws {
    let folder = try readmeFolder()
    let directory = FileManager.default.currentDirectoryPath
    FileManager.default.changeCurrentDirectoryPath(folder.path)
    defer { FileManager.default.changeCurrentDirectoryPath(directory) }
    // README example begins
    let network = try NetworkAnalysis(file: "nets/mobilenetv2.yaml")
    let plan = try network.plan(.optimal, context: PlanContext(buffer: 64 * 1024))
    print(plan.cost.bytes, plan.cost.dramEnergyPicojoules, plan.networkFloor.entries)
    for (unit, cost) in zip(plan.units, plan.unitCosts) {
      print(unit.name, unit.scheduleDescription, cost.entries, cost.macs)
    }
    var bits = 0
    for moved in plan.transfers { bits += moved.transfer.bits }  // lazy, one unit at a time
    precondition(bits == plan.cost.bits)
    let verified = try Verifier(network).verify(plan).passed  // runs it tile by tile on data
    print(verified)
    // README example ends
    #expect(verified)
    #expect(plan.cost.entries >= plan.networkFloor.entries)
  }

  @Test func readmeShowsTheTestedSwiftExample() throws {
    let test = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
    let begin = "// README example begins"
    let end = "// README example ends"
    guard let start = test.range(of: begin)?.upperBound, let stop = test.range(of: end, range: start..<test.endIndex)?.lowerBound
    else { throw TestFailure("markers not found") }
    func lines(_ text: Substring) -> [String] {
      text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
    let tested = lines(test[start..<stop])
    #expect(readmeBlock("swift").map { lines($0[...]) } == tested)
  }

  /// README.md's C example, compiled pedantic and run on the library of this build.
  @Test func readmeCExampleRuns() throws {
    let folder = try readmeFolder()
    let library = try libraryFolder()
    let source = folder.appendingPathComponent("app.c")
    try Data(try #require(readmeBlock("c")).utf8).write(to: source)
    let program = folder.appendingPathComponent("app")
    let built = try run(
      "cc", CABITests.flags + ["-I", CABITests.include, source.path, "-o", program.path, "-L", library.path, "-ldse",
        "-Wl,-rpath," + library.path])
    try #require(built.status == 0, "\(built.errors)")
    let result = try run(program.path, [], in: folder)
    #expect(result.status == 0, "\(result.output)\(result.errors)")
    let plan = try NetworkAnalysis(file: folder.appendingPathComponent("nets/mobilenetv2.yaml").path)
      .plan(.optimal, context: PlanContext(buffer: 65536))
    #expect(result.output.hasPrefix("\(plan.cost.bytes) bytes, "), "\(result.output)")
  }

  /// README.md's Python example, run by python3.
  @Test func readmePythonExampleRuns() throws {
    let folder = try readmeFolder()
    let library = try libraryFolder()
    let result = try run(
      "python3", ["-c", try #require(readmeBlock("python"))],
      environment: [
        "DSE_LIBRARY": library.appendingPathComponent("libdse.so").path,
        "PYTHONPATH": packageRoot.appendingPathComponent("python").path,
      ], in: folder)
    #expect(result.status == 0, "\(result.errors)")
    #expect(result.output.hasSuffix("True\n"), "\(result.output)")
  }

  /// The stream is the walk: per unit, its transfers add up to the unit's traffic by operand
  /// (the closed form the planners priced) and to its bits, for every strategy.
  @Test(arguments: [("mobilenetv2.yaml", 32, 8 * 1024), ("resnet50-cp.yaml", 32, 16 * 1024), ("yolov3-tiny.cfg", 64, 32 * 1024)])
  func transfersAddUpToEveryUnitsCost(file: String, side: Int, buffer: Int) throws {
    let network = try bundled(file, side: side)
    for strategy in Strategy.allCases {
      let plan = try network.plan(strategy, context: PlanContext(buffer: buffer))
      var traffic = Array(repeating: Traffic.zero, count: plan.units.count)
      var bits = Array(repeating: 0, count: plan.units.count)
      var skips = Array(repeating: 0, count: plan.units.count)
      for moved in plan.transfers {
        let transfer = moved.transfer
        #expect(transfer.entries <= transfer.regionEntries)
        bits[moved.unit] += transfer.bits
        switch (transfer.operand, transfer.direction) {
        case (.input, _): traffic[moved.unit].inputReads += transfer.entries
        case (.skip, _):
          traffic[moved.unit].inputReads += transfer.entries
          skips[moved.unit] += transfer.entries
        case (.weights, _): traffic[moved.unit].weightReads += transfer.entries
        case (.output, _): traffic[moved.unit].outputWrites += transfer.entries
        case (.psum, .read): traffic[moved.unit].psumReads += transfer.entries
        case (.psum, .write): traffic[moved.unit].psumWrites += transfer.entries
        }
      }
      for (index, unit) in plan.units.enumerated() {
        let cost = plan.unitCosts[index]
        #expect(traffic[index] == cost.traffic, "\(strategy.rawValue) \(unit.name)")
        #expect(bits[index] == cost.bits, "\(strategy.rawValue) \(unit.name)")
        #expect(skips[index] == cost.skipReads, "\(strategy.rawValue) \(unit.name)")
      }
      #expect(bits.reduce(0, +) == plan.cost.bits)
    }
  }

  @Test func oneUnitsTransfersKeepTheirUnitIndex() throws {
    let plan = try bundled("mobilenetv2.yaml", side: 32).plan(.fusedGreedy, context: PlanContext(buffer: 8192))
    let index = plan.units.count / 2
    let all = plan.transfers.filter { $0.unit == index }
    #expect(Array(try plan.transfers(ofUnit: index)) == all)
    #expect(throws: DSEError.self) { try plan.transfers(ofUnit: plan.units.count) }
  }

  /// A streaming layer's transfers are made as they are consumed: an add of 300 operands of
  /// 5000 x 13 x 13 has 19.5 million of them (gigabytes as one array), and its first ones come
  /// at once, in the walk's order: row 0 of channel 0 of every operand, then that output row.
  @Test func aWideAddsTransfersStreamWithoutBeingHeldAtOnce() throws {
    let operands = Array(repeating: "a", count: 300).joined(separator: ", ")
    let text = """
      name: wide-add
      input: [5000, 13, 13]
      layers:
        - {name: a, op: depthwise, kernel: 1}
        - {name: sum, op: add, inputs: [\(operands)]}
      """
    let network = try NetworkAnalysis(text: text, format: .yaml)
    let plan = try network.plan(.layerwiseRowMajor, context: PlanContext(buffer: 65536))
    let index = try #require(plan.units.firstIndex { $0.name == "sum" })
    let first = Array(try plan.transfers(ofUnit: index).prefix(302)).map(\.transfer)
    #expect(first.count == 302)
    let row = CoordinateBox([[0...0], [0...0], [0...12]])
    #expect(first.prefix(300).allSatisfy { $0.operand == .input && $0.step == 0 && $0.region == [row] })
    // Each operand has its own slot, so each moves the row even though all read one tensor.
    #expect(first.prefix(300).allSatisfy { $0.entries == 13 })
    #expect(first[300].operand == .output && first[300].region == [row] && first[300].step == 0)
    #expect(first[301].operand == .input && first[301].step == 1)
  }

  /// A streaming layer's buffer split is what its executor holds: each input's largest tile (a
  /// row of every addend here) and the output row. At exactly that many entries the layer plans
  /// and runs bit-exact; one entry less, planning refuses it, naming the layer and the need.
  @Test func aStreamingLayerFitsExactlyInItsSplit() throws {
    let operands = (0..<40).map { "i\($0)" }
    let text = """
      name: many-addends
      inputs: {\(operands.map { "\($0): [2, 3, 5]" }.joined(separator: ", "))}
      layers:
        - {name: sum, op: add, inputs: [\(operands.joined(separator: ", "))]}
      """
    let network = try NetworkAnalysis(text: text, format: .yaml)
    let need = 40 * 5 + 5
    let plan = try network.plan(.layerwiseRowMajor, context: PlanContext(buffer: need))
    #expect(plan.unitCosts[0].footprint == need)
    let verification = try Verifier(network, calibration: 1).verify(plan)
    #expect(verification.passed, "\(verification.units.map { $0.failure ?? "ok" })")
    #expect {
      _ = try network.plan(.layerwiseRowMajor, context: PlanContext(buffer: need - 1))
    } throws: { error in
      "\(error)".contains("sum") && "\(error)".contains("streaming one output row holds") && "\(error)".contains("\(need) entries")
    }
  }

  @Test func plansRoundTripThroughJSON() throws {
    let network = try bundled("mobilenetv2.yaml", side: 32)
    for strategy in Strategy.allCases {
      let plan = try network.plan(strategy, context: PlanContext(buffer: 8192))
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys]
      let data = try encoder.encode(plan)
      let decoded = try JSONDecoder().decode(Plan.self, from: data)
      #expect(decoded == plan)
      #expect(try encoder.encode(decoded) == data)
      // A decoded plan walks without its network.
      #expect(decoded.transfers.reduce(0) { $0 + $1.transfer.bits } == plan.cost.bits)
    }
  }

  /// The costs add up: a plan's cost is the sum of its units', and the CSV figures follow from it.
  @Test func aPlansCostIsTheSumOfItsUnits() throws {
    let plan = try bundled("resnet50-cp.yaml", side: 32).plan(.optimal, context: PlanContext(buffer: 16 * 1024))
    let sum = plan.unitCosts.reduce(Cost.zero, +)
    #expect(sum == plan.cost)
    #expect(plan.cost.entries == plan.record.plan.traffic.total)
    #expect(plan.cost.bytes == plan.record.plan.bytes)
    #expect(plan.cost.floor == plan.record.plan.floor)
    #expect(plan.cost.entries >= plan.cost.floor && plan.cost.entries >= plan.networkFloor.entries)
  }

  /// Eight threads planning at once give the same plans as one thread planning them in turn.
  @Test func planningFromEightThreadsMatchesSerialPlanning() throws {
    let network = try bundled("mobilenetv2.yaml", side: 32)
    let jobs: [(Strategy, Int)] = Strategy.allCases.flatMap { strategy in [8192, 32768].map { (strategy, $0) } }
    let serial = try jobs.map { try network.plan($0.0, context: PlanContext(buffer: $0.1)).record.plan }
    let results = Results(count: jobs.count * 2)
    DispatchQueue.concurrentPerform(iterations: 8) { thread in
      for index in stride(from: thread, to: jobs.count * 2, by: 8) {
        let (strategy, buffer) = jobs[index % jobs.count]
        results.set(index, Result { () throws(DSEError) in try network.plan(strategy, context: PlanContext(buffer: buffer)).record.plan })
      }
    }
    for index in 0..<(jobs.count * 2) {
      #expect(try results.get(index) == serial[index % jobs.count])
    }
  }

  /// `maxStages` and `maxSegmentLength` bound the segments of both fusing strategies: no segment
  /// exceeds them, more stages never cost more, and a length of 1 fuses nothing.
  @Test func segmentLimitsReachBothFusingStrategies() throws {
    let network = try bundled("mobilenetv2.yaml", side: 32)
    func stages(_ unit: PlanUnit) -> Int {
      if case .segment(let schedule) = unit { schedule.segment.stageChannels.count } else { 1 }
    }
    var entries: [Int: Int] = [:]
    for maxStages in [3, 5] {
      let context = PlanContext(buffer: 32768, maxSegmentLength: 8, maxStages: maxStages)
      let optimal = try network.plan(.optimal, context: context)
      let greedy = try network.plan(.fusedGreedy, context: context)
      for unit in optimal.record.plan.units + greedy.record.plan.units {
        #expect(stages(unit) <= maxStages && unit.layerNames.count <= 8, "\(unit.name)")
      }
      entries[maxStages] = optimal.cost.entries
    }
    // Two MobileNetV2 blocks in one segment keep the first block's output on chip.
    #expect(try #require(entries[5]) < #require(entries[3]))
    let alone = try network.plan(.fusedGreedy, context: PlanContext(buffer: 8192, maxSegmentLength: 1))
    #expect(alone.record.plan.units.allSatisfy { $0.layerNames.count == 1 })
    let bad = #expect(throws: DSEError.self) { try network.plan(.optimal, context: PlanContext(buffer: 8192, maxStages: 0)) }
    #expect(bad?.kind == .invalidArgument && bad?.field == "max_stages")
  }

  @Test func errorsAreTypedAndNameWhatIsAtFault() throws {
    let missing = #expect(throws: DSEError.self) { try NetworkAnalysis(file: "/nonexistent/net.yaml") }
    #expect(missing?.kind == .invalidInput && missing?.file == "/nonexistent/net.yaml")
    let malformed = #expect(throws: DSEError.self) {
      try NetworkAnalysis(text: "name: x\ninput: [3, 8, 8]\nlayers:\n  - {op: conv, kernel: 0}\n", format: .yaml, name: "bad.yaml")
    }
    #expect(malformed?.kind == .invalidInput)
    #expect(malformed?.description.hasPrefix("bad.yaml:4: ") == true, "\(String(describing: malformed))")
    let network = try bundled("mobilenetv2.yaml", side: 32)
    let zero = #expect(throws: DSEError.self) { try network.plan(.optimal, context: PlanContext(buffer: 0)) }
    #expect(zero?.kind == .invalidArgument && zero?.field == "buffer")
    let tiny = #expect(throws: DSEError.self) { try network.plan(.layerwiseScan, context: PlanContext(buffer: 4)) }
    #expect(tiny?.kind == .planning)
    #expect(tiny?.description.contains("network 'mobilenetv2'") == true, "\(String(describing: tiny))")
    #expect(throws: DSEError.self) { try NetworkFormat(name: "onnx") }
    #expect(throws: StrategyNameError.self) { try Strategy.parseList("optimal,best") }
  }

  @Test func sweepsComeBackInTheirOwnOrderForAnyNumberOfJobs() throws {
    let networks = [try bundled("mobilenetv2.yaml", side: 32), try bundled("squeezenet1_1.yaml", side: 32)]
    let sweep = Sweep(strategies: [.layerwiseRowMajor, .fusedGreedy], buffers: [8192, 16384], context: PlanContext(buffer: 8192))
    let one = try sweep.run(networks)
    // More threads than networks (two run one network's sizes at once), and as many.
    for jobs in [4, 2] {
      var parallel = sweep
      parallel.jobs = jobs
      let many = try parallel.run(networks)
      #expect(one.map { $0.plans.map(\.record.plan) } == many.map { $0.plans.map(\.record.plan) }, "\(jobs) jobs")
    }
    #expect(one[0].plans.map(\.strategy) == [.layerwiseRowMajor, .fusedGreedy, .layerwiseRowMajor, .fusedGreedy])
    #expect(one[0].plans.map(\.buffer) == [8192, 8192, 16384, 16384])
    // Each plan's time by phase: a layerwise plan searches no segment, and the first fused plan
    // of a network (its largest size, planned first) enumerates its segments' spatial tilings.
    for result in one {
      #expect(result.phases.count == result.plans.count)
      for (plan, phases) in zip(result.plans, result.phases) {
        #expect(phases.total >= phases.searches.total + phases.solver - 1e-3, "\(plan.strategy)")
        if plan.strategy == .layerwiseRowMajor {
          #expect(phases.searches.segmentSpatialTilings == 0 && phases.searches.segmentSearches == 0)
        }
      }
      let fused = zip(result.plans, result.phases).filter { $0.0.strategy == .fusedGreedy && $0.0.buffer == 16384 }
      #expect(fused.count == 1 && fused.allSatisfy { $0.1.searches.segmentSpatialTilings > 0 })
    }
  }
}

/// The first fenced block of `language` in README.md's section on calling dse.
func readmeBlock(_ language: String) -> String? {
  guard let readme = try? String(contentsOf: packageRoot.appendingPathComponent("README.md"), encoding: .utf8),
    let section = readme.range(of: "## Calling dse from Swift, C and Python"),
    let open = readme.range(of: "```\(language)\n", range: section.upperBound..<readme.endIndex),
    let close = readme.range(of: "\n```", range: open.upperBound..<readme.endIndex)
  else { return nil }
  return String(readme[open.upperBound..<close.lowerBound]) + "\n"
}

/// A folder where nets/mobilenetv2.yaml is the bundled MobileNetV2 at 32x32 input: the README's
/// examples run there as written, in seconds.
func readmeFolder() throws -> URL {
  let folder = try scratchFolder()
  let nets = folder.appendingPathComponent("nets")
  try FileManager.default.createDirectory(at: nets, withIntermediateDirectories: true)
  let text = try String(contentsOf: packageRoot.appendingPathComponent("nets/mobilenetv2.yaml"), encoding: .utf8)
  let small = text.replacingOccurrences(of: "input: [3, 224, 224]", with: "input: [3, 32, 32]")
  guard small != text else { throw TestFailure("nets/mobilenetv2.yaml no longer has input: [3, 224, 224]") }
  try Data(small.utf8).write(to: nets.appendingPathComponent("mobilenetv2.yaml"))
  return folder
}

/// Results written by several threads, each to its own index.
final class Results: @unchecked Sendable {
  private var values: [Result<NetworkPlan, DSEError>?]
  private let lock = NSLock()

  init(count: Int) { values = Array(repeating: nil, count: count) }

  func set(_ index: Int, _ value: Result<NetworkPlan, DSEError>) { lock.withLock { values[index] = value } }

  func get(_ index: Int) throws -> NetworkPlan? { try lock.withLock { values[index] }?.get() }
}

@Suite struct UnitLoopsTests {
  /// The loops a simulator reads name the tiling the cost was priced for: every tile within its
  /// extent, the order a permutation of the axes, Scan only on them.
  @Test func loopsDescribeEveryUnitsTiling() throws {
    let network = try bundled("resnet50-cp.yaml", side: 32)
    for strategy in Strategy.allCases {
      let plan = try network.plan(strategy, context: PlanContext(buffer: 16 * 1024))
      for unit in plan.units {
        let loops = unit.loops
        #expect(loops.axes.count == loops.tile.count && Set(loops.order) == Set(loops.axes), "\(unit.name)")
        #expect(Set(loops.scanned).isSubset(of: loops.axes))
        #expect(loops.tile.allSatisfy { $0 >= 1 })
        switch unit {
        case .layer(let schedule):
          switch schedule.workload {
          case .gemm(let shape):
            #expect(loops.axes == ["m", "k", "n"] && zip(loops.tile, [shape.m, shape.k, shape.n]).allSatisfy { $0 <= $1 })
          case .convolution(let problem):
            #expect(Set(loops.axes) == Set(problem.dimensions.map(\.rawValue)))
          case .streaming:
            #expect(loops.axes.isEmpty)
          }
          #expect(unit.split == schedule.split)
        case .segment(let schedule):
          #expect(loops.tile == [schedule.tiling.rows, schedule.tiling.columns] && loops.chunks == schedule.tiling.chunks)
          #expect(unit.split.total == schedule.cost.footprint)
        }
      }
    }
  }
}
