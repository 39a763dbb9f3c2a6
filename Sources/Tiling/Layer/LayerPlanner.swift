import Networks

/// Chooses each layer's schedule on its own (the layerwise strategies) and sums a network plan.
package enum LayerPlanner {
  /// The `count` best schedules of one layer at `buffer` entries, best first. The objective is
  /// bits moved (DRAM energy); streaming layers have one schedule.
  package static func schedules(
    for layer: LayerAnalysis, in analysis: NetworkAnalysis, buffer: Int, scan: ScanOption,
    psumWidth: Int = 1, count: Int = 1
  ) throws(PlanningError) -> [LayerSchedule] {
    let bits = OperandBits(layer, in: analysis, psumWidth: psumWidth)
    do {
      return try schedules(
        for: try LayerWorkload(layer), name: layer.name, kind: layer.kind, bits: bits, buffer: buffer,
        scan: scan, psumWidth: psumWidth, count: count, tensors: LayerTensors(layer))
    } catch {
      throw PlanningError(layer: layer.name, buffer: buffer, reason: "\(error)")
    }
  }

  /// The `count` best schedules of a workload (also for layers given by their dimensions, as `dse
  /// layer` does: their tensors are then named after the layer).
  package static func schedules(
    for workload: LayerWorkload, name: String, kind: OperationKind, bits: OperandBits, buffer: Int, scan: ScanOption,
    psumWidth: Int, count: Int, gemmOrders: [LoopOrder] = LoopOrder.allCases, tensors: LayerTensors? = nil
  ) throws -> [LayerSchedule] {
    let tensors = tensors ?? LayerTensors(workload: workload, name: name)
    let objective = TrafficObjective(bits: bits)
    switch workload {
    case .gemm(let shape):
      let options = SearchOptions(psumWidth: psumWidth, scan: scan, objective: objective)
      return try GEMMSearch.top(count, shape: shape, buffer: buffer, options: options, orders: gemmOrders).map { found in
        LayerSchedule(
          layer: name, kind: kind, workload: workload, tensors: tensors, choice: .gemm(found.tiling), traffic: found.traffic,
          floor: TrafficFloor.gemm(shape, buffer: buffer), footprint: found.footprint,
          split: found.tiling.split(for: shape, psumWidth: psumWidth), bits: bits)
      }
    case .convolution(let problem):
      let options = SearchOptions(psumWidth: psumWidth, scan: scan, objective: objective)
      return try ConvolutionSearch.top(count, problem: problem, buffer: buffer, options: options).map { found in
        LayerSchedule(
          layer: name, kind: kind, workload: workload, tensors: tensors, choice: .convolution(found.tiling), traffic: found.traffic,
          floor: TrafficFloor.convolution(problem), footprint: found.footprint,
          split: ConvolutionTraffic.split(problem: problem, tiling: found.tiling, psumWidth: psumWidth), bits: bits)
      }
    case .streaming(let reads, let writes):
      let traffic = Traffic(inputReads: reads, outputWrites: writes)
      let split = StreamingWalk(kind: kind, tensors: tensors, bits: bits).split
      guard split.total <= buffer else { throw SearchError.streamingTooSmall(buffer: buffer, minimum: split.total) }
      return [
        LayerSchedule(
          layer: name, kind: kind, workload: workload, tensors: tensors, choice: .streaming, traffic: traffic,
          floor: TrafficFloor(compulsory: reads + writes), footprint: split.total, split: split, bits: bits)
      ]
    }
  }

  /// Every layer of a network with its best schedule at `buffer` entries: `layerwise-scan` when
  /// Scan is allowed, else `layerwise-rowmajor`.
  package static func plan(
    _ analysis: NetworkAnalysis, buffer: Int, scan: ScanOption, psumWidth: Int = 1, memo: SearchMemo? = nil
  ) throws(PlanningError) -> NetworkPlan {
    let memo = memo ?? SearchMemo(buffer: buffer, psumWidth: psumWidth)
    let layers = try analysis.layers.indices.map { index throws(PlanningError) in
      try memo.schedule(index, in: analysis, scan: scan)
    }
    let strategy: Strategy = scan == .allowed ? .layerwiseScan : .layerwiseRowMajor
    return NetworkPlan(network: analysis.network.name, buffer: buffer, strategy: strategy, layers: layers)
  }
}

/// A layer that cannot be scheduled at a buffer size (too small, or not modelled).
public struct PlanningError: Error, Hashable, Sendable, CustomStringConvertible {
  public var layer: String
  public var buffer: Int
  public var reason: String

  public init(layer: String, buffer: Int, reason: String) {
    self.layer = layer
    self.buffer = buffer
    self.reason = reason
  }

  public var description: String { "layer '\(layer)' at \(buffer) buffer entries: \(reason)" }
}
