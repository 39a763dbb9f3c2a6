import Foundation
import Networks
import SwiftProtobuf
import Testing

@testable import ONNX

/// Models built node by node, and broken ones: every fault is one ONNXError naming the file and
/// the node or field, never a crash or a hang.
@Suite struct ONNXMalformedTests {
  /// A graph of `nodes` over an image input [1, 3, 8, 8] and the given initializers.
  static func model(_ nodes: [Onnx_NodeProto], initializers: [Onnx_TensorProto] = [], inputDims: [Int64] = [1, 3, 8, 8])
    -> Onnx_ModelProto
  {
    var input = Onnx_ValueInfoProto()
    input.name = "image"
    var tensor = Onnx_TypeProto.Tensor()
    tensor.elemType = 1
    tensor.shape.dim = inputDims.map { size in
      var dimension = Onnx_TensorShapeProto.Dimension()
      dimension.dimValue = size
      return dimension
    }
    input.type.tensorType = tensor
    var graph = Onnx_GraphProto()
    graph.name = "test"
    graph.input = [input]
    graph.node = nodes
    graph.initializer = initializers
    var model = Onnx_ModelProto()
    model.irVersion = 8
    var opset = Onnx_OperatorSetIdProto()
    opset.version = 13
    model.opsetImport = [opset]
    model.graph = graph
    return model
  }

  static func node(_ op: String, _ inputs: [String], _ outputs: [String], name: String = "", ints: [String: [Int64]] = [:])
    -> Onnx_NodeProto
  {
    var node = Onnx_NodeProto()
    node.opType = op
    node.input = inputs
    node.output = outputs
    node.name = name
    node.attribute = ints.sorted { $0.key < $1.key }.map { key, values in
      var attribute = Onnx_AttributeProto()
      attribute.name = key
      attribute.type = .ints
      attribute.ints = values
      return attribute
    }
    return node
  }

  static func weight(_ name: String, _ dims: [Int64]) -> Onnx_TensorProto {
    var tensor = Onnx_TensorProto()
    tensor.name = name
    tensor.dims = dims
    tensor.dataType = 1
    tensor.rawData = Data(count: Int(dims.reduce(1, *)) * 4)
    return tensor
  }

  static func read(_ model: Onnx_ModelProto, inputSize: Int? = nil) throws -> ONNXImport {
    try ONNXReader.read(data: try model.serializedData(), name: "m.onnx", inputSize: inputSize)
  }

  static func failure(_ body: () throws -> ONNXImport) -> String {
    do {
      _ = try body()
      return "no error"
    } catch {
      return "\(error)"
    }
  }

  @Test func aConvolutionWithItsActivationAndPadding() throws {
    let model = Self.model(
      [
        Self.node("Conv", ["image", "w", "b"], ["c"], name: "conv", ints: ["pads": [1, 0, 2, 1], "strides": [2, 2]]),
        Self.node("Clip", ["c", "low", "high"], ["r"]),
      ], initializers: [Self.weight("w", [16, 3, 3, 3]), Self.weight("b", [16]), Self.scalar("low", 0), Self.scalar("high", 6)])
    let analysis = try Self.read(model).network.analyze()
    let conv = try #require(analysis.layers.first)
    #expect(conv.layer.activation == .relu6)
    #expect(conv.padding == Padding(top: 1, left: 0, bottom: 2, right: 1))
    // (8 + 1 + 2 - 3) / 2 + 1 = 5 rows, (8 + 0 + 1 - 3) / 2 + 1 = 4 columns.
    #expect(conv.outputShape == TensorShape(channels: 16, height: 5, width: 4))
  }

  /// A Relu whose input is also read by an add is not the convolution's activation.
  @Test func anActivationOnAnOutputReadTwiceIsAPassThrough() throws {
    let model = Self.model(
      [
        Self.node("Conv", ["image", "w"], ["c"], name: "conv", ints: ["pads": [1, 1, 1, 1]]),
        Self.node("Relu", ["c"], ["r"], name: "act"), Self.node("Add", ["c", "r"], ["sum"], name: "sum"),
      ], initializers: [Self.weight("w", [3, 3, 3, 3])])
    let imported = try Self.read(model)
    #expect(imported.network.layers.map(\.activation) == [.linear, .linear])
    #expect(imported.warnings.isEmpty)
    #expect(imported.passThroughs == [ONNXPassThrough(node: "'act'", opType: "Relu", reason: "its input is read elsewhere too, a pre-activation")])
  }

  static func scalar(_ name: String, _ value: Float) -> Onnx_TensorProto {
    var tensor = Onnx_TensorProto()
    tensor.name = name
    tensor.dataType = 1
    tensor.floatData = [value]
    return tensor
  }

  @Test func brokenGraphsNameTheNode() throws {
    let dangling = Self.model([Self.node("Relu", ["nowhere"], ["r"], name: "act")])
    #expect(Self.failure { try Self.read(dangling) }.contains("node 'act' ('Relu'): input 'nowhere' is made by no earlier node"))
    let cycle = Self.model([
      Self.node("Add", ["image", "b"], ["a"], name: "first"), Self.node("Add", ["a", "image"], ["b"], name: "second"),
    ])
    #expect(Self.failure { try Self.read(cycle) }.contains("node 'first' ('Add'): input 'b'"))
    let unknown = Self.model([Self.node("NonMaxSuppression", ["image"], ["n"], name: "nms")])
    #expect(Self.failure { try Self.read(unknown) }.contains("--skip-unsupported"))
    let skipped = try ONNXReader.read(
      data: try Self.model([
        Self.node("NonMaxSuppression", ["image"], ["n"], name: "nms"), Self.node("GlobalAveragePool", ["n"], ["g"]),
      ]).serializedData(), name: "m.onnx", skipUnsupported: true)
    #expect(skipped.warnings.count == 1 && skipped.warnings[0].contains("'nms'"))
    let zero = Self.model(
      [Self.node("Conv", ["image", "w"], ["c"], name: "big")], initializers: [Self.weight("w", [4, 3, 9, 9])])
    #expect(Self.failure { try Self.read(zero) }.contains("every size must be at least 1"))
    let open = Self.model([Self.node("GlobalAveragePool", ["image"], ["g"])], inputDims: [1, 3, 0, 0])
    #expect(Self.failure { try Self.read(open) }.contains("give --input-size"))
    #expect(try Self.read(open, inputSize: 32).network.inputs[0].shape == TensorShape(channels: 3, height: 32, width: 32))
    let dilated = Self.model(
      [Self.node("Conv", ["image", "w"], ["c"], name: "d", ints: ["dilations": [2, 2]])],
      initializers: [Self.weight("w", [4, 3, 3, 3])])
    #expect(Self.failure { try Self.read(dilated) }.contains("dilations"))
  }

  @Test func bytesThatAreNotAModel() throws {
    let zoo = ONNXZooTests.folder.appendingPathComponent("light_squeezenet.onnx")
    let bytes = try Data(contentsOf: zoo)
    #expect(Self.failure { try ONNXReader.read(data: bytes.prefix(bytes.count / 2), name: "cut.onnx") }.hasPrefix("cut.onnx: not a valid ONNX protobuf"))
    // Field 7 (graph), length-delimited, claiming 2 GiB with three bytes behind it.
    let huge = Data([0x3A, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 1, 2, 3])
    #expect(Self.failure { try ONNXReader.read(data: huge, name: "huge.onnx") }.hasPrefix("huge.onnx: not a valid ONNX protobuf"))
    // Field 7 as a group that never ends; and as a varint where a message belongs (protobuf skips a
    // field of the wrong wire type, so what is left is a model without a version).
    #expect(Self.failure { try ONNXReader.read(data: Data([0x3B, 0x01]), name: "wire.onnx") }.hasPrefix("wire.onnx: not a valid ONNX protobuf"))
    #expect(Self.failure { try ONNXReader.read(data: Data([0x38, 0x01]), name: "wire.onnx") }.contains("IR version 0"))
    #expect(Self.failure { try ONNXReader.read(data: Data(), name: "empty.onnx") }.contains("IR version 0"))
    #expect(Self.failure { try ONNXReader.read(file: "/nonexistent/m.onnx") } == "/nonexistent/m.onnx: no such file")
  }

  /// A few thousand seeded byte mutations of a real model: each reads or fails with an ONNXError.
  @Test func mutatedBytesNeverCrash() throws {
    let bytes = [UInt8](try Data(contentsOf: ONNXZooTests.folder.appendingPathComponent("light_squeezenet.onnx")))
    var generator = SeededGenerator(seed: 0x5EED)
    func next() -> UInt64 { generator.next() }
    var read = 0
    var refused = 0
    for _ in 0..<2_000 {
      var mutated = bytes
      for _ in 0..<(1 + Int(next() % 4)) {
        let at = Int(next() % UInt64(mutated.count))
        switch next() % 3 {
        case 0: mutated[at] ^= UInt8(1 << (next() % 8))
        case 1: mutated[at] = UInt8(truncatingIfNeeded: next())
        default: mutated.removeSubrange(at..<min(mutated.count, at + Int(next() % 16)))
        }
      }
      do {
        let imported = try ONNXReader.read(data: Data(mutated), name: "m.onnx")
        _ = try? imported.network.analyze()
        read += 1
      } catch {
        refused += 1
      }
    }
    #expect(read + refused == 2_000)
    #expect(refused > 0)
  }
}
