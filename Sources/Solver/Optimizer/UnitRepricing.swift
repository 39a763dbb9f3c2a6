import Networks
import Tiling

extension PlanUnit {
  /// The same schedule with the layers at other widths: entries and tilings unchanged (the
  /// buffer counts entries, so every tiling still fits), bits and energy re-counted by the
  /// models. `width(owner)` gives each tensor's width.
  func repriced(
    layers: Range<Int>, in analysis: NetworkAnalysis, psumWidth: Int, width: (TensorTraffic.Owner) -> Int
  ) throws(OptimizationError) -> PlanUnit {
    switch self {
    case .layer(var schedule):
      let index = layers.lowerBound
      let input = analysis.layers[index].layer.inputs.first.map { TensorTraffic.owner(of: $0, in: analysis) }
      schedule.bits = OperandBits(
        input: input.map(width) ?? schedule.bits.input, weight: width(.weights(index)), output: width(.activations(index)),
        psumWidth: psumWidth)
      return .layer(schedule)
    case .segment(let schedule):
      var segment = schedule.segment
      let first = layers.lowerBound
      segment.inputBits = width(TensorTraffic.owner(of: segment.inputName, in: analysis))
      for offset in segment.layers.indices {
        segment.layers[offset].weightBits = width(.weights(first + offset))
        segment.layers[offset].outputBits = width(.activations(first + offset))
        if case .external(let name, _)? = segment.layers[offset].skip {
          segment.layers[offset].skip = .external(name: name, bits: width(TensorTraffic.owner(of: name, in: analysis)))
        }
      }
      let model = SegmentModel(segment: segment, psumWidth: psumWidth)
      do {
        return .segment(
          SegmentSchedule(segment: segment, tiling: schedule.tiling, cost: try model.cost(of: schedule.tiling), model: model))
      } catch {
        throw OptimizationError(description: "segment \(segment.name) at the chosen widths: \(error)")
      }
    }
  }
}
