import Foundation
import Networks
import Testing

@testable import ONNX

/// The model-zoo graphs the `onnx` wheel ships, read as dse reads any model, against an
/// independent count of their MACs and parameters (Fixtures/make-fixtures.py, from
/// onnx.shape_inference): per layer and in total.
@Suite struct ONNXZooTests {
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/zoo")

  struct Expected: Decodable {
    struct Model: Decodable {
      struct Layer: Decodable {
        var node: String
        var op: String
        var macs: Int
        var params: Int
      }
      var macs: Int
      var params: Int
      var layers: [Layer]
    }
    var models: [String: Model]
  }

  static let expected: Expected = {
    let data = (try? Data(contentsOf: folder.appendingPathComponent("expected.json"))) ?? Data()
    return (try? JSONDecoder().decode(Expected.self, from: data)) ?? Expected(models: [:])
  }()

  static let models = [
    "light_bvlc_alexnet", "light_densenet121", "light_inception_v1", "light_inception_v2", "light_resnet50",
    "light_shufflenet", "light_squeezenet", "light_vgg19", "light_zfnet512",
  ]

  @Test(arguments: models)
  func importsWithTheIndependentCounts(model: String) throws {
    let expected = try #require(Self.expected.models[model], "expected.json lacks \(model)")
    let imported = try ONNXReader.read(file: Self.folder.appendingPathComponent(model + ".onnx").path)
    let analysis = try imported.network.analyze()
    let computing = analysis.layers.filter { $0.macs > 0 }
    #expect(computing.count == expected.layers.count, "\(model): convolution and FC layers")
    #expect(analysis.totalMACs == expected.macs, "\(model): MACs")
    #expect(computing.reduce(0) { $0 + $1.parameterCount } == expected.params, "\(model): parameters")
    // Layer by layer, in graph order (nodes without a name are matched by position).
    for (layer, reference) in zip(computing, expected.layers) {
      #expect(layer.macs == reference.macs, "\(model) \(layer.name) (\(reference.node)): MACs")
      #expect(layer.parameterCount == reference.params, "\(model) \(layer.name) (\(reference.node)): parameters")
    }
    // DenseNet's BN (as BatchNormalization, Mul, Add) and ReLU before each convolution read a
    // concat that the next concat reads too: they cannot fold into or attach to a layer. AlexNet,
    // ZFNet and Inception v1 have two LRNs each. Every other model folds and attaches all.
    let passThroughs: [String: [String: Int]] = [
      "light_densenet121": ["BatchNormalization": 62, "Mul": 62, "Add": 62, "Relu": 58], "light_bvlc_alexnet": ["LRN": 2],
      "light_zfnet512": ["LRN": 2], "light_inception_v1": ["LRN": 2],
    ]
    #expect(imported.warnings.isEmpty, "\(model): \(imported.warnings.prefix(3))")
    let found = Dictionary(imported.passThroughs.map { ($0.opType, 1) }, uniquingKeysWith: +)
    #expect(found == passThroughs[model, default: [:]], "\(model): \(imported.passThroughSummary ?? "")")
  }

  /// ResNet-50 and SqueezeNet 1.1 are also bundled as YAML: the same layer table.
  @Test func resnetAndSqueezenetMatchTheBundledNetworks() throws {
    for (model, bundled) in [("light_resnet50", 4_089_184_256), ("light_squeezenet", 349_151_936)] {
      let analysis = try ONNXReader.read(file: Self.folder.appendingPathComponent(model + ".onnx").path).network.analyze()
      #expect(analysis.totalMACs == bundled, "\(model)")
    }
  }
}

