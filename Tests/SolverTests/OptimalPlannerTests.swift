import Foundation
import Networks
import Solver
import Testing
import Tiling

/// The optimizer on bundled networks: live at reduced resolution (candidates searched here),
/// and at full resolution on the candidates the reference sweep committed.
@Suite struct OptimalPlannerTests {
  /// Every bundled network, with the side its reduced copy keeps and a buffer size for it.
  static let bundled = [
    "mobilenetv2.yaml", "mobilenetv1.yaml", "resnet50.yaml", "resnet50-cp.yaml", "vgg16.yaml", "vgg16-cifar10.yaml",
    "alexnet.yaml", "squeezenet1_1.yaml", "yolov3.cfg", "yolov3-tiny.cfg",
  ]

  /// The reduced networks planned end to end: MILP == dynamic program; never worse than
  /// fused-greedy or layerwise-scan (their units are among the candidates); every fused unit
  /// walked, within the buffer and at or above its floor.
  @Test(arguments: [("mobilenetv2.yaml", 32, 8 * 1024), ("mobilenetv2.yaml", 32, 20 * 1024), ("resnet50-cp.yaml", 32, 16 * 1024)])
  func reducedNetworkPlans(file: String, side: Int, buffer: Int) throws {
    let analysis = try bundledAnalysis(file, side: side)
    let candidates = try CandidateEnumerator.candidates(analysis, buffer: buffer)
    let optimal = try OptimalPlanner.plan(candidates)
    #expect(optimal.solver == "milp")
    let exact = try #require(
      ChainProgram.cheapestCover(layerCount: analysis.layers.count, candidates: candidates.problem.candidates) {
        Objective.energy.cost($0, energy: .default)
      })
    #expect(optimal.solution.objective == exact.cost)
    let plan = optimal.plan
    #expect(plan.units.flatMap(\.layerNames) == analysis.layers.map(\.name))
    let greedy = try FusedGreedyPlanner.plan(analysis, buffer: buffer)
    let scan = try LayerPlanner.plan(analysis, buffer: buffer, scan: .allowed)
    let bits = plan.units.reduce(0) { $0 + $1.bitsMoved }
    #expect(bits <= greedy.units.reduce(0) { $0 + $1.bitsMoved })
    #expect(bits <= scan.units.reduce(0) { $0 + $1.bitsMoved })
    #expect(!plan.segments.isEmpty)
    for schedule in plan.segments {
      #expect(schedule.cost.footprint <= buffer)
      #expect(SegmentModel(segment: schedule.segment).split(of: schedule.tiling).total == schedule.cost.footprint)
      #expect(schedule.cost.traffic.total >= schedule.floor, "\(schedule.segment.name) below its floor")
      let walked = SegmentWalk(segment: schedule.segment, tiling: schedule.tiling).traffic()
      #expect(walked == schedule.cost.traffic, "\(schedule.segment.name)")
    }
    #expect(plan.traffic.total >= TrafficFloor.network(analysis).entries)
  }

  /// Pruning losing segments never changes the optimum: the same plan cost with every candidate.
  @Test func pruningKeepsTheOptimum() throws {
    var prunedSome = false
    for (file, buffer) in [("mobilenetv2.yaml", 2 * 1024), ("mobilenetv2.yaml", 24 * 1024), ("resnet50-cp.yaml", 4 * 1024)] {
      let analysis = try bundledAnalysis(file, side: 32)
      // Three stages: every unpruned segment is searched without a cut-off, slow for long ones in debug.
      let limits = CandidateOptions(maxLength: 8, maxStages: 3)
      var unpruned = limits
      unpruned.pruneLosingAbove = .max
      let pruned = try CandidateEnumerator.candidates(analysis, buffer: buffer, options: limits)
      let every = try CandidateEnumerator.candidates(analysis, buffer: buffer, options: unpruned)
      #expect(pruned.candidates.count <= every.candidates.count)
      if pruned.candidates.count < every.candidates.count { prunedSome = true }
      let cost = { (set: CandidateSet) in try PartitionSolver.solve(set.problem).objective }
      #expect(try cost(pruned) == cost(every), "\(file) at \(buffer)")
    }
    #expect(prunedSome, "no case left a losing segment out: the test checks nothing")
  }

  /// A coupled objective's candidates: every segment of up to 3 stages as the unpruned
  /// enumeration finds it, longer ones exactly where the pruned one keeps them; so a constraint
  /// that binds nothing gives the uncoupled optimum.
  @Test func coupledCandidatesKeepShortSegmentsInFull() throws {
    let analysis = try bundledAnalysis("mobilenetv2.yaml", side: 32)
    let buffer = 2 * 1024
    func candidates(stages: Int, above: Int) throws -> [PlanCandidate] {
      let options = CandidateOptions(maxLength: 8, maxStages: stages, pruneLosingAbove: above)
      return try CandidateEnumerator.candidates(analysis, buffer: buffer, options: options).candidates
    }
    func stages(_ candidate: PlanCandidate) -> Int {
      if case .segment(let schedule) = candidate.unit { schedule.segment.stageChannels.count } else { 0 }
    }
    let coupled = try CandidateEnumerator.candidates(
      analysis, buffer: buffer,
      options: CandidateOptions(maxLength: 8, maxStages: 5, pruneLosingAbove: CandidateOptions.forCoupledObjectives))
    let short = try candidates(stages: 3, above: .max)
    let pruned = try candidates(stages: 5, above: CandidateOptions.everyLosing)
    #expect(coupled.candidates.filter { stages($0) <= 3 }.map(\.figures) == short.map(\.figures))
    #expect(coupled.candidates.filter { stages($0) > 3 }.map(\.figures) == pruned.filter { stages($0) > 3 }.map(\.figures))
    #expect(pruned.contains { stages($0) > 3 }, "no segment of more than 3 stages: the test checks nothing")
    #expect(short.count > pruned.filter { stages($0) <= 3 }.count, "nothing pruned: the test checks nothing")
    let loose = PlanConstraints(maxSegments: analysis.layers.count)
    let uncoupled = try CandidateEnumerator.candidates(
      analysis, buffer: buffer, options: CandidateOptions(maxLength: 8, maxStages: 5))
    #expect(try PartitionSolver.solve(coupled.problem, constraints: loose).objective == PartitionSolver.solve(uncoupled.problem).objective)
  }

  /// Every candidate's tensors (`moves`) add up to its bits at the declared widths; with a
  /// width choice, the plan re-priced by the models moves exactly the bits the MILP priced, and
  /// stays within the budget.
  @Test func widthChoiceOnAReducedNetwork() throws {
    let analysis = try bundledAnalysis("mobilenetv2.yaml", side: 16)
    let buffer = 8 * 1024
    let options = CandidateOptions(maxLength: 8, maxStages: 3, pruneLosingAbove: .max)
    let candidates = try CandidateEnumerator.candidates(analysis, buffer: buffer, options: options)
    for figures in candidates.problem.candidates {
      let declared = figures.moves.reduce(0) { total, move in
        switch move.owner {
        case .weights(let layer): return total + move.entries * analysis.layers[layer].layer.precision.weightBits
        case .activations(let layer): return total + move.entries * analysis.layers[layer].layer.precision.activationBits
        case .input(let bits): return total + move.entries * bits
        }
      }
      #expect(declared == figures.bits, "\(figures.layers)")
    }
    // Every weighted layer may take 4 or 8 bits; 4 costs ten times the error of 8.
    var errors: [String: [Int: Double]] = [:]
    for layer in analysis.layers where layer.weightCount > 0 { errors[layer.name] = [4: 0.01, 8: 0.001] }
    let table = ErrorTable(errors: errors)
    let budget = 0.001 * Double(errors.count) + 0.01 * 6
    let choices = try WidthChoices(table: table, widths: [4, 8], budget: budget, analysis: analysis, file: "table")
    let optimal = try OptimalPlanner.plan(candidates, constraints: PlanConstraints(widths: choices))
    #expect(optimal.solver == "milp", "\(optimal.warnings)")
    let narrowed = optimal.solution.widths.values.filter { $0 == 4 }.count
    #expect(narrowed == 6, "the budget pays for exactly six 4-bit layers")
    let plan = optimal.plan
    let pricedBits = optimal.solution.objective / EnergyModel.default.dramPicojoulesPerByte * 8
    #expect(abs(plan.units.reduce(0) { $0 + $1.bitsMoved } - pricedBits) < 1e-6 * pricedBits)
    let declaredPlan = try OptimalPlanner.plan(try CandidateEnumerator.candidates(analysis, buffer: buffer))
    #expect(plan.dramEnergy(.default) < declaredPlan.plan.dramEnergy(.default))
  }

  /// On the candidates of the committed reference sweep (results/<net>-candidates.csv, every
  /// bundled network at 16K..256K entries, full resolution), the MILP's optimum equals the
  /// dynamic program's, bit for bit.
  @Test(arguments: bundled)
  func milpEqualsDynamicProgramOnReferenceCandidates(file: String) throws {
    let name = try NetworkFormat.load(path: packageRoot.appendingPathComponent("nets/\(file)").path).name
    let path = packageRoot.appendingPathComponent("results/\(name)-candidates.csv").path
    let problems = try PartitionProblem.parse(csv: try String(contentsOfFile: path, encoding: .utf8), file: path)
    #expect(problems.map(\.buffer) == [16, 32, 64, 128, 256].map { $0 * 1024 }, "\(path)")
    for problem in problems {
      let solution = try PartitionSolver.solve(problem)
      let exact = try #require(
        ChainProgram.cheapestCover(layerCount: problem.layerCount, candidates: problem.candidates) {
          Double($0.bits)
        })
      #expect(solution.solver == "milp", "\(name) at \(problem.buffer)")
      #expect(Double(solution.chosen.reduce(0) { $0 + problem.candidates[$1].bits }) == exact.cost, "\(name) at \(problem.buffer)")
    }
  }
}
