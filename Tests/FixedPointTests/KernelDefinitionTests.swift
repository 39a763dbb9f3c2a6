import Networks
import Testing

@testable import FixedPoint

/// Every integer kernel, run untiled, against the naive float-then-round oracles of
/// `KernelFixture` on random small shapes, strides, asymmetric paddings, groups and formats.
@Suite struct KernelDefinitionTests {
  static let activations = Activation.allCases

  /// A random convolution layer: groups (including depthwise), kernel 1-3 per axis, stride 1-3,
  /// padding 0 to kernel-1 per side (the most a network may have), channels and sizes small.
  static func randomConvolution(using g: inout SeededGenerator) throws -> LayerAnalysis {
    let depthwise = Bool.random(using: &g)
    let groups = depthwise ? Int.random(in: 1...4, using: &g) : [1, 1, 2, 3].randomElement(using: &g) ?? 1
    let inputChannels = groups * (depthwise ? 1 : Int.random(in: 1...5, using: &g))
    let outputChannels = groups * Int.random(in: 1...(depthwise ? 2 : 4), using: &g)
    let kernel = Extent2D(height: Int.random(in: 1...3, using: &g), width: Int.random(in: 1...3, using: &g))
    let padding = Padding(
      top: Int.random(in: 0..<kernel.height, using: &g), left: Int.random(in: 0..<kernel.width, using: &g),
      bottom: Int.random(in: 0..<kernel.height, using: &g), right: Int.random(in: 0..<kernel.width, using: &g))
    let height = max(Int.random(in: 1...9, using: &g), kernel.height)
    let width = max(Int.random(in: 1...9, using: &g), kernel.width)
    let convolution = Convolution(
      outputChannels: .absolute(outputChannels), kernel: kernel,
      stride: Extent2D(height: Int.random(in: 1...3, using: &g), width: Int.random(in: 1...3, using: &g)),
      padding: Bool.random(using: &g) ? padding : .zero, groups: .count(groups))
    return try KernelFixture.layer(
      .convolution(convolution), inputs: [TensorShape(channels: inputChannels, height: height, width: width)],
      activation: activations.randomElement(using: &g) ?? .linear)
  }

  /// Random formats of random widths; the output sits a random shift (-2...14) below the accumulator.
  static func randomQuantization(
    _ layer: LayerAnalysis, weightBits: ClosedRange<Int> = 2...10, using g: inout SeededGenerator
  ) -> LayerQuantization {
    let input = QFormat(bits: Int.random(in: 2...16, using: &g), fractionBits: Int.random(in: -2...12, using: &g))
    let weights = QFormat(bits: Int.random(in: weightBits, using: &g), fractionBits: Int.random(in: -2...12, using: &g))
    let accumulator = input.fractionBits + weights.fractionBits
    let output = QFormat(
      bits: Int.random(in: 2...16, using: &g), fractionBits: accumulator - Int.random(in: -2...14, using: &g))
    let biasBits = Bool.random(using: &g) ? 20 : 0
    let bias = biasBits == 0 ? [] : KernelFixture.randomIntegers(layer.outputShape.channels, bits: biasBits, using: &g)
    let count = layer.weightCount
    return LayerQuantization(
      inputs: Array(repeating: input, count: layer.inputShapes.count), output: output,
      weights: count > 0 ? weights : nil,
      quantizedWeights: KernelFixture.randomIntegers(count, bits: weights.bits, using: &g), quantizedBias: bias,
      activation: layer.layer.activation)
  }

  @Test func convolutionMatchesTheDefinition() throws {
    var g = SeededGenerator(seed: 11)
    for _ in 0..<150 {
      let layer = try Self.randomConvolution(using: &g)
      let q = Self.randomQuantization(layer, using: &g)
      let input = KernelFixture.randomBlock(layer.inputShape, bits: q.inputs[0].bits, using: &g)
      let expected = KernelFixture.naiveConvolution(
        layer, input: input, inputFormat: q.inputs[0], weights: q.quantizedWeights, weightFormat: q.weights ?? q.output,
        bias: q.quantizedBias, output: q.output, activation: q.activation)
      let output = IntegerLayer.run(layer, inputs: [input], quantization: q)
      #expect(output.values == expected, "\(layer.kind) \(layer.inputShape) -> \(layer.outputShape) \(layer.padding)")
    }
  }

  /// FC: the naive oracle is a 1x1 convolution over a features x 1 x 1 input.
  @Test func fullyConnectedMatchesTheDefinition() throws {
    var g = SeededGenerator(seed: 12)
    for _ in 0..<40 {
      let shape = TensorShape(
        channels: Int.random(in: 1...6, using: &g), height: Int.random(in: 1...4, using: &g), width: Int.random(in: 1...4, using: &g))
      let layer = try KernelFixture.layer(
        .fullyConnected(FullyConnected(outputFeatures: Int.random(in: 1...7, using: &g))), inputs: [shape],
        activation: Self.activations.randomElement(using: &g) ?? .linear)
      let q = Self.randomQuantization(layer, using: &g)
      let input = KernelFixture.randomBlock(shape, bits: q.inputs[0].bits, using: &g)
      let flat = try KernelFixture.layer(
        .convolution(.pointwise(outputChannels: layer.outputShape.channels)),
        inputs: [TensorShape(channels: shape.channels * shape.height * shape.width, height: 1, width: 1)])
      let flatInput = IntegerBlock(shape: flat.inputShape, values: input.values)
      let expected = KernelFixture.naiveConvolution(
        flat, input: flatInput, inputFormat: q.inputs[0], weights: q.quantizedWeights, weightFormat: q.weights ?? q.output,
        bias: q.quantizedBias, output: q.output, activation: q.activation)
      #expect(IntegerLayer.run(layer, inputs: [input], quantization: q).values == expected)
    }
  }

  /// Max and average pooling with ceil mode and asymmetric padding up to kernel-1 per side;
  /// windows can overhang the padding (ceil mode).
  @Test func poolingMatchesTheDefinition() throws {
    var g = SeededGenerator(seed: 13)
    for _ in 0..<120 {
      let kernel = Extent2D(height: Int.random(in: 1...3, using: &g), width: Int.random(in: 1...3, using: &g))
      let shape = TensorShape(
        channels: Int.random(in: 1...3, using: &g), height: Int.random(in: kernel.height...8, using: &g),
        width: Int.random(in: kernel.width...8, using: &g))
      let maximum = Bool.random(using: &g)
      let pooling = Pooling(
        kind: maximum ? .max : .average, kernel: kernel,
        stride: Extent2D(height: Int.random(in: 1...3, using: &g), width: Int.random(in: 1...3, using: &g)),
        padding: Padding(
          top: Int.random(in: 0..<kernel.height, using: &g), left: Int.random(in: 0..<kernel.width, using: &g),
          bottom: Int.random(in: 0...min(1, kernel.height - 1), using: &g),
          right: Int.random(in: 0...min(1, kernel.width - 1), using: &g)),
        ceilMode: Bool.random(using: &g), countsPadding: Bool.random(using: &g))
      let layer = try KernelFixture.layer(
        .pooling(pooling), inputs: [shape], activation: Self.activations.randomElement(using: &g) ?? .linear)
      var q = Self.randomQuantization(layer, using: &g)
      q.output.fractionBits = q.inputs[0].fractionBits + Int.random(in: -4...4, using: &g)
      let input = KernelFixture.randomBlock(shape, bits: q.inputs[0].bits, using: &g)
      let expected = KernelFixture.naivePooling(
        layer, input: input, inputFormat: q.inputs[0], output: q.output, activation: q.activation, maximum: maximum)
      #expect(IntegerLayer.run(layer, inputs: [input], quantization: q).values == expected, "\(pooling)")
    }
  }

  @Test func globalAveragePoolingDividesByThePixelCount() throws {
    var g = SeededGenerator(seed: 14)
    for _ in 0..<20 {
      let shape = TensorShape(
        channels: Int.random(in: 1...4, using: &g), height: Int.random(in: 1...7, using: &g), width: Int.random(in: 1...7, using: &g))
      let layer = try KernelFixture.layer(.globalAveragePool, inputs: [shape])
      var q = Self.randomQuantization(layer, using: &g)
      q.output.fractionBits = q.inputs[0].fractionBits + Int.random(in: -3...5, using: &g)
      let input = KernelFixture.randomBlock(shape, bits: q.inputs[0].bits, using: &g)
      let expected = (0..<shape.channels).map { c in
        let sum = (0..<shape.height).flatMap { y in (0..<shape.width).map { x in KernelFixture.real(input[c, y, x], q.inputs[0].fractionBits) } }
          .reduce(0, +)
        return KernelFixture.round(sum / Double(shape.height * shape.width), to: q.output)
      }
      #expect(IntegerLayer.run(layer, inputs: [input], quantization: q).values == expected)
    }
  }

  /// Add, concat and upsample: every element is a real value rounded once into the output format.
  @Test func elementwiseLayersMatchTheDefinition() throws {
    var g = SeededGenerator(seed: 15)
    for _ in 0..<60 {
      let shape = TensorShape(
        channels: Int.random(in: 1...4, using: &g), height: Int.random(in: 1...5, using: &g), width: Int.random(in: 1...5, using: &g))
      let activation = Self.activations.randomElement(using: &g) ?? .linear
      let count = Int.random(in: 2...3, using: &g)
      let formats = (0..<count).map { _ in
        QFormat(bits: Int.random(in: 2...16, using: &g), fractionBits: Int.random(in: -3...14, using: &g))
      }
      let output = QFormat(bits: Int.random(in: 2...16, using: &g), fractionBits: Int.random(in: -3...14, using: &g))
      let shapes = (0..<count).map { _ in
        TensorShape(channels: Int.random(in: 1...3, using: &g), height: shape.height, width: shape.width)
      }
      let blocks = formats.map { KernelFixture.randomBlock(shape, bits: $0.bits, using: &g) }
      let concatBlocks = zip(shapes, formats).map { KernelFixture.randomBlock($0, bits: $1.bits, using: &g) }
      func quantization(_ inputs: [QFormat]) -> LayerQuantization {
        LayerQuantization(inputs: inputs, output: output, weights: nil, quantizedWeights: [], quantizedBias: [], activation: activation)
      }

      let add = try KernelFixture.layer(.add, inputs: Array(repeating: shape, count: count), activation: activation)
      let sums = (0..<blocks[0].values.count).map { i in
        KernelFixture.finish(
          zip(blocks, formats).map { KernelFixture.real($0.values[i], $1.fractionBits) }.reduce(0, +), activation, to: output)
      }
      #expect(IntegerLayer.run(add, inputs: blocks, quantization: quantization(formats)).values == sums)

      let concat = try KernelFixture.layer(.concat, inputs: shapes, activation: activation)
      let joined = zip(concatBlocks, formats).flatMap { block, format in
        block.values.map { KernelFixture.finish(KernelFixture.real($0, format.fractionBits), activation, to: output) }
      }
      #expect(IntegerLayer.run(concat, inputs: concatBlocks, quantization: quantization(formats)).values == joined)

      let factor = Int.random(in: 1...3, using: &g)
      let upsample = try KernelFixture.layer(.upsample(factor: factor), inputs: [shape], activation: activation)
      var upsampled: [Int32] = []
      for c in 0..<shape.channels {
        for y in 0..<(shape.height * factor) {
          for x in 0..<(shape.width * factor) {
            let value = KernelFixture.real(blocks[0][c, y / factor, x / factor], formats[0].fractionBits)
            upsampled.append(KernelFixture.finish(value, activation, to: output))
          }
        }
      }
      #expect(IntegerLayer.run(upsample, inputs: [blocks[0]], quantization: quantization([formats[0]])).values == upsampled)
    }
  }
}
