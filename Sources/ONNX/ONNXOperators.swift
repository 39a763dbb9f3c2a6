import Networks

// The mapping of each layer-making ONNX operator onto a dse layer: convolution, pooling (and the
// window both share), fully connected, resize, and the views (reshape, squeeze, transpose).
extension ONNXGraphImporter {
  mutating func convolution(
    _ c: ONNXNodeContext, _ x: ONNXFeature, _ fail: (String, String?) -> ONNXError
  ) throws(ONNXError) {
    try requireSpatial(x, fail)
    guard c.inputs.count >= 2, case .constant(let weight)? = c.inputs[1], weight.dims.count == 4 else {
      throw fail("expected a constant 4-D weight [Cout, Cin/group, kH, kW] as its second input", "W")
    }
    let group = c.attributes.int("group") ?? 1
    let channels = x.dims[1]
    let grouped = weight.dims[1].multipliedReportingOverflow(by: max(group, 1))
    guard group >= 1, channels % group == 0, !grouped.overflow, grouped.partialValue == channels, weight.dims[0] % group == 0
    else {
      throw fail(
        "weight \(weight.dims) with group \(group) does not fit \(channels) input channels", "group")
    }
    let kernel = Extent2D(height: weight.dims[2], width: weight.dims[3])
    if let shape = c.attributes.ints("kernel_shape"), shape != [kernel.height, kernel.width] {
      throw fail("kernel_shape \(shape) differs from the weight's \([kernel.height, kernel.width])", "kernel_shape")
    }
    let (stride, padding) = try window(c, x, kernel: kernel, fail)
    let hasBias = c.inputs.count > 2 && c.inputs[2] != nil
    let outputs = weight.dims[0]
    let groups: ConvolutionGroups = group == channels && group > 1 ? .depthwise : .count(group)
    let count: ChannelCount = group == channels && group > 1 ? .timesInput(outputs / channels) : .absolute(outputs)
    let convolution = Convolution(
      outputChannels: count, kernel: kernel, stride: stride, padding: padding, groups: groups, hasBias: hasBias)
    let height = (x.dims[2] + padding.top + padding.bottom - kernel.height) / stride.height + 1
    let width = (x.dims[3] + padding.left + padding.right - kernel.width) / stride.width + 1
    try addLayer(c, .convolution(convolution), inputs: [x.source], dims: [1, outputs, height, width], fail)
    recipes[layers[layers.count - 1].name] = ONNXParameterRecipe(
      weight: weight, transpose: false, bias: hasBias ? c.constant(at: 2) : nil)
  }

  mutating func pooling(
    _ c: ONNXNodeContext, _ x: ONNXFeature, _ fail: (String, String?) -> ONNXError
  ) throws(ONNXError) {
    try requireSpatial(x, fail)
    guard let shape = c.attributes.ints("kernel_shape"), shape.count == 2, shape.allSatisfy({ $0 >= 1 }) else {
      throw fail("expected kernel_shape with two sizes of at least 1", "kernel_shape")
    }
    let kernel = Extent2D(height: shape[0], width: shape[1])
    let (stride, padding) = try window(c, x, kernel: kernel, fail)
    let ceil = (c.attributes.int("ceil_mode") ?? 0) == 1
    func size(_ extent: Int, _ before: Int, _ after: Int, _ k: Int, _ s: Int) -> Int {
      let span = extent + before + after - k
      var out = (ceil ? (span + s - 1) / s : span / s) + 1
      if ceil && (out - 1) * s >= extent + before { out -= 1 }
      return out
    }
    let height = size(x.dims[2], padding.top, padding.bottom, kernel.height, stride.height)
    let width = size(x.dims[3], padding.left, padding.right, kernel.width, stride.width)
    // ONNX does not count padding unless told to; without padding both divide alike, and the
    // layer keeps dse's default.
    let countsPadding = (c.attributes.int("count_include_pad") ?? 0) == 1 || padding.isZero
    let pooling = Pooling(
      kind: c.node.opType == "MaxPool" ? .max : .average, kernel: kernel, stride: stride, padding: padding, ceilMode: ceil,
      countsPadding: countsPadding)
    try addLayer(c, .pooling(pooling), inputs: [x.source], dims: [1, x.dims[1], height, width], fail)
  }

  /// Strides and padding of a convolution or pooling window: explicit pads, or `auto_pad`.
  func window(
    _ c: ONNXNodeContext, _ x: ONNXFeature, kernel: Extent2D, _ fail: (String, String?) -> ONNXError
  ) throws(ONNXError) -> (Extent2D, Padding) {
    let strides = c.attributes.ints("strides") ?? [1, 1]
    guard strides.count == 2, strides.allSatisfy({ $0 >= 1 && $0 <= Limits.extent }) else {
      throw fail("expected two strides of at least 1, found \(strides)", "strides")
    }
    if let dilations = c.attributes.ints("dilations"), dilations.contains(where: { $0 != 1 }) {
      throw fail("dilations \(dilations); dse models dilation 1 only", "dilations")
    }
    let stride = Extent2D(height: strides[0], width: strides[1])
    let autoPad = c.attributes.string("auto_pad") ?? "NOTSET"
    switch autoPad {
    case "NOTSET":
      let pads = c.attributes.ints("pads") ?? [0, 0, 0, 0]
      guard pads.count == 4, pads.allSatisfy({ $0 >= 0 && $0 <= Limits.extent }) else {
        throw fail("expected four pads [top, left, bottom, right] of 0 or more, found \(pads)", "pads")
      }
      return (stride, Padding(top: pads[0], left: pads[1], bottom: pads[2], right: pads[3]))
    case "VALID":
      return (stride, .zero)
    case "SAME_UPPER", "SAME_LOWER":
      func split(_ extent: Int, _ k: Int, _ s: Int) -> (Int, Int) {
        let total = max(0, ((extent + s - 1) / s - 1) * s + k - extent)
        return autoPad == "SAME_UPPER" ? (total / 2, total - total / 2) : (total - total / 2, total / 2)
      }
      let (top, bottom) = split(x.dims[2], kernel.height, stride.height)
      let (left, right) = split(x.dims[3], kernel.width, stride.width)
      return (stride, Padding(top: top, left: left, bottom: bottom, right: right))
    default:
      throw fail("auto_pad \(excerpt(autoPad)); expected NOTSET, VALID, SAME_UPPER or SAME_LOWER", "auto_pad")
    }
  }

  mutating func fullyConnected(
    _ c: ONNXNodeContext, _ x: ONNXFeature, _ fail: (String, String?) -> ONNXError
  ) throws(ONNXError) {
    guard c.inputs.count >= 2, case .constant(let weight)? = c.inputs[1], weight.dims.count == 2 else {
      throw fail("expected a constant 2-D weight as its second input (a product of two feature maps is not a layer dse models)", "B")
    }
    if (c.attributes.int("transA") ?? 0) != 0 { throw fail("transA = 1; expected the feature map as [1, K]", "transA") }
    let transposed = (c.attributes.int("transB") ?? 0) != 0
    let (k, n) = transposed ? (weight.dims[1], weight.dims[0]) : (weight.dims[0], weight.dims[1])
    let features = elementCount(x.dims.dropFirst())
    guard x.dims.first == 1, features == k, let source = sourceDims[x.source],
      elementCount(source.dropFirst()) == k
    else {
      throw fail("multiplies \(x.dims) by a weight of \(k) inputs; expected the \(k) features of one image", "A")
    }
    let hasBias = c.node.opType == "Gemm" && c.inputs.count > 2 && c.inputs[2] != nil
    try addLayer(c, .fullyConnected(FullyConnected(outputFeatures: n, hasBias: hasBias)), inputs: [x.source], dims: [1, n], fail)
    recipes[layers[layers.count - 1].name] = ONNXParameterRecipe(
      weight: weight, transpose: !transposed, bias: hasBias ? c.constant(at: 2) : nil,
      weightScale: Float(c.attributes.float("alpha") ?? 1), biasScale: Float(c.attributes.float("beta") ?? 1))
  }

  mutating func upsample(
    _ c: ONNXNodeContext, _ x: ONNXFeature, _ fail: (String, String?) -> ONNXError
  ) throws(ONNXError) {
    try requireSpatial(x, fail)
    let mode = c.attributes.string("mode") ?? "nearest"
    guard mode == "nearest" else { throw fail("mode \(excerpt(mode)); dse models nearest-neighbour resizing", "mode") }
    var factors: [Double]? = c.attributes.floats("scales")
    // Upsample-9 and Resize-10 take scales as input 1; Resize-11+ as input 2, or sizes as input 3.
    let scaleInput = c.node.opType == "Resize" && opset >= 11 ? 2 : 1
    if factors == nil, c.inputs.count > scaleInput, case .constant(let scales)? = c.inputs[scaleInput],
      let given = scales.values, !given.isEmpty
    {
      factors = given
    }
    if factors == nil, c.inputs.count > 3, case .constant(let sizes)? = c.inputs[3], let given = sizes.values, given.count == 4 {
      factors = zip(given, x.dims).map { $0 / Double(max($1, 1)) }
    }
    guard let factors, factors.count == 4, factors[0] == 1, factors[1] == 1, factors[2] == factors[3],
      factors[2] >= 1, factors[2] == factors[2].rounded(), factors[2] <= Double(Limits.extent)
    else {
      throw fail("expected one integer scale for height and width, and 1 for batch and channels", "scales")
    }
    let factor = Int(factors[2])
    try addLayer(c, .upsample(factor: factor), inputs: [x.source], dims: [1, x.dims[1], x.dims[2] * factor, x.dims[3] * factor], fail)
  }

  /// Reshape, Squeeze, Unsqueeze and Transpose of a feature map: a new view of the same source.
  /// A channel shuffle (reshape to [N, g, C/g, H, W], swap g and C/g, reshape back) comes back
  /// to the source's dimensions, which is all a layer reading it needs.
  mutating func reshape(
    _ c: ONNXNodeContext, _ x: ONNXFeature, _ fail: (String, String?) -> ONNXError
  ) throws(ONNXError) {
    let count = elementCount(x.dims)
    var dims: [Int]
    switch c.node.opType {
    case "Transpose":
      let permutation = c.attributes.ints("perm") ?? Array(x.dims.indices.reversed())
      guard permutation.sorted() == Array(x.dims.indices) else { throw fail("perm \(permutation) is not a permutation of \(x.dims.count) axes", "perm") }
      dims = permutation.map { x.dims[$0] }
      // Only a permutation that moves no data between images and keeps each pixel's channels
      // together (the shuffle's swap of the two channel factors) is a view dse can follow.
      guard permutation.first == 0, x.dims.count == 5, permutation == [0, 2, 1, 3, 4] else {
        throw fail("transposes \(x.dims) by \(permutation); dse follows only a channel shuffle's [0, 2, 1, 3, 4]", "perm")
      }
    case "Reshape":
      guard c.inputs.count >= 2, case .constant(let shape)? = c.inputs[1], let target = shape.integers else {
        throw fail("expected a constant shape as its second input", "shape")
      }
      dims = []
      for (axis, size) in target.enumerated() {
        switch size {
        case 0: dims.append(axis < x.dims.count ? x.dims[axis] : 1)
        case -1: dims.append(-1)
        case let size where size > 0: dims.append(size)
        default: throw fail("shape \(target) has \(size); expected sizes, 0 (keep) or one -1 (infer)", "shape")
        }
      }
      let known = elementCount(dims.filter { $0 != -1 })
      if dims.filter({ $0 == -1 }).count == 1 {
        guard known > 0, count % known == 0 else { throw fail("cannot infer -1 in \(target) for \(count) elements", "shape") }
        dims = dims.map { $0 == -1 ? count / known : $0 }
      }
    default:  // Squeeze, Unsqueeze
      dims = try ONNXFolding.squeezing(x.dims, c)
    }
    // A shape written for the exported input size (a channel shuffle's [1, g, C/g, 56, 56] and
    // back) follows the size read (--input-size): the channel split is what it says.
    if elementCount(dims) != count, c.node.opType == "Reshape" {
      if x.dims.count == 4, dims.count == 5, elementCount(dims[1...2]) == x.dims[1] {
        dims = [1, dims[1], dims[2], x.dims[2], x.dims[3]]
      } else if x.dims.count == 5, dims.count == 4, dims[1] == elementCount(x.dims[1...2]) {
        dims = [1, dims[1], x.dims[3], x.dims[4]]
      }
    }
    guard elementCount(dims) == count, dims.first == 1 || dims.count <= 1 else {
      throw fail("reshapes \(x.dims) to \(dims); expected the same element count and a batch of 1", "shape")
    }
    try define(c.node.output, .feature(ONNXFeature(source: x.source, dims: dims)), fail)
  }
}
