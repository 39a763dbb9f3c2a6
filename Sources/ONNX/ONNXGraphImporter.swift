import Networks

/// A feature map flowing through the graph: the layer (or network input) whose output it is, and
/// its ONNX dimensions with batch 1 (`[1, C, H, W]`, or `[1, F]` once flattened). A reshape or
/// a channel shuffle keeps the source and changes the dimensions.
struct ONNXFeature: Sendable {
  var source: String
  var dims: [Int]
}

/// A value of the graph: a constant or a feature map.
enum ONNXValue: Sendable {
  case constant(ONNXConstant)
  case feature(ONNXFeature)
}

/// Interprets one ONNX graph node by node (nodes must come in topological order, as the ONNX
/// standard requires) and builds the network.
struct ONNXGraphImporter {
  let file: String
  let opset: Int
  let inputSize: Int?
  let skipUnsupported: Bool
  var warnings: [String] = []
  /// Element-wise nodes whose values the network leaves out (`ONNXImport.passThroughs`).
  var passThroughs: [ONNXPassThrough] = []
  /// The graph's output tensors.
  var graphOutputs: Set<String> = []
  /// Where each convolution's and FC layer's parameters come from.
  var recipes: [String: ONNXParameterRecipe] = [:]

  var values: [String: ONNXValue] = [:]
  var layers: [Layer] = []
  var layerIndex: [String: Int] = [:]
  /// The dimensions of each source (layer or input) as the graph produced it.
  var sourceDims: [String: [Int]] = [:]
  /// How many nodes (and graph outputs) read each tensor name.
  var readers: [String: Int] = [:]
  /// The tensor names that hold each source's data so far (its output, then views of it).
  var tensorsOf: [String: [String]] = [:]
  var usedNames: Set<String> = []

  init(file: String, opset: Int, inputSize: Int?, skipUnsupported: Bool) {
    self.file = file
    self.opset = opset
    self.inputSize = inputSize
    self.skipUnsupported = skipUnsupported
  }

  mutating func network(of graph: Onnx_GraphProto, name: String) throws(ONNXError) -> Network {
    guard graph.node.count <= Limits.layers * 20 else {
      throw ONNXError("the graph has \(graph.node.count) nodes; at most \(Limits.layers * 20) are read", file: file)
    }
    for tensor in graph.initializer {
      values[tensor.name] = .constant(
        try ONNXConstant(tensor) { field in ONNXError("malformed initializer \(excerpt(tensor.name))", file: file, field: field) })
    }
    var inputs: [NetworkInput] = []
    for input in graph.input where values[input.name] == nil {
      let dims = try inputDims(input)
      let inputName = try uniqueName(input.name.isEmpty ? "input" : input.name)
      inputs.append(NetworkInput(name: inputName, shape: TensorShape(channels: dims[1], height: dims[2], width: dims[3])))
      values[input.name] = .feature(ONNXFeature(source: inputName, dims: dims))
      sourceDims[inputName] = dims
    }
    guard !inputs.isEmpty else {
      throw ONNXError("the graph has no input that is not an initializer; expected an image input [N, C, H, W]", file: file, field: "graph.input")
    }
    for node in graph.node {
      for input in node.input where !input.isEmpty { readers[input, default: 0] += 1 }
    }
    for output in graph.output {
      readers[output.name, default: 0] += 1
      graphOutputs.insert(output.name)
    }
    for (index, node) in graph.node.enumerated() {
      try interpret(node, index: index)
    }
    guard !layers.isEmpty else {
      throw ONNXError("the graph has no layer dse models (convolution, pooling, fully connected, add, concat, resize)", file: file)
    }
    return Network(name: name, inputs: inputs, layers: layers)
  }

  // MARK: Inputs

  func inputDims(_ input: Onnx_ValueInfoProto) throws(ONNXError) -> [Int] {
    let field = "input \(excerpt(input.name))"
    guard case .tensorType(let tensor) = input.type.value else {
      throw ONNXError("not a tensor; expected an image input [N, C, H, W]", file: file, field: field)
    }
    let dimensions = tensor.shape.dim
    guard dimensions.count == 4 else {
      throw ONNXError(
        "\(dimensions.count) dimensions; expected an image input [N, C, H, W]", file: file, field: field)
    }
    var dims: [Int] = []
    for (axis, dimension) in dimensions.enumerated() {
      var value: Int? = nil
      if case .dimValue(let given) = dimension.value, given > 0 { value = Int(clamping: given) }
      switch axis {
      case 0: dims.append(1)  // the batch: symbolic, -1 or any count is one image
      case 1:
        guard let value, value <= Limits.extent else {
          throw ONNXError("the channel count is open or past \(Limits.extent); expected a number", file: file, field: field)
        }
        dims.append(value)
      default:
        if let inputSize {
          dims.append(inputSize)
        } else if let value, value <= Limits.extent {
          dims.append(value)
        } else {
          throw ONNXError(
            "the \(axis == 2 ? "height" : "width") is left open (symbolic or -1); give --input-size", file: file,
            field: field)
        }
      }
    }
    return dims
  }

  // MARK: Nodes

  func label(_ node: Onnx_NodeProto, _ index: Int) -> String {
    "\(node.name.isEmpty ? "#\(index)" : excerpt(node.name)) (\(excerpt(node.opType)))"
  }

  mutating func interpret(_ node: Onnx_NodeProto, index: Int) throws(ONNXError) {
    let place = label(node, index)
    let file = self.file
    let fail: (String, String?) -> ONNXError = { message, field in ONNXError(message, file: file, node: place, field: field) }
    guard node.domain.isEmpty || node.domain == "ai.onnx" else {
      throw fail("operators of domain \(excerpt(node.domain)) are not read; expected the default ONNX domain", nil)
    }
    var inputs: [ONNXValue?] = []
    for name in node.input {
      if name.isEmpty {
        inputs.append(nil)
        continue
      }
      guard let value = values[name] else {
        throw fail(
          "input \(excerpt(name)) is made by no earlier node, initializer or graph input (a missing tensor, a cycle, or nodes out of topological order)", nil)
      }
      inputs.append(value)
    }
    let attributes = ONNXAttributes(node.attribute) { name in fail("malformed attribute", name) }
    let context = ONNXNodeContext(node: node, index: index, place: place, inputs: inputs, attributes: attributes, opset: opset, file: file)
    if let folded = try ONNXFolding.fold(context) {
      try define(node.output, folded, fail)
      return
    }
    let features = inputs.compactMap { value -> ONNXFeature? in
      if case .feature(let feature) = value { return feature }
      return nil
    }
    guard let first = features.first else {
      throw fail("cannot fold this operator over constant inputs; dse folds Constant, ConstantOfShape, Identity, Cast, Shape, Gather, Reshape, Squeeze, Unsqueeze, Concat, Add, Sub, Mul and Div", nil)
    }
    switch node.opType {
    case "Conv":
      try convolution(context, first, fail)
    case "MaxPool", "AveragePool":
      try pooling(context, first, fail)
    case "GlobalAveragePool":
      try requireSpatial(first, fail)
      let output = [1, first.dims[1], 1, 1]
      try addLayer(context, .globalAveragePool, inputs: [first.source], dims: output, fail)
    case "Add", "Sum":
      if features.count >= 2 {
        for feature in features { try requireSpatial(feature, fail) }
        guard Set(features.map(\.dims)).count == 1 else {
          throw fail("adds tensors of shapes \(features.map { $0.dims.description }.joined(separator: ", ")); expected one shape (no broadcasting between feature maps)", nil)
        }
        try addLayer(context, .add, inputs: features.map(\.source), dims: first.dims, fail)
      } else {
        // A constant added to a feature map: a bias or a batch-norm shift, folded into its producer.
        fold(context.firstConstant.map { .shift($0) }, into: first, context)
        try define(node.output, .feature(first), fail)
      }
    case "Concat":
      let axis = attributes.int("axis") ?? 1
      guard axis == 1 || axis == -3 else { throw fail("concatenates along axis \(axis); expected channels (1)", "axis") }
      guard features.count == inputs.count else { throw fail("concatenates a constant with feature maps; expected feature maps only", nil) }
      for feature in features { try requireSpatial(feature, fail) }
      guard Set(features.map { [$0.dims[2], $0.dims[3]] }).count == 1 else {
        throw fail("concatenates maps of different heights or widths", nil)
      }
      let channels = features.reduce(0) { $0 + $1.dims[1] }
      try addLayer(context, .concat, inputs: features.map(\.source), dims: [1, channels, first.dims[2], first.dims[3]], fail)
    case "Gemm", "MatMul":
      try fullyConnected(context, first, fail)
    case "Resize", "Upsample":
      try upsample(context, first, fail)
    case "BatchNormalization":
      var batchNorm: ONNXParameterRecipe.Folding?
      if let scale = context.constant(at: 1), let shift = context.constant(at: 2), let mean = context.constant(at: 3),
        let variance = context.constant(at: 4)
      {
        let epsilon = attributes.float("epsilon") ?? 1e-5
        batchNorm = .batchNorm(scale: scale, shift: shift, mean: mean, variance: variance, epsilon: epsilon)
      }
      fold(batchNorm, into: first, context)
      try define(Array(node.output.prefix(1)), .feature(first), fail)
    case "Mul" where features.count == 1:
      // A constant scale on a layer's output (a batch norm written as Mul and Add) folds into it.
      fold(context.firstConstant.map { .scale($0) }, into: first, context)
      try define(Array(node.output.prefix(1)), .feature(first), fail)
    case "Relu", "LeakyRelu", "Clip", "Sigmoid", "HardSigmoid", "HardSwish":
      attachActivation(context, first)
      try define(node.output, .feature(first), fail)
    case "Dropout", "Identity", "Cast", "QuantizeLinear", "DequantizeLinear":
      // The same values (at inference; dse quantizes by itself): no DRAM traffic of its own.
      try define(Array(node.output.prefix(1)), .feature(first), fail)
    case "Softmax", "LogSoftmax", "LRN", "Mul", "Div", "Sub", "Tanh", "Elu", "PRelu", "Selu", "Exp", "Neg":
      // Element-wise on the producer's output as it is written: no DRAM traffic of its own, but
      // other values. A softmax that ends the graph keeps the class order, and goes unremarked.
      let ending = ["Softmax", "LogSoftmax"].contains(node.opType) && node.output.allSatisfy(graphOutputs.contains)
      if !ending {
        passThrough(context, node.opType == "Mul" ? "a product of two feature maps" : "an operator dse computes no values for")
      }
      try define(Array(node.output.prefix(1)), .feature(first), fail)
    case "Flatten":
      let axis = attributes.int("axis") ?? 1
      guard axis == 1 else { throw fail("flattens from axis \(axis); expected 1 (keep the batch)", "axis") }
      let count = elementCount(first.dims.dropFirst())
      try define(node.output, .feature(ONNXFeature(source: first.source, dims: [1, count])), fail)
    case "Reshape", "Squeeze", "Unsqueeze", "Transpose":
      try reshape(context, first, fail)
    case "Shape":
      try define(node.output, .constant(ONNXConstant(dims: [first.dims.count], values: first.dims.map(Double.init))), fail)
    default:
      guard skipUnsupported else {
        throw fail("dse does not model this operator; --skip-unsupported models it as a pass-through (docs/onnx.md lists what is read)", nil)
      }
      warnings.append("node \(place) skipped: modelled as a pass-through of its first input")
      try define(Array(node.output.prefix(1)), .feature(first), fail)
    }
  }

  // MARK: Layers (the operators' own mappings are in ONNXOperators.swift)

  func requireSpatial(_ x: ONNXFeature, _ fail: (String, String?) -> ONNXError) throws(ONNXError) {
    guard x.dims.count == 4, x.dims[0] == 1, sourceDims[x.source] == x.dims else {
      throw fail(
        "reads a feature map viewed as \(x.dims) (its producer made \(sourceDims[x.source] ?? [])); expected the producer's [1, C, H, W]",
        nil)
    }
  }

  mutating func addLayer(
    _ c: ONNXNodeContext, _ operation: Operation, inputs: [String], dims: [Int], _ fail: (String, String?) -> ONNXError
  ) throws(ONNXError) {
    guard layers.count < Limits.layers else { throw fail("more than \(Limits.layers) layers", nil) }
    guard dims.allSatisfy({ $0 >= 1 }) else { throw fail("its output would be \(dims); every size must be at least 1", nil) }
    let base = c.node.name.isEmpty ? "\(c.node.opType.lowercased())_\(layers.count)" : c.node.name
    let name = try uniqueName(base)
    layerIndex[name] = layers.count
    layers.append(Layer(name: name, operation: operation, inputs: inputs))
    sourceDims[name] = dims
    guard let output = c.node.output.first, !output.isEmpty else { throw fail("has no output", nil) }
    try define([output], .feature(ONNXFeature(source: name, dims: dims)), fail)
  }

  /// Folds a batch norm, a constant shift or a constant scale into the convolution or FC layer
  /// that made `x`: its parameters, and (but for a scale) its bias. Only while nothing else has
  /// read that layer's output and it has no activation yet; otherwise (or when the node's
  /// parameters are not constants: `folding` nil) the node stays an element-wise pass-through.
  mutating func fold(_ folding: ONNXParameterRecipe.Folding?, into x: ONNXFeature, _ c: ONNXNodeContext) {
    guard let folding else { return passThrough(c, "its parameters are not constants") }
    guard let index = layerIndex[x.source], recipes[x.source] != nil else {
      return passThrough(c, "not after a convolution or fully connected layer")
    }
    guard layers[index].activation == .linear, sourceDims[x.source] == x.dims,
      !(tensorsOf[x.source] ?? []).contains(where: { (readers[$0] ?? 0) > 1 })
    else { return passThrough(c, "after an activation, or its input is read elsewhere too") }
    recipes[x.source]?.foldings.append(folding)
    if case .scale = folding { return }
    switch layers[index].operation {
    case .convolution(var convolution):
      convolution.hasBias = true
      layers[index].operation = .convolution(convolution)
    case .fullyConnected(var fullyConnected):
      fullyConnected.hasBias = true
      layers[index].operation = .fullyConnected(fullyConnected)
    default: break
    }
  }

  /// Relu, Clip(0, 6) or Clip(0, inf), LeakyRelu(0.1), Sigmoid, HardSwish
  /// and HardSigmoid(alpha 1/6, beta 0.5) become the activation of the layer that made their input,
  /// when that layer has none yet and nothing else reads its output before the activation;
  /// otherwise they are modelled as pass-throughs, with a warning.
  mutating func attachActivation(_ c: ONNXNodeContext, _ x: ONNXFeature) {
    var activation: Activation?
    switch c.node.opType {
    case "Relu": activation = .relu
    case "LeakyRelu":
      // Darknet's slope; PyTorch's and ONNX's default (0.01) is another function.
      if abs((c.attributes.float("alpha") ?? 0.01) - 0.1) < 1e-6 { activation = .leaky }
    case "Sigmoid": activation = .sigmoid
    case "HardSwish": activation = .hardswish
    case "HardSigmoid":
      // PyTorch's Hardsigmoid; Keras's (alpha 0.2, ONNX's default) is another function.
      let alpha = c.attributes.float("alpha") ?? 0.2, beta = c.attributes.float("beta") ?? 0.5
      if abs(alpha - 1.0 / 6) < 1e-6 && beta == 0.5 { activation = .hardsigmoid }
    default:  // Clip: bounds as attributes (before opset 11) or constant inputs
      let low = c.attributes.float("min") ?? c.constantValues(at: 1)?.first ?? -.infinity
      let high = c.attributes.float("max") ?? c.constantValues(at: 2)?.first ?? .infinity
      if low == 0 && high == 6 { activation = .relu6 } else if low == 0 && high == .infinity { activation = .relu }
    }
    let readElsewhere = (tensorsOf[x.source] ?? []).contains { (readers[$0] ?? 0) > 1 }
    guard let activation, let index = layerIndex[x.source], layers[index].activation == .linear, !readElsewhere else {
      passThrough(
        c,
        activation == nil
          ? "a function dse has no form for" : readElsewhere
            ? "its input is read elsewhere too, a pre-activation" : "its producer has an activation already or is an input")
      return
    }
    layers[index].activation = activation
  }

  mutating func passThrough(_ c: ONNXNodeContext, _ reason: String) {
    passThroughs.append(
      ONNXPassThrough(node: c.node.name.isEmpty ? "#\(c.index)" : excerpt(c.node.name), opType: c.node.opType, reason: reason))
  }

  mutating func define(_ outputs: [String], _ value: ONNXValue, _ fail: (String, String?) -> ONNXError) throws(ONNXError) {
    for output in outputs where !output.isEmpty {
      guard values[output] == nil else { throw fail("output \(excerpt(output)) is defined twice (a graph must be SSA)", nil) }
      values[output] = value
      if case .feature(let feature) = value { tensorsOf[feature.source, default: []].append(output) }
    }
  }

  mutating func uniqueName(_ base: String) throws(ONNXError) -> String {
    var clean = String(String.UnicodeScalarView(base.unicodeScalars.filter { $0.properties.generalCategory != .control }))
    clean = String(clean.prefix(Limits.nameLength - 8))
    if clean.isEmpty { clean = "layer" }
    var name = clean
    var suffix = 2
    while usedNames.contains(name) {
      name = "\(clean)_\(suffix)"
      suffix += 1
    }
    usedNames.insert(name)
    return name
  }
}
