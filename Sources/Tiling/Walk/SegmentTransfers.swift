extension SegmentSchedule {
  /// The segment's transfers, from its walk: input, skip and output tiles `c h w`, weight tiles
  /// `co ci kh kw` of the layer they belong to.
  func transfers() -> [UnitTransfer] {
    let layers = segment.layers
    return SegmentWalk(segment: segment, tiling: tiling, psumWidth: psumWidth).transfers(regions: true).map { transfer in
      let spatial = [CoordinateBox.runs(transfer.rows), CoordinateBox.runs(transfer.columns)]
      let channels = [transfer.channels.lowerBound...(transfer.channels.upperBound - 1)]
      switch transfer.operand {
      case .input:
        return UnitTransfer(
          operand: .input, direction: .read, tensor: segment.inputName, step: transfer.tile,
          region: [CoordinateBox([channels] + spatial)], moved: transfer.moved, bitsPerEntry: segment.inputBits)
      case .skip(let layer):
        let (tensor, width) = skipSource(of: layer)
        return UnitTransfer(
          operand: .skip, direction: .read, layer: layer, tensor: tensor, step: transfer.tile,
          region: [CoordinateBox([channels] + spatial)], moved: transfer.moved, bitsPerEntry: width)
      case .weights(let layer):
        let kernel = layers[layer].kernel
        let window: [[ClosedRange<Int>]] = [[0...(kernel.height - 1)], [0...(kernel.width - 1)]]
        let inputs = transfer.inputChannels.map { [$0.lowerBound...($0.upperBound - 1)] } ?? [0...0]
        // The walk's weight axes are output channels, (a mixing layer's) input channels and
        // kernel positions, which every weight tile holds whole.
        let moved = transfer.moved.map { box in
          CoordinateBox([box.ranges[0], transfer.inputChannels == nil ? [0...0] : box.ranges[1]] + window)
        }
        return UnitTransfer(
          operand: .weights, direction: .read, layer: layer, tensor: LayerTensors.weights(of: layers[layer].name),
          step: transfer.tile, region: [CoordinateBox([channels, inputs] + window)], moved: moved,
          bitsPerEntry: layers[layer].weightBits)
      case .output:
        return UnitTransfer(
          operand: .output, direction: .write, layer: layers.count - 1, tensor: layers[layers.count - 1].name,
          step: transfer.tile, region: [CoordinateBox([channels] + spatial)], moved: transfer.moved,
          bitsPerEntry: layers[layers.count - 1].outputBits)
      }
    }
  }

  /// The tensor an add's skip operand comes from, and its width.
  private func skipSource(of layer: Int) -> (String, Int) {
    if case .external(let name, let bits)? = segment.layers[layer].skip { return (name, bits) }
    return (segment.inputName, segment.inputBits)
  }

  /// The tensors the segment moves: its input, each layer's weights and external skip operand,
  /// its output.
  func dramTensors() -> [DRAMTensor] {
    var result: [DRAMTensor] = [.activations(segment.inputName, segment.input, bits: segment.inputBits)]
    for layer in segment.layers {
      switch layer.kind {
      case .mixing, .depthwise:
        let inputs = layer.kind == .mixing ? layer.input.channels : 1
        result.append(
          DRAMTensor(
            name: LayerTensors.weights(of: layer.name), role: .weights,
            extents: [layer.output.channels, inputs, layer.kernel.height, layer.kernel.width], bitsPerEntry: layer.weightBits))
      case .add, .concat:
        if case .external(let name, let bits)? = layer.skip { result.append(.activations(name, layer.skipShape, bits: bits)) }
      case .maxPool, .globalAveragePool, .upsample:
        break
      }
    }
    if let last = segment.layers.last { result.append(.activations(last.name, last.output, bits: last.outputBits)) }
    return result
  }
}
