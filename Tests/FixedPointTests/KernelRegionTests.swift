import Networks
import Testing

@testable import FixedPoint

/// The property the tiled executor relies on: computing random output regions from input blocks
/// that hold just what each region reads (or a little more), with the input channels split into
/// random ranges accumulated in random order, gives exactly the untiled result.
@Suite struct KernelRegionTests {
  /// Random tiles covering `shape`: channels, rows and columns each split into up to 3 pieces.
  static func tiles(_ shape: TensorShape, using g: inout SeededGenerator) -> [TensorRegion] {
    let channels = KernelFixture.split(0..<shape.channels, pieces: 3, using: &g)
    let rows = KernelFixture.split(0..<shape.height, pieces: 3, using: &g)
    let columns = KernelFixture.split(0..<shape.width, pieces: 3, using: &g)
    return channels.flatMap { c in rows.flatMap { r in columns.map { TensorRegion(channels: c, rows: r, columns: $0) } } }
  }

  /// `needed`, sometimes grown by a random margin inside `bounds`, so blocks start at other offsets.
  static func inputRegion(_ needed: TensorRegion, within bounds: TensorRegion, using g: inout SeededGenerator) -> TensorRegion {
    guard !needed.isEmpty, Bool.random(using: &g) else { return needed }
    func grow(_ range: Range<Int>, _ limit: Range<Int>) -> Range<Int> {
      max(limit.lowerBound, range.lowerBound - Int.random(in: 0...1, using: &g))..<min(
        limit.upperBound, range.upperBound + Int.random(in: 0...1, using: &g))
    }
    return TensorRegion(
      channels: needed.channels, rows: grow(needed.rows, bounds.rows), columns: grow(needed.columns, bounds.columns))
  }

  /// Convolutions with 16-bit inputs and weights, so partial sums wrap and must still add up.
  @Test func tiledConvolutionsAccumulateToTheUntiledResult() throws {
    var g = SeededGenerator(seed: 21)
    for _ in 0..<80 {
      let layer = try KernelDefinitionTests.randomConvolution(using: &g)
      let q = KernelDefinitionTests.randomQuantization(layer, weightBits: 12...16, using: &g)
      let input = KernelFixture.randomBlock(layer.inputShape, bits: q.inputs[0].bits, using: &g)
      let whole = IntegerLayer.run(layer, inputs: [input], quantization: q)
      let geometry = WindowGeometry(layer)
      var tiled = IntegerBlock(region: TensorRegion(layer.outputShape), repeating: -1)
      for tile in Self.tiles(layer.outputShape, using: &g) {
        var accumulator = IntegerBlock(region: tile, repeating: 0)
        let channelRanges = KernelFixture.split(0..<layer.inputShape.channels, pieces: 4, using: &g).shuffled(using: &g)
        for channels in channelRanges {
          let needed = geometry.inputRegion(of: tile, inputChannels: channels)
          let block = input.cropped(to: Self.inputRegion(needed, within: input.region, using: &g))
          ConvolutionKernel.accumulate(
            input: block, inputChannels: channels, weights: q.quantizedWeights, geometry: geometry, region: tile,
            into: &accumulator)
        }
        var output = IntegerBlock(region: tile, repeating: 0)
        RequantizeKernel.requantize(accumulator, bias: q.quantizedBias, requantizer: q.requantizer, region: tile, into: &output)
        tiled.paste(output)
      }
      #expect(tiled.values == whole.values, "\(layer.kind) \(layer.inputShape) -> \(layer.outputShape)")
    }
  }

  /// FC: output features tiled, input channels split, one accumulator for the whole output.
  @Test func tiledFullyConnectedAccumulatesToTheUntiledResult() throws {
    var g = SeededGenerator(seed: 22)
    for _ in 0..<30 {
      let shape = TensorShape(
        channels: Int.random(in: 1...8, using: &g), height: Int.random(in: 1...3, using: &g), width: Int.random(in: 1...3, using: &g))
      let layer = try KernelFixture.layer(.fullyConnected(FullyConnected(outputFeatures: Int.random(in: 1...9, using: &g))), inputs: [shape])
      let q = KernelDefinitionTests.randomQuantization(layer, weightBits: 12...16, using: &g)
      let input = KernelFixture.randomBlock(shape, bits: q.inputs[0].bits, using: &g)
      let whole = IntegerLayer.run(layer, inputs: [input], quantization: q)
      var accumulator = IntegerBlock(region: TensorRegion(layer.outputShape), repeating: 0)
      for features in KernelFixture.split(0..<layer.outputShape.channels, pieces: 3, using: &g) {
        for channels in KernelFixture.split(0..<shape.channels, pieces: 4, using: &g).shuffled(using: &g) {
          let needed = TensorRegion(channels: channels, rows: 0..<shape.height, columns: 0..<shape.width)
          FullyConnectedKernel.accumulate(
            input: input.cropped(to: needed), inputShape: shape, inputChannels: channels, weights: q.quantizedWeights,
            outputFeatures: features, into: &accumulator)
        }
      }
      var output = IntegerBlock(region: accumulator.region, repeating: 0)
      RequantizeKernel.requantize(accumulator, bias: q.quantizedBias, requantizer: q.requantizer, region: output.region, into: &output)
      #expect(output.values == whole.values)
    }
  }

  /// Pooling and the element-wise layers, region by region from cropped inputs.
  @Test func tiledPoolingAndElementwiseLayersMatchTheUntiledResult() throws {
    var g = SeededGenerator(seed: 23)
    for _ in 0..<40 {
      let shape = TensorShape(
        channels: Int.random(in: 1...4, using: &g), height: Int.random(in: 3...8, using: &g), width: Int.random(in: 3...8, using: &g))
      let format = QFormat(bits: 8, fractionBits: Int.random(in: 0...6, using: &g))
      let output = QFormat(bits: Int.random(in: 4...12, using: &g), fractionBits: Int.random(in: 0...6, using: &g))
      let input = KernelFixture.randomBlock(shape, bits: 8, using: &g)
      let other = KernelFixture.randomBlock(shape, bits: 8, using: &g)
      let pooling = Pooling(
        kind: Bool.random(using: &g) ? .max : .average, kernel: Extent2D(square: Int.random(in: 2...3, using: &g)),
        stride: Extent2D(square: Int.random(in: 1...2, using: &g)), padding: Padding(top: 1, left: 0, bottom: 0, right: 1),
        ceilMode: Bool.random(using: &g))
      let operations: [(Networks.Operation, [IntegerBlock])] = [
        (.pooling(pooling), [input]), (.globalAveragePool, [input]), (.add, [input, other]), (.concat, [input, other]),
        (.upsample(factor: 2), [input]),
      ]
      for (operation, inputs) in operations {
        let layer = try KernelFixture.layer(operation, inputs: inputs.map { _ in shape }, activation: .relu)
        let q = LayerQuantization(
          inputs: inputs.map { _ in format }, output: output, weights: nil, quantizedWeights: [], quantizedBias: [],
          activation: .relu)
        let whole = IntegerLayer.run(layer, inputs: inputs, quantization: q)
        var tiled = IntegerBlock(region: TensorRegion(layer.outputShape), repeating: -1)
        for tile in Self.tiles(layer.outputShape, using: &g) {
          var block = IntegerBlock(region: tile, repeating: 0)
          Self.compute(layer, tile: tile, inputs: inputs, quantization: q, into: &block)
          tiled.paste(block)
        }
        #expect(tiled.values == whole.values, "\(layer.kind)")
      }
    }
  }

  /// One region of a parameter-free layer, each input cropped to what the region reads.
  static func compute(
    _ layer: LayerAnalysis, tile: TensorRegion, inputs: [IntegerBlock], quantization q: LayerQuantization,
    into output: inout IntegerBlock
  ) {
    switch layer.kind {
    case .maxpool, .avgpool, .globalavgpool:
      let geometry = WindowGeometry(layer)
      let block = inputs[0].cropped(to: geometry.inputRegion(of: tile, inputChannels: tile.channels))
      if layer.kind == .maxpool {
        PoolingKernel.maxPool(input: block, geometry: geometry, region: tile, requantizer: q.requantizer, into: &output)
      } else {
        PoolingKernel.averagePool(input: block, geometry: geometry, region: tile, requantizer: q.requantizer, into: &output)
      }
    case .add:
      ElementwiseKernel.add(
        inputs.map { $0.cropped(to: tile) }, formats: q.inputs, output: q.output, activation: q.activation, region: tile,
        into: &output)
    case .concat:
      var offset = 0
      var blocks: [IntegerBlock] = []
      for input in inputs {
        let count = input.region.channels.count
        let channels = max(offset, tile.channels.lowerBound)..<max(max(offset, tile.channels.lowerBound), min(offset + count, tile.channels.upperBound))
        let local = (channels.isEmpty ? 0..<0 : (channels.lowerBound - offset)..<(channels.upperBound - offset))
        blocks.append(input.cropped(to: TensorRegion(channels: local, rows: tile.rows, columns: tile.columns)))
        offset += count
      }
      ElementwiseKernel.concat(
        blocks, channelCounts: inputs.map(\.region.channels.count), formats: q.inputs, output: q.output,
        activation: q.activation, region: tile, into: &output)
    case .upsample:
      let source = TensorRegion(
        channels: tile.channels, rows: (tile.rows.lowerBound / 2)..<((tile.rows.upperBound + 1) / 2),
        columns: (tile.columns.lowerBound / 2)..<((tile.columns.upperBound + 1) / 2))
      ElementwiseKernel.upsample(
        inputs[0].cropped(to: source), factor: 2, format: q.inputs[0], output: q.output, activation: q.activation, region: tile,
        into: &output)
    default:
      Issue.record("not a parameter-free layer: \(layer.kind)")
    }
  }
}
