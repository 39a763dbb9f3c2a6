import Foundation
import Networks
import SwiftProtobuf

/// Writes a network as an ONNX model (opset 13, or 14 when it has a hard swish; IR 8) that other
/// tools read (onnxruntime, Stream, ZigZag), and that `ONNXReader` reads back to the same layers.
///
/// Layers become `Conv` (with `group`), `MaxPool` / `AveragePool`, `GlobalAveragePool`, `Add` or
/// `Sum`, `Concat`, `Resize` (nearest, integer scales) and `Flatten` + `Gemm`; activations become
/// `Relu`, `Clip(0, 6)`, `LeakyRelu(0.1)`, `Sigmoid`, `HardSigmoid(1/6, 0.5)` and `HardSwish`
/// nodes after their layer. Bit widths are not
/// carried (ONNX tensors here are float). Weights are seeded floats, or, with `.shapeOnly`,
/// `ConstantOfShape` nodes of zeros over a shape initializer, as the ONNX model zoo's light
/// graphs do, so that a model of any size stays a few KB.
public enum ONNXWriter {
  /// How weights are written.
  public enum Weights: Sendable, Hashable {
    /// Seeded uniform floats in [-0.1, 0.1] (SplitMix64 from the seed), the same for the same seed.
    case seeded(UInt64)
    /// Zeros made by `ConstantOfShape` from the weights' shapes.
    case shapeOnly
  }

  /// The serialized model of `analysis`.
  public static func data(_ analysis: NetworkAnalysis, weights: Weights = .seeded(1)) throws(ONNXError) -> Data {
    var builder = Builder(weights: weights)
    for input in analysis.network.inputs {
      builder.graph.input.append(valueInfo(input.name, [1, input.shape.channels, input.shape.height, input.shape.width]))
      builder.tensors[input.name] = input.name
    }
    for layer in analysis.layers { try builder.add(layer) }
    for name in analysis.network.outputNames {
      guard let tensor = builder.tensors[name], let layer = analysis.layer(named: name) else { continue }
      let shape = layer.outputShape
      let dims = layer.kind == .fc ? [1, shape.channels] : [1, shape.channels, shape.height, shape.width]
      builder.graph.output.append(valueInfo(tensor, dims))
    }
    builder.graph.name = analysis.network.name
    var model = Onnx_ModelProto()
    model.irVersion = 8
    model.producerName = "dse"
    var opset = Onnx_OperatorSetIdProto()
    // HardSwish came with opset 14; other networks keep 13, which more tools read.
    opset.version = analysis.layers.contains { $0.layer.activation == .hardswish } ? 14 : 13
    model.opsetImport = [opset]
    model.graph = builder.graph
    do {
      return try model.serializedData()
    } catch {
      throw ONNXError("cannot encode the model: \(error)", file: analysis.network.name)
    }
  }

  private static func valueInfo(_ name: String, _ dims: [Int]) -> Onnx_ValueInfoProto {
    var info = Onnx_ValueInfoProto()
    info.name = name
    var tensor = Onnx_TypeProto.Tensor()
    tensor.elemType = 1
    tensor.shape.dim = dims.map { size in
      var dimension = Onnx_TensorShapeProto.Dimension()
      dimension.dimValue = Int64(size)
      return dimension
    }
    info.type.tensorType = tensor
    return info
  }

  /// The graph as it grows: nodes, initializers, and the tensor that holds each layer's output.
  private struct Builder {
    let weights: Weights
    var graph = Onnx_GraphProto()
    var tensors: [String: String] = [:]
    var random: SeededGenerator

    init(weights: Weights) {
      self.weights = weights
      if case .seeded(let seed) = weights { random = SeededGenerator(seed: seed) } else { random = SeededGenerator(seed: 0) }
    }

    mutating func add(_ layer: LayerAnalysis) throws(ONNXError) {
      let inputs = layer.layer.inputs.compactMap { tensors[$0] }
      let name = layer.name
      switch layer.layer.operation {
      case .convolution(let convolution):
        let outputs = layer.outputShape.channels
        let weight = try constant("\(name).weight", [outputs, layer.inputShape.channels / layer.groups, layer.kernel.height, layer.kernel.width])
        var node = Self.node("Conv", name, inputs + [weight] + (convolution.hasBias ? [try constant("\(name).bias", [outputs])] : []))
        node.attribute = [
          Self.ints("kernel_shape", [layer.kernel.height, layer.kernel.width]),
          Self.ints("strides", [layer.stride.height, layer.stride.width]),
          Self.ints("pads", [layer.padding.top, layer.padding.left, layer.padding.bottom, layer.padding.right]),
          Self.int("group", layer.groups),
        ]
        graph.node.append(node)
      case .fullyConnected(let fullyConnected):
        let features = layer.inputShape.channels * layer.inputShape.height * layer.inputShape.width
        graph.node.append(Self.node("Flatten", "\(name).flatten", inputs, output: "\(name).flat"))
        let weight = try constant("\(name).weight", [fullyConnected.outputFeatures, features])
        var node = Self.node(
          "Gemm", name, ["\(name).flat", weight] + (fullyConnected.hasBias ? [try constant("\(name).bias", [fullyConnected.outputFeatures])] : []))
        node.attribute = [Self.int("transB", 1)]
        graph.node.append(node)
      case .pooling(let pooling):
        var node = Self.node(pooling.kind == .max ? "MaxPool" : "AveragePool", name, inputs)
        node.attribute = [
          Self.ints("kernel_shape", [pooling.kernel.height, pooling.kernel.width]),
          Self.ints("strides", [pooling.stride.height, pooling.stride.width]),
          Self.ints("pads", [pooling.padding.top, pooling.padding.left, pooling.padding.bottom, pooling.padding.right]),
          Self.int("ceil_mode", pooling.ceilMode ? 1 : 0),
        ]
        if pooling.kind == .average { node.attribute.append(Self.int("count_include_pad", pooling.countsPadding ? 1 : 0)) }
        graph.node.append(node)
      case .globalAveragePool:
        graph.node.append(Self.node("GlobalAveragePool", name, inputs))
      case .add:
        graph.node.append(Self.node(inputs.count == 2 ? "Add" : "Sum", name, inputs))
      case .concat:
        var node = Self.node("Concat", name, inputs)
        node.attribute = [Self.int("axis", 1)]
        graph.node.append(node)
      case .upsample(let factor):
        let scales = "\(name).scales"
        graph.initializer.append(Self.floats(scales, [1, 1, Float(factor), Float(factor)]))
        var node = Self.node("Resize", name, inputs + ["", scales])
        node.attribute = [Self.string("mode", "nearest")]
        graph.node.append(node)
      }
      tensors[name] = name
      let activated = "\(name).\(layer.layer.activation.rawValue)"
      switch layer.layer.activation {
      case .linear: return
      case .relu: graph.node.append(Self.node("Relu", activated, [name], output: activated))
      case .relu6:
        let (low, high) = ("\(name).clip_min", "\(name).clip_max")
        graph.initializer.append(Self.floats(low, [0], scalar: true))
        graph.initializer.append(Self.floats(high, [6], scalar: true))
        graph.node.append(Self.node("Clip", activated, [name, low, high], output: activated))
      case .leaky:
        var node = Self.node("LeakyRelu", activated, [name], output: activated)
        node.attribute = [Self.float("alpha", 0.1)]
        graph.node.append(node)
      case .sigmoid: graph.node.append(Self.node("Sigmoid", activated, [name], output: activated))
      case .hardsigmoid:
        var node = Self.node("HardSigmoid", activated, [name], output: activated)
        node.attribute = [Self.float("alpha", 1.0 / 6), Self.float("beta", 0.5)]
        graph.node.append(node)
      case .hardswish: graph.node.append(Self.node("HardSwish", activated, [name], output: activated))
      }
      tensors[name] = activated
    }

    /// A weight tensor named `name` of `dims`: seeded floats, or `ConstantOfShape` over its shape.
    mutating func constant(_ name: String, _ dims: [Int]) throws(ONNXError) -> String {
      switch weights {
      case .shapeOnly:
        var shape = Onnx_TensorProto()
        shape.name = "\(name).shape"
        shape.dataType = 7
        shape.dims = [Int64(dims.count)]
        shape.int64Data = dims.map(Int64.init)
        graph.initializer.append(shape)
        graph.node.append(Self.node("ConstantOfShape", "\(name).fill", [shape.name], output: name))
      case .seeded:
        let count = elementCount(dims)
        guard count <= 1 << 28 else {
          throw ONNXError("\(excerpt(name)) has \(count) weights; past 2^28, write --shape-only", file: graph.name)
        }
        var tensor = Onnx_TensorProto()
        tensor.name = name
        tensor.dataType = 1
        tensor.dims = dims.map(Int64.init)
        var bytes = [UInt8]()
        bytes.reserveCapacity(count * 4)
        for _ in 0..<count {
          let value = Float(Double(random.next() >> 11) / Double(1 << 53) * 0.2 - 0.1)
          withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        }
        tensor.rawData = Data(bytes)
        graph.initializer.append(tensor)
      }
      return name
    }

    static func node(_ op: String, _ name: String, _ inputs: [String], output: String? = nil) -> Onnx_NodeProto {
      var node = Onnx_NodeProto()
      node.opType = op
      node.name = name
      node.input = inputs
      node.output = [output ?? name]
      return node
    }

    static func ints(_ name: String, _ values: [Int]) -> Onnx_AttributeProto {
      var attribute = Onnx_AttributeProto()
      attribute.name = name
      attribute.type = .ints
      attribute.ints = values.map(Int64.init)
      return attribute
    }

    static func int(_ name: String, _ value: Int) -> Onnx_AttributeProto {
      var attribute = Onnx_AttributeProto()
      attribute.name = name
      attribute.type = .int
      attribute.i = Int64(value)
      return attribute
    }

    static func float(_ name: String, _ value: Float) -> Onnx_AttributeProto {
      var attribute = Onnx_AttributeProto()
      attribute.name = name
      attribute.type = .float
      attribute.f = value
      return attribute
    }

    static func string(_ name: String, _ value: String) -> Onnx_AttributeProto {
      var attribute = Onnx_AttributeProto()
      attribute.name = name
      attribute.type = .string
      attribute.s = Data(value.utf8)
      return attribute
    }

    static func floats(_ name: String, _ values: [Float], scalar: Bool = false) -> Onnx_TensorProto {
      var tensor = Onnx_TensorProto()
      tensor.name = name
      tensor.dataType = 1
      if !scalar { tensor.dims = [Int64(values.count)] }
      tensor.floatData = values
      return tensor
    }
  }
}
