import FixedPoint
import Networks
import Testing

@Suite struct BinaryConvolutionTests {
  /// Reduction lengths around the word size: the unused bits of the last word never count.
  @Test(arguments: [1, 2, 63, 64, 65, 127, 128, 200])
  func raggedChannelCountsMatchTheIntegerReference(channels: Int) {
    var generator = SeededGenerator(seed: UInt64(channels))
    for kernel in [1, 3] {
      let geometry = BinaryGeometry(
        input: TensorShape(channels: channels, height: 5, width: 4), outputChannels: 3,
        kernel: Extent2D(square: kernel), padding: Padding(symmetric: kernel / 2, kernel / 2))
      let input = BinaryReference.randomValues(channels * 20, using: &generator)
      let weights = BinaryReference.randomValues(3 * geometry.filterLength, using: &generator)
      let conv = BinaryConvolution(geometry: geometry, weights: weights)
      let region = TensorRegion(geometry.output)
      let dots = conv.dotProducts(conv.packInput(input, for: region), region: region)
      #expect(dots == BinaryReference.dots(input: input, weights: weights, geometry: geometry), "kernel \(kernel)")
    }
  }

  /// Random shapes, non-square kernels, strides, asymmetric padding, groups (depthwise
  /// included), and random output regions packed from their own input windows.
  @Test func randomLayersAndRegionsMatchTheIntegerReference() {
    var generator = SeededGenerator(seed: 2024)
    for trial in 0..<60 {
      let geometry = Self.randomGeometry(using: &generator)
      let input = BinaryReference.randomValues(geometry.input.elementCount ?? 0, using: &generator)
      let weights = BinaryReference.randomValues(geometry.outputChannels * geometry.filterLength, using: &generator)
      let conv = BinaryConvolution(geometry: geometry, weights: weights)
      let expected = BinaryReference.dots(input: input, weights: weights, geometry: geometry)
      let whole = TensorRegion(geometry.output)
      #expect(conv.dotProducts(conv.packInput(input, for: whole), region: whole) == expected, "trial \(trial) \(geometry)")
      for _ in 0..<4 {
        let region = Self.randomRegion(in: geometry.output, using: &generator)
        let dots = conv.dotProducts(conv.packInput(input, for: region), region: region)
        #expect(dots == BinaryReference.cut(expected, output: geometry.output, region: region), "trial \(trial) \(region)")
      }
    }
  }

  /// A border position is 0, not ±1: with all-positive inputs and weights each output is the
  /// number of in-image positions times the channels.
  @Test func paddedPositionsContributeZero() {
    let geometry = BinaryGeometry(
      input: TensorShape(channels: 2, height: 3, width: 3), outputChannels: 1, kernel: Extent2D(square: 3),
      padding: Padding(symmetric: 1, 1))
    let conv = BinaryConvolution(geometry: geometry, weights: [Float](repeating: 0.5, count: 18))
    let region = TensorRegion(geometry.output)
    let dots = conv.dotProducts(conv.packInput([Float](repeating: 1, count: 18), for: region), region: region)
    #expect(dots == [8, 12, 8, 12, 18, 12, 8, 12, 8])
  }

  /// Zero and negative zero are +1; integer inputs pack like floats of the same sign.
  @Test func signConventionAndIntegerInputs() {
    let floats: [Float] = [0, -0.0, -1e-30, 3, -2, 1e-30]
    let packed = PackedActivations(vector: floats)
    #expect(packed.words == [0b101011])
    let integers: [Int8] = [0, 0, -1, 3, -2, 1]
    #expect(PackedActivations(vector: integers).words == packed.words)
  }

  /// A fully connected layer over a CHW tensor: the flattened features, ragged lengths.
  @Test(arguments: [1, 63, 64, 65, 200, 1000])
  func fullyConnectedMatchesTheNaiveDot(features: Int) {
    var generator = SeededGenerator(seed: UInt64(features) &* 31)
    let outputs = 5
    let geometry = BinaryGeometry.fullyConnected(inputFeatures: features, outputFeatures: outputs)
    let input = BinaryReference.randomValues(features, using: &generator)
    let weights = BinaryReference.randomValues(outputs * features, using: &generator)
    let layer = BinaryConvolution(geometry: geometry, weights: weights)
    let region = TensorRegion(channels: 1..<outputs, rows: 0..<1, columns: 0..<1)
    let dots = layer.dotProducts(PackedActivations(vector: input), region: region)
    let expected = (1..<outputs).map { o in
      Int32((0..<features).reduce(0) { $0 + BinaryReference.sign(input[$1]) * BinaryReference.sign(weights[o * features + $1]) })
    }
    #expect(dots == expected)
  }

  static func randomGeometry(using generator: inout SeededGenerator) -> BinaryGeometry {
    let groups = [1, 1, 2, 3, 0].randomElement(using: &generator) ?? 1  // 0: depthwise
    let perGroup = [1, 3, 8, 63, 64, 65, 100].randomElement(using: &generator) ?? 1
    let channels = groups == 0 ? Int.random(in: 1...6, using: &generator) : groups * perGroup
    let groupCount = groups == 0 ? channels : groups
    let outputChannels = groupCount * Int.random(in: 1...3, using: &generator)
    let kernel = Extent2D(height: Int.random(in: 1...4, using: &generator), width: Int.random(in: 1...4, using: &generator))
    let stride = Extent2D(height: Int.random(in: 1...3, using: &generator), width: Int.random(in: 1...3, using: &generator))
    let padding = Padding(
      top: Int.random(in: 0...2, using: &generator), left: Int.random(in: 0...2, using: &generator),
      bottom: Int.random(in: 0...2, using: &generator), right: Int.random(in: 0...2, using: &generator))
    let height = Int.random(in: max(1, kernel.height - padding.top - padding.bottom)...9, using: &generator)
    let width = Int.random(in: max(1, kernel.width - padding.left - padding.right)...9, using: &generator)
    return BinaryGeometry(
      input: TensorShape(channels: channels, height: height, width: width), outputChannels: outputChannels,
      kernel: kernel, stride: stride, padding: padding, groups: groupCount)
  }

  static func randomRegion(in output: TensorShape, using generator: inout SeededGenerator) -> TensorRegion {
    func range(_ size: Int) -> Range<Int> {
      let start = Int.random(in: 0..<size, using: &generator)
      return start..<Int.random(in: (start + 1)...size, using: &generator)
    }
    return TensorRegion(channels: range(output.channels), rows: range(output.height), columns: range(output.width))
  }
}
