extension Network {
  /// Infers every tensor shape from the network inputs and counts MACs and parameters.
  ///
  /// Checks what a file format cannot: unique names, references to earlier layers only,
  /// input counts, positive sizes, matching shapes at adds and concats, and every limit of
  /// `Limits` (sizes, names, layer and MAC counts), so that nothing planned from the analysis
  /// can overflow a 64-bit count.
  public func analyze() throws(NetworkError) -> NetworkAnalysis {
    let fileLocation = sourceFile.map { FileLocation(file: $0) }
    if let problem = Limits.nameProblem(name) {
      throw NetworkError("network name: \(problem)", location: fileLocation)
    }
    guard layers.count <= Limits.layers else {
      throw NetworkError(
        "the network has \(Limits.describe(layers.count)) layers; at most \(Limits.describe(Limits.layers)) are accepted",
        location: fileLocation)
    }
    var shapes: [String: TensorShape] = [:]
    var networkMACs = 0
    for input in inputs {
      do throws(NetworkError) {
        if let problem = Limits.nameProblem(input.name) { throw NetworkError("network input name: \(problem)") }
        guard shapes[input.name] == nil else { throw NetworkError("duplicate network input name \(excerpt(input.name))") }
        try checkShape(input.shape, of: "network input \(excerpt(input.name))")
        try checkBits(input.bits, field: "bits", layer: nil)
      } catch {
        throw error.located(origin(of: input.name))
      }
      shapes[input.name] = input.shape
    }
    var results: [LayerAnalysis] = []
    results.reserveCapacity(layers.count)
    for layer in layers {
      do throws(NetworkError) {
        if let problem = Limits.nameProblem(layer.name) { throw NetworkError(problem, field: "name") }
        guard shapes[layer.name] == nil else {
          throw NetworkError("duplicate name: another layer or input is already called \(excerpt(layer.name))", layer: layer.name, field: "name")
        }
        let inputShapes = try layer.inputs.map { (name) throws(NetworkError) -> TensorShape in
          guard let shape = shapes[name] else {
            throw NetworkError(
              "refers to \(excerpt(name)), which is not a network input or an earlier layer", field: "input")
          }
          return shape
        }
        var analysis = try LayerShapeRule.analyze(layer, inputShapes: inputShapes)
        analysis.layer = layer
        try checkShape(analysis.outputShape, of: "output")
        guard analysis.weightCount <= Limits.tensorElements else {
          throw NetworkError(
            "the layer has \(Limits.describe(analysis.weightCount)) weights; at most \(Limits.describe(Limits.tensorElements)) are accepted")
        }
        guard let total = checkedSum([networkMACs, analysis.macs]), total <= Limits.networkMACs else {
          throw NetworkError(
            "the layer has \(Limits.describe(analysis.macs)) multiply-accumulates, which takes the network past \(Limits.describe(Limits.networkMACs)), the most accepted")
        }
        networkMACs = total
        try checkBits(layer.precision.weightBits, field: "bits.weights", layer: layer.name)
        try checkBits(layer.precision.activationBits, field: "bits.activations", layer: layer.name)
        shapes[layer.name] = analysis.outputShape
        results.append(analysis)
      } catch {
        var located = error.located(origin(of: layer.name))
        if located.layer == nil { located.layer = layer.name }
        throw located
      }
    }
    return NetworkAnalysis(network: self, layers: results, shapes: shapes)
  }

  private func checkShape(_ shape: TensorShape, of what: String) throws(NetworkError) {
    guard shape.channels > 0, shape.height > 0, shape.width > 0 else {
      throw NetworkError("\(what) shape \(shape) is empty: every dimension must be at least 1")
    }
    guard max(shape.channels, shape.height, shape.width) <= Limits.extent else {
      throw NetworkError(
        "\(what) shape \(shape) has a dimension above \(Limits.describe(Limits.extent)) (channels or pixels on a side), the largest accepted")
    }
    guard let elements = shape.elementCount, elements <= Limits.tensorElements else {
      throw NetworkError(
        "\(what) shape \(shape) has more than \(Limits.describe(Limits.tensorElements)) elements, the most a tensor may have")
    }
  }

  private func checkBits(_ bits: Int, field: String, layer: String?) throws(NetworkError) {
    guard Precision.validBits.contains(bits) else {
      throw NetworkError("bit width \(bits) is outside 1...16", layer: layer, field: field)
    }
  }
}

/// Per-operation shape rules. Errors carry the field at fault; the caller adds layer and location.
enum LayerShapeRule {
  static func analyze(_ layer: Layer, inputShapes: [TensorShape]) throws(NetworkError) -> LayerAnalysis {
    switch layer.operation {
    case .convolution(let convolution):
      let input = try single(inputShapes)
      return try analyzeConvolution(convolution, layer: layer, input: input)
    case .fullyConnected(let fc):
      let input = try single(inputShapes)
      return try analyzeFullyConnected(fc, layer: layer, input: input)
    case .pooling(let pooling):
      let input = try single(inputShapes)
      return try analyzePooling(pooling, layer: layer, input: input)
    case .globalAveragePool:
      let input = try single(inputShapes)
      let output = TensorShape(channels: input.channels, height: 1, width: 1)
      return elementwise(layer, .globalavgpool, inputShapes, output, kernel: Extent2D(height: input.height, width: input.width))
    case .add:
      return try analyzeAdd(layer, inputShapes)
    case .concat:
      return try analyzeConcat(layer, inputShapes)
    case .upsample(let factor):
      let input = try single(inputShapes)
      guard factor >= 1 else { throw NetworkError("upsampling factor must be at least 1, found \(factor)", field: "factor") }
      guard let height = checkedProduct([input.height, factor]), let width = checkedProduct([input.width, factor]) else {
        throw overflow("upsampled shape")
      }
      let output = TensorShape(channels: input.channels, height: height, width: width)
      return elementwise(layer, .upsample, inputShapes, output, stride: Extent2D(square: factor))
    }
  }

  private static func single(_ inputShapes: [TensorShape]) throws(NetworkError) -> TensorShape {
    guard inputShapes.count == 1 else {
      throw NetworkError("this operation reads exactly one input, found \(inputShapes.count)", field: "input")
    }
    return inputShapes[0]
  }

  private static func overflow(_ what: String) -> NetworkError {
    NetworkError("\(what) overflows a 64-bit count; the sizes are absurd")
  }

  private static func analyzeConvolution(_ conv: Convolution, layer: Layer, input: TensorShape) throws(NetworkError)
    -> LayerAnalysis
  {
    let groups = conv.groups.resolve(inputChannels: input.channels)
    guard groups >= 1 else { throw NetworkError("groups must be at least 1, found \(groups)", field: "groups") }
    guard let outputChannels = conv.outputChannels.resolve(inputChannels: input.channels) else {
      throw overflow("output channel count")
    }
    guard outputChannels >= 1 else {
      throw NetworkError("output channels must be at least 1, found \(conv.outputChannels)", field: "out")
    }
    guard input.channels % groups == 0 else {
      throw NetworkError("input channels \(input.channels) are not divisible by groups \(groups)", field: "groups")
    }
    guard outputChannels % groups == 0 else {
      throw NetworkError("output channels \(outputChannels) are not divisible by groups \(groups)", field: "groups")
    }
    let (height, width) = try windowOutput(
      input: input, kernel: conv.kernel, stride: conv.stride, padding: conv.padding, ceilMode: false)
    let output = TensorShape(channels: outputChannels, height: height, width: width)
    let inputsPerGroup = input.channels / groups
    guard let pixels = output.pixelCount, let kernelArea = conv.kernel.area,
      let k = checkedProduct([inputsPerGroup, kernelArea]),
      let weights = checkedProduct([outputChannels, k]),
      let macs = checkedProduct([pixels, weights])
    else { throw overflow("MAC count") }
    let kind: OperationKind
    if case .depthwise = conv.groups {
      kind = .depthwise
    } else if groups == input.channels && groups > 1 {
      kind = .depthwise
    } else if kernelArea == 1 && groups == 1 {
      kind = .pointwise
    } else {
      kind = .conv
    }
    return LayerAnalysis(
      layer: layer, kind: kind, inputShapes: [input], outputShape: output, kernel: conv.kernel,
      stride: conv.stride, padding: conv.padding, groups: groups,
      gemm: GEMMView(m: pixels, k: k, n: outputChannels / groups, groups: groups), macs: macs,
      weightCount: weights, biasCount: conv.hasBias ? outputChannels : 0)
  }

  private static func analyzeFullyConnected(_ fc: FullyConnected, layer: Layer, input: TensorShape) throws(NetworkError)
    -> LayerAnalysis
  {
    guard fc.outputFeatures >= 1 else {
      throw NetworkError("output features must be at least 1, found \(fc.outputFeatures)", field: "out")
    }
    guard let features = input.elementCount, let weights = checkedProduct([features, fc.outputFeatures]) else {
      throw overflow("weight count")
    }
    let one = Extent2D(square: 1)
    return LayerAnalysis(
      layer: layer, kind: .fc, inputShapes: [input],
      outputShape: TensorShape(channels: fc.outputFeatures, height: 1, width: 1), kernel: one, stride: one,
      padding: .zero, groups: 1, gemm: GEMMView(m: 1, k: features, n: fc.outputFeatures), macs: weights,
      weightCount: weights, biasCount: fc.hasBias ? fc.outputFeatures : 0)
  }

  private static func analyzePooling(_ pooling: Pooling, layer: Layer, input: TensorShape) throws(NetworkError)
    -> LayerAnalysis
  {
    let (height, width) = try windowOutput(
      input: input, kernel: pooling.kernel, stride: pooling.stride, padding: pooling.padding,
      ceilMode: pooling.ceilMode)
    let output = TensorShape(channels: input.channels, height: height, width: width)
    var analysis = elementwise(
      layer, pooling.kind == .max ? .maxpool : .avgpool, [input], output, kernel: pooling.kernel,
      stride: pooling.stride)
    analysis.padding = pooling.padding
    return analysis
  }

  private static func analyzeAdd(_ layer: Layer, _ inputShapes: [TensorShape]) throws(NetworkError) -> LayerAnalysis {
    guard inputShapes.count >= 2 else {
      throw NetworkError("an add reads at least two inputs, found \(inputShapes.count)", field: "inputs")
    }
    for (index, shape) in inputShapes.enumerated().dropFirst() where shape != inputShapes[0] {
      let what = shape.channels != inputShapes[0].channels ? "channel counts do not match" : "shapes do not match"
      throw NetworkError(
        "\(what): \(excerpt(layer.inputs[0])) is \(inputShapes[0]) but \(excerpt(layer.inputs[index])) is \(shape)",
        field: "inputs")
    }
    return elementwise(layer, .add, inputShapes, inputShapes[0])
  }

  private static func analyzeConcat(_ layer: Layer, _ inputShapes: [TensorShape]) throws(NetworkError) -> LayerAnalysis {
    guard let first = inputShapes.first else {
      throw NetworkError("a concat reads at least one input, found none", field: "inputs")
    }
    var channels = 0
    for (index, shape) in inputShapes.enumerated() {
      guard shape.height == first.height, shape.width == first.width else {
        throw NetworkError(
          "spatial sizes do not match: \(excerpt(layer.inputs[0])) is \(first) but \(excerpt(layer.inputs[index])) is \(shape)",
          field: "inputs")
      }
      guard let sum = checkedSum([channels, shape.channels]) else { throw overflow("channel count") }
      channels = sum
    }
    return elementwise(layer, .concat, inputShapes, TensorShape(channels: channels, height: first.height, width: first.width))
  }

  private static func elementwise(
    _ layer: Layer, _ kind: OperationKind, _ inputShapes: [TensorShape], _ output: TensorShape,
    kernel: Extent2D = Extent2D(square: 1), stride: Extent2D = Extent2D(square: 1)
  ) -> LayerAnalysis {
    LayerAnalysis(
      layer: layer, kind: kind, inputShapes: inputShapes, outputShape: output, kernel: kernel, stride: stride,
      padding: .zero, groups: 1, gemm: nil, macs: 0, weightCount: 0, biasCount: 0)
  }

  /// Output height and width of a sliding window (convolution or pooling).
  static func windowOutput(input: TensorShape, kernel: Extent2D, stride: Extent2D, padding: Padding, ceilMode: Bool)
    throws(NetworkError) -> (Int, Int)
  {
    guard kernel.height >= 1, kernel.width >= 1 else {
      throw NetworkError("kernel must be at least 1x1, found \(kernel)", field: "kernel")
    }
    guard stride.height >= 1, stride.width >= 1 else {
      throw NetworkError("stride must be at least 1, found \(stride)", field: "stride")
    }
    guard padding.top >= 0, padding.left >= 0, padding.bottom >= 0, padding.right >= 0 else {
      throw NetworkError("padding must not be negative, found \(padding)", field: "padding")
    }
    guard max(kernel.height, kernel.width, stride.height, stride.width) <= Limits.extent else {
      throw NetworkError(
        "kernel \(kernel) and stride \(stride) must each be at most \(Limits.describe(Limits.extent))", field: "kernel")
    }
    // Wider padding only adds outputs whose windows read nothing but padding.
    guard max(padding.top, padding.bottom) < kernel.height, max(padding.left, padding.right) < kernel.width else {
      throw NetworkError(
        "padding \(padding) is too wide for kernel \(kernel): each side pads at most kernel-1 (wider padding adds outputs that read only padding)",
        field: "padding")
    }
    let height = try windowCount(
      size: input.height, before: padding.top, after: padding.bottom, kernel: kernel.height, stride: stride.height,
      ceilMode: ceilMode, axis: "height")
    let width = try windowCount(
      size: input.width, before: padding.left, after: padding.right, kernel: kernel.width, stride: stride.width,
      ceilMode: ceilMode, axis: "width")
    return (height, width)
  }

  private static func windowCount(
    size: Int, before: Int, after: Int, kernel: Int, stride: Int, ceilMode: Bool, axis: String
  ) throws(NetworkError) -> Int {
    guard let padded = checkedSum([size, before, after]) else { throw overflow("padded \(axis)") }
    guard padded >= kernel else {
      throw NetworkError(
        "output \(axis) would be zero or negative: the kernel (\(kernel)) is larger than the padded input (\(padded))",
        field: "kernel")
    }
    let span = padded - kernel
    var count = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1
    // PyTorch's rule: in ceil mode the last window must start inside the input or its leading padding.
    if ceilMode && (count - 1) * stride >= size + before { count -= 1 }
    return count
  }
}
