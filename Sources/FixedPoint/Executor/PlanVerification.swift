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

  /// Executes every unit of `plan` tile by tile with a buffer of `plan.buffer` entries, each unit
  /// reading what the units before it wrote (the network inputs quantized as the reference does),
  /// and compares each output with `reference`.
  public init(
    plan: NetworkPlan, analysis: NetworkAnalysis, quantization: NetworkQuantization, inputs: [String: FloatBlock],
    reference: [String: IntegerBlock], psumWidth: Int = 1
  ) throws(FixedPointError) {
    var dram: [String: [Int32]] = [:]
    for (name, block) in inputs {
      guard let format = quantization.inputs[name] else { throw FixedPointError("network input '\(name)' has no format") }
      dram[name] = format.quantize(block.values)
    }
    let layers = Dictionary(uniqueKeysWithValues: analysis.layers.map { ($0.name, $0) })
    units = []
    for unit in plan.units {
      var verification = UnitVerification(
        unit: unit.name, layers: unit.layerNames, bitExact: false, counted: .zero, predicted: unit.traffic, failure: nil)
      guard case .layer(let schedule) = unit, let layer = layers[schedule.layer] else {
        verification.failure = "fused segments are not executed yet (the executor runs single layers)"
        for name in unit.layerNames { dram[name] = reference[name]?.values }
        units.append(verification)
        continue
      }
      guard let q = quantization.layers[layer.name] else { throw FixedPointError("layer '\(layer.name)' is not quantized") }
      var sources: [[Int32]] = []
      for name in layer.layer.inputs {
        guard let tensor = dram[name] else { throw FixedPointError("layer '\(layer.name)' reads '\(name)', which no unit wrote") }
        sources.append(tensor)
      }
      switch Self.execute(schedule, layer: layer, quantization: q, inputs: sources, buffer: plan.buffer, psumWidth: psumWidth) {
      case .success(let result):
        verification.counted = result.traffic
        verification.bitExact = reference[layer.name]?.values == result.output
        dram[layer.name] = result.output
      case .failure(let failure):
        verification.failure = failure.description
        // Later units still run, on the reference's tensor for what this unit should have written.
        dram[layer.name] = reference[layer.name]?.values
      }
      units.append(verification)
    }
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
    switch (schedule.choice, try? LayerWorkload(layer)) {
    case (.convolution(let tiling), .convolution(let problem)?):
      return try ConvolutionExecution(
        name: layer.name, problem: problem, tiling: tiling, capacity: buffer, psumWidth: psumWidth, input: inputs[0],
        weights: q.quantizedWeights, finish: finish
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
        outputCount: output.elementCount ?? 0, input: inputs[0], weights: q.quantizedWeights, finish: finish
      ).run()
    case (.streaming, .streaming?):
      return try StreamingExecution(layer: layer, quantization: q, capacity: buffer, inputs: inputs).run()
    default:
      throw ExecutionFailure(
        unit: layer.name, step: 0, tile: "-", operand: "schedule", message: "the schedule does not match the layer's workload")
    }
  }
}
