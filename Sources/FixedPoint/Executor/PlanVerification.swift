import Networks
import Tiling

/// What running one unit of a plan showed.
public struct UnitVerification: Hashable, Sendable {
  public var unit: String
  public var layers: [String]
  /// Whether the scheduled execution's output equals the untiled fixed-point reference, bit for bit.
  public var bitExact: Bool
  /// Transfers the execution made, and what the cost model predicts for the schedule.
  public var counted: Traffic
  public var predicted: Traffic
  /// Why the execution stopped (a read of an element not in the buffer, an overfull buffer, a
  /// unit the executor cannot run); nil when it ran to the end.
  public var failure: String?

  public var passed: Bool { failure == nil && bitExact && counted == predicted }
}

/// A plan run unit by unit against the untiled fixed-point reference (`FixedPointNetwork.run`).
public struct PlanVerification: Sendable {
  public var units: [UnitVerification]

  public var passed: Bool { units.allSatisfy(\.passed) }
  public var counted: Traffic { units.reduce(.zero) { $0 + $1.counted } }
  public var predicted: Traffic { units.reduce(.zero) { $0 + $1.predicted } }

  /// Executes every unit of `plan` tile by tile with a buffer of `plan.buffer` entries and
  /// compares each output with `reference`.
  ///
  /// Each unit reads the reference's tensors from DRAM (the network inputs quantized as the
  /// reference does them): a unit that fails is reported alone, not with every unit after it.
  /// When every unit is bit-exact, this is the same as running the plan end to end.
  package init(
    plan: NetworkPlan, analysis: NetworkAnalysis, quantization: NetworkQuantization, inputs: [String: FloatBlock],
    reference: [String: IntegerBlock], psumWidth: Int = 1
  ) throws(FixedPointError) {
    var verifier = try Verifier(
      analysis: analysis, quantization: quantization, inputs: inputs, reference: reference, psumWidth: psumWidth)
    self = try verifier.verify(plan)
  }

  /// Several plans of one network: a unit two plans share (the same schedule at the same buffer
  /// size, as a layer left alone by every strategy often is) runs once.
  package static func verify(
    _ plans: [NetworkPlan], analysis: NetworkAnalysis, quantization: NetworkQuantization, inputs: [String: FloatBlock],
    reference: [String: IntegerBlock], psumWidth: Int = 1
  ) throws(FixedPointError) -> [PlanVerification] {
    var verifier = try Verifier(
      analysis: analysis, quantization: quantization, inputs: inputs, reference: reference, psumWidth: psumWidth)
    var verifications: [PlanVerification] = []
    for plan in plans { verifications.append(try verifier.verify(plan)) }
    return verifications
  }

  private init(units: [UnitVerification]) { self.units = units }

  /// DRAM holding the reference's tensors and the weights, and the units already run.
  private struct Verifier {
    let layers: [String: LayerAnalysis]
    /// The network's quantization with every layer's weights as read back from DRAM.
    let quantization: NetworkQuantization
    let reference: [String: IntegerBlock]
    let psumWidth: Int
    let dram: DRAMImage
    var done: [UnitKey: UnitVerification] = [:]

    struct UnitKey: Hashable {
      var unit: PlanUnit
      var buffer: Int
    }

    init(
      analysis: NetworkAnalysis, quantization: NetworkQuantization, inputs: [String: FloatBlock],
      reference: [String: IntegerBlock], psumWidth: Int
    ) throws(FixedPointError) {
      layers = Dictionary(uniqueKeysWithValues: analysis.layers.map { ($0.name, $0) })
      self.reference = reference
      self.psumWidth = psumWidth
      // Inputs, then each layer's weights and output, in network order, each at its width.
      var dram = DRAMImage()
      for (name, block) in inputs.sorted(by: { $0.key < $1.key }) {
        guard let format = quantization.inputs[name] else { throw FixedPointError("network input '\(name)' has no format") }
        try dram.place(name, format.quantize(block.values), bits: format.bits)
      }
      var stored = quantization
      for layer in analysis.layers {
        guard let q = quantization.layers[layer.name], let output = reference[layer.name] else {
          throw FixedPointError("layer '\(layer.name)' is not quantized")
        }
        if let format = q.weights {
          try dram.place(Self.weights(of: layer.name), q.quantizedWeights, bits: format.bits)
          stored.layers[layer.name]?.quantizedWeights = dram.read(Self.weights(of: layer.name)) ?? []
        }
        try dram.place(layer.name, output.values, bits: q.output.bits)
      }
      self.dram = dram
      self.quantization = stored
    }

    static func weights(of layer: String) -> String { "\(layer) weights" }

    mutating func verify(_ plan: NetworkPlan) throws(FixedPointError) -> PlanVerification {
      var units: [UnitVerification] = []
      for unit in plan.units {
        let key = UnitKey(unit: unit, buffer: plan.buffer)
        if let known = done[key] {
          units.append(known)
          continue
        }
        let verification = try run(unit, buffer: plan.buffer)
        done[key] = verification
        units.append(verification)
      }
      return PlanVerification(units: units)
    }

    private func run(_ unit: PlanUnit, buffer: Int) throws(FixedPointError) -> UnitVerification {
      var verification = UnitVerification(
        unit: unit.name, layers: unit.layerNames, bitExact: false, counted: .zero, predicted: unit.traffic, failure: nil)
      let outcome: Result<ConvolutionExecution.Result, ExecutionFailure>
      switch unit {
      case .segment(let schedule):
        outcome = try PlanVerification.execute(
          schedule, layers: layers, quantization: quantization, dram: dram, buffer: buffer, psumWidth: psumWidth)
      case .layer(let schedule):
        guard let layer = layers[schedule.layer] else {
          throw FixedPointError("unit '\(unit.name)' names a layer the network does not have")
        }
        guard let q = quantization.layers[layer.name] else { throw FixedPointError("layer '\(layer.name)' is not quantized") }
        var sources: [[Int32]] = []
        for name in layer.layer.inputs {
          guard let tensor = dram.read(name) else { throw FixedPointError("layer '\(layer.name)' reads '\(name)', which is not a tensor of the network") }
          sources.append(tensor)
        }
        outcome = PlanVerification.execute(
          schedule, layer: layer, quantization: q, inputs: sources, buffer: buffer, psumWidth: psumWidth)
      }
      let last = unit.layerNames[unit.layerNames.count - 1]
      switch outcome {
      case .success(let result):
        verification.counted = result.traffic
        // The output as DRAM stores it, at its width (a value that does not fit is a failure).
        let bits = quantization.layers[last]?.output.bits ?? 32
        do {
          let stored = DRAMImage.decode(try DRAMImage.encode(result.output, bits: bits, tensor: last)[...], count: result.output.count, bits: bits)
          verification.bitExact = reference[last]?.values == stored
        } catch {
          verification.failure = "writing the output to DRAM: \(error)"
        }
      case .failure(let failure):
        verification.failure = failure.description
      }
      return verification
    }
  }

  /// A fused segment, on the DRAM tensors it reads.
  private static func execute(
    _ schedule: SegmentSchedule, layers: [String: LayerAnalysis], quantization: NetworkQuantization,
    dram: DRAMImage, buffer: Int, psumWidth: Int
  ) throws(FixedPointError) -> Result<ConvolutionExecution.Result, ExecutionFailure> {
    let segment = schedule.segment
    var quantizations: [LayerQuantization] = []
    var chainPositions: [Int] = []
    var externalSkips: [Int: [Int32]] = [:]
    for (index, layer) in segment.layers.enumerated() {
      guard let q = quantization.layers[layer.name], let analysis = layers[layer.name] else {
        throw FixedPointError("layer '\(layer.name)' of segment '\(segment.name)' is not quantized")
      }
      quantizations.append(q)
      chainPositions.append(index == 0 ? 0 : analysis.layer.inputs.firstIndex(of: segment.layers[index - 1].name) ?? 0)
      if case .external(let name, _)? = layer.skip {
        guard let tensor = dram.read(name) else { throw FixedPointError("'\(layer.name)' reads '\(name)', which is not a tensor of the network") }
        externalSkips[index] = tensor
      }
    }
    guard let input = dram.read(segment.inputName) else {
      throw FixedPointError("segment '\(segment.name)' reads '\(segment.inputName)', which is not a tensor of the network")
    }
    let execution = SegmentExecution(
      segment: segment, tiling: schedule.tiling, capacity: buffer, psumWidth: psumWidth, quantization: quantizations,
      chainPositions: chainPositions, input: input, externalSkips: externalSkips)
    return Result { () throws(ExecutionFailure) in try execution.run() }
  }

  private static func execute(
    _ schedule: LayerSchedule, layer: LayerAnalysis, quantization q: LayerQuantization, inputs: [[Int32]], buffer: Int,
    psumWidth: Int
  ) -> Result<ConvolutionExecution.Result, ExecutionFailure> {
    Result { () throws(ExecutionFailure) in
      try run(schedule, layer: layer, quantization: q, inputs: inputs, buffer: buffer, psumWidth: psumWidth)
    }
  }

  private static func run(
    _ schedule: LayerSchedule, layer: LayerAnalysis, quantization q: LayerQuantization, inputs: [[Int32]], buffer: Int,
    psumWidth: Int
  ) throws(ExecutionFailure) -> ConvolutionExecution.Result {
    let finish = { (channel: Int, accumulator: Int32) -> Int32 in
      q.requantizer.apply(Int64(accumulator) + (q.quantizedBias.isEmpty ? 0 : Int64(q.quantizedBias[channel])))
    }
    // The executors run the walk's own stream: what it loads and writes is what the plan's
    // transfers say (one stream, with the traces and the library's iterator).
    let transfers = PlanUnit.layer(schedule).transfers()
    switch (schedule.choice, try? LayerWorkload(layer)) {
    case (.convolution(let tiling), .convolution(let problem)?):
      return try ConvolutionExecution(
        name: layer.name, problem: problem, tiling: tiling, capacity: buffer, psumWidth: psumWidth, input: inputs[0],
        weights: q.quantizedWeights, transfers: transfers, finish: finish
      ).run()
    case (.gemm(let tiling), .gemm(let shape)?):
      let input = layer.inputShape
      let output = layer.outputShape
      let isFullyConnected = layer.kind == .fc
      let (strideY, strideX) = (layer.stride.height, layer.stride.width)
      return try GEMMExecution(
        name: layer.name, shape: shape, tiling: tiling, capacity: buffer, psumWidth: psumWidth,
        inputIndex: { m, k in
          isFullyConnected ? k : (k * input.height + (m / output.width) * strideY) * input.width + (m % output.width) * strideX
        },
        outputIndex: { m, n in isFullyConnected ? n : n * output.height * output.width + m },
        outputCount: output.elementCount ?? 0, input: inputs[0], weights: q.quantizedWeights,
        inputExtents: [input.channels, input.height, input.width], outputExtents: [output.channels, output.height, output.width],
        transfers: transfers, finish: finish
      ).run()
    case (.streaming, .streaming?):
      return try StreamingExecution(layer: layer, quantization: q, capacity: buffer, inputs: inputs, transfers: transfers).run()
    default:
      throw ExecutionFailure(
        unit: layer.name, step: 0, tile: "-", operand: "schedule", message: "the schedule does not match the layer's workload")
    }
  }
}
