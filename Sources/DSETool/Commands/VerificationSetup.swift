import DSE
import Foundation

/// What `dse verify` and `dse bench --verify` run plans against: the network quantized (seeded
/// weights, or a Darknet .weights file; seeded calibration inputs) and its untiled fixed-point
/// reference on a held-out seeded input.
struct VerificationSetup {
  let analysis: NetworkAnalysis
  let study: QuantizationStudy
  let input: [String: FloatBlock]
  let reference: [String: IntegerBlock]
  /// Time taken by quantization and the reference run.
  let seconds: Double

  /// `darknetWeights`: the .weights file and the .cfg it goes with.
  init(_ analysis: NetworkAnalysis, darknetWeights: (weights: String, cfg: String)?, seed: UInt64, calibration: Int) throws {
    let started = Date()
    self.analysis = analysis
    // Before the weights are drawn: they alone could be more than memory holds.
    try ExecutionLimits.check(analysis)
    let parameters =
      try darknetWeights.map { try DarknetWeights.read(weightsPath: $0.weights, cfgPath: $0.cfg, analysis: analysis) }
      ?? NetworkWeights.seeded(analysis, seed: seed)
    study = try QuantizationStudy(analysis, weights: parameters, options: .init(calibrationCount: calibration, seed: seed))
    input = SeededInputs.image(analysis.network, seed: seed, index: 0)
    reference = try FixedPointNetwork.run(analysis, quantization: study.quantization, inputs: input)
    seconds = Date().timeIntervalSince(started)
  }

  func plan(_ strategy: SweepStrategy, buffer: Int, psumWidth: Int) throws -> NetworkPlan {
    switch strategy {
    case .layerwiseRowMajor: return try LayerPlanner.plan(analysis, buffer: buffer, strategy: .rowMajor, psumWidth: psumWidth)
    case .layerwiseScan: return try LayerPlanner.plan(analysis, buffer: buffer, strategy: .scan, psumWidth: psumWidth)
    case .fusedGreedy: return try FusedGreedyPlanner.plan(analysis, buffer: buffer, psumWidth: psumWidth)
    case .optimal:
      let options = CandidateOptions(psumWidth: psumWidth)
      return try OptimalPlanner.plan(try CandidateEnumerator.candidates(analysis, buffer: buffer, options: options)).plan
    }
  }

  /// Every unit of every plan, tile by tile (a unit two plans share runs once).
  func verify(_ plans: [NetworkPlan], psumWidth: Int) throws -> [PlanVerification] {
    try PlanVerification.verify(
      plans, analysis: analysis, quantization: study.quantization, inputs: input, reference: reference, psumWidth: psumWidth)
  }
}
