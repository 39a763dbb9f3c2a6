import Foundation
import Networks
import Testing

@testable import ONNX

/// Graphs made with onnx.helper for the quirks exporters produce (Fixtures/make-fixtures.py):
/// every layer's output shape equal to what onnx.shape_inference infers for its node.
@Suite struct ONNXQuirkTests {
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/quirks")

  struct Layer: Decodable {
    var node: String
    var op: String
    var output: [Int]
  }

  static let expected: [String: [Layer]] = {
    let data = (try? Data(contentsOf: folder.appendingPathComponent("expected.json"))) ?? Data()
    return (try? JSONDecoder().decode([String: [Layer]].self, from: data)) ?? [:]
  }()

  static let models = [
    "activations_and_scales", "auto_pad", "bn_shuffle_squeeze", "clip_attributes", "clip_inputs", "constants_and_resize",
    "qdq", "torch_flatten", "unattached_activations", "upsample9",
  ]

  static func analysis(_ model: String) throws -> NetworkAnalysis {
    try ONNXReader.read(file: folder.appendingPathComponent(model + ".onnx").path).network.analyze()
  }

  @Test(arguments: models)
  func shapesAreWhatShapeInferenceSays(model: String) throws {
    let expected = try #require(Self.expected[model], "expected.json lacks \(model)")
    let analysis = try Self.analysis(model)
    #expect(analysis.layers.map(\.name) == expected.map(\.node), "\(model): layers")
    for (layer, reference) in zip(analysis.layers, expected) {
      let shape = layer.outputShape
      let found = reference.output.count == 1 ? [shape.channels] : [shape.channels, shape.height, shape.width]
      #expect(found == reference.output, "\(model) \(layer.name) (\(reference.op))")
    }
  }

  @Test func activationsBiasesAndGroups() throws {
    #expect(try Self.analysis("clip_attributes").layers[0].layer.activation == .relu6)
    let inputs = try Self.analysis("clip_inputs")
    #expect(inputs.layers.map(\.layer.activation) == [.relu6, .leaky])
    let folded = try Self.analysis("bn_shuffle_squeeze")
    #expect(folded.layers[0].layer.activation == .relu)
    #expect(folded.layers[0].biasCount == 8, "batch norm folded into a bias")
    #expect(folded.layers[1].groups == 2)
    #expect(folded.layers[2].layer.inputs == ["grouped", "conv"], "the residual reads the shuffled tensor's producer")
    let flatten = try Self.analysis("torch_flatten")
    #expect(flatten.layers[1].biasCount == 10, "MatMul + Add is a fully connected layer with a bias")
    #expect(flatten.layers[0].biasCount == 4 && flatten.layers[0].layer.activation == .relu, "batch norm folded, relu attached")
    let smooth = try Self.analysis("activations_and_scales")
    #expect(smooth.layers.map(\.layer.activation) == [.hardswish, .sigmoid, .hardsigmoid, .linear, .linear, .linear])
    if case .pooling(let pooling) = smooth.layers[3].layer.operation {
      #expect(!pooling.countsPadding, "ONNX's default count_include_pad is 0")
    } else {
      Issue.record("layer 3 is not a pooling")
    }
    // The batch of -1 is one image.
    #expect(try Self.analysis("constants_and_resize").network.inputs[0].shape == TensorShape(channels: 3, height: 8, width: 8))
  }

  /// Keras's hard sigmoid and PyTorch's default leaky ReLU (slope 0.01) are not dse's functions:
  /// the layers keep no activation, and the pass-throughs name both nodes.
  @Test func otherActivationFunctionsArePassThroughsWithWarnings() throws {
    let imported = try ONNXReader.read(file: Self.folder.appendingPathComponent("unattached_activations.onnx").path)
    #expect(imported.network.layers.map(\.activation) == [.linear, .linear])
    #expect(imported.warnings.isEmpty)
    #expect(imported.passThroughs.map(\.node) == ["'keras_hsigmoid'", "'torch_leaky'"])
    #expect(imported.passThroughs.map(\.opType) == ["HardSigmoid", "LeakyRelu"])
    let summary = try #require(imported.passThroughSummary)
    #expect(summary.contains("1 x HardSigmoid, a function dse has no form for ('keras_hsigmoid')"), "\(summary)")
  }

  /// A QDQ model: int8 weights with per-channel scales and zero points, and float weights
  /// fake-quantized by QuantizeLinear -> DequantizeLinear, give the floats numpy computes.
  @Test func quantizedWeightsAreDequantized() throws {
    let data = try Data(contentsOf: Self.folder.appendingPathComponent("qdq-weights.json"))
    let expected = try JSONDecoder().decode([String: [Float]].self, from: data)
    let imported = try ONNXReader.read(file: Self.folder.appendingPathComponent("qdq.onnx").path)
    let parameters = try imported.layerParameters()
    #expect(parameters["conv"]?.weights == expected["conv"])
    #expect(parameters["conv2"]?.weights == expected["conv2"])
    #expect(imported.network.layers.map(\.activation) == [.relu, .linear])
  }

  /// Constant, Identity, ConstantOfShape and float16 weights all reach the fixed-point core.
  @Test func everyWeightFormReachesTheParameters() throws {
    let imported = try ONNXReader.read(file: Self.folder.appendingPathComponent("constants_and_resize.onnx").path)
    let parameters = try imported.layerParameters()
    #expect(parameters["conv2"]?.weights == Array(repeating: 0.01, count: 36))
    #expect(parameters["conv3"]?.weights == Array(repeating: 0.5, count: 36))
    #expect(parameters["conv1"]?.weights.count == 162)
    let half = try ONNXReader.read(file: Self.folder.appendingPathComponent("bn_shuffle_squeeze.onnx").path).layerParameters()
    let grouped = try #require(half["grouped"])
    #expect(grouped.weights.count == 288 && grouped.weights.allSatisfy { abs($0) <= 0.1 } && grouped.weights.contains { $0 != 0 })
  }
}
