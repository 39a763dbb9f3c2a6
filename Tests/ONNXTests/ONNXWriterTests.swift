import Foundation
import Networks
import Testing

@testable import ONNX

/// Every bundled network written as ONNX and read back has the same layer table: names, kinds,
/// inputs, shapes, windows, MACs, parameters and activations (bit widths aside: ONNX does not
/// carry them).
@Suite struct ONNXWriterTests {
  static let nets = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("nets")

  static let files = [
    "alexnet.yaml", "mobilenetv1.yaml", "mobilenetv2.yaml", "resnet50.yaml", "resnet50-cp.yaml", "squeezenet1_1.yaml",
    "vgg16.yaml", "vgg16-cifar10.yaml", "yolov3.cfg", "yolov3-tiny.cfg",
  ]

  struct Row: Equatable, CustomStringConvertible {
    var name: String, kind: String, inputs: [String], input: String, output: String, kernel: String, stride: String
    var padding: String, groups: Int, macs: Int, parameters: Int, activation: String
    var description: String { "\(name) \(kind) \(inputs) \(input)->\(output) k\(kernel) s\(stride) p\(padding) g\(groups) \(macs) \(parameters) \(activation)" }
  }

  static func rows(_ analysis: NetworkAnalysis) -> [Row] {
    analysis.layers.map { layer in
      Row(
        name: layer.name, kind: "\(layer.kind)", inputs: layer.layer.inputs, input: "\(layer.inputShapes)",
        output: "\(layer.outputShape)", kernel: "\(layer.kernel)", stride: "\(layer.stride)", padding: "\(layer.padding)",
        groups: layer.groups, macs: layer.macs, parameters: layer.parameterCount, activation: layer.layer.activation.rawValue)
    }
  }

  @Test(arguments: files)
  func roundTripKeepsTheLayerTable(file: String) throws {
    let original = try NetworkFormat.load(path: Self.nets.appendingPathComponent(file).path).analyze()
    let data = try ONNXWriter.data(original, weights: .shapeOnly)
    let back = try ONNXReader.read(data: data, name: file + ".onnx")
    #expect(back.warnings.isEmpty, "\(back.warnings.prefix(2))")
    let analysis = try back.network.analyze()
    #expect(analysis.network.inputs.map(\.shape) == original.network.inputs.map(\.shape))
    let (before, after) = (Self.rows(original), Self.rows(analysis))
    #expect(before.count == after.count)
    for (a, b) in zip(before, after) where a != b {
      Issue.record("\(file): \(a)\n  read back as \(b)")
    }
  }

  /// Seeded weights: deterministic bytes, and the same layers as the shape-only model.
  @Test func seededWeightsAreDeterministic() throws {
    let original = try NetworkFormat.load(path: Self.nets.appendingPathComponent("squeezenet1_1.yaml").path).analyze()
    let first = try ONNXWriter.data(original, weights: .seeded(7))
    #expect(first == (try ONNXWriter.data(original, weights: .seeded(7))))
    #expect(first != (try ONNXWriter.data(original, weights: .seeded(8))))
    // 1,235,496 parameters as 4-byte floats, and a little structure.
    #expect(first.count > 1_235_496 * 4 && first.count < 1_235_496 * 4 + 100_000)
    #expect(Self.rows(try ONNXReader.read(data: first, name: "s.onnx").network.analyze()) == Self.rows(original))
  }

  /// The smooth activations and an average pooling whose padding does not count survive ONNX
  /// and YAML round trips: the same layers, operations and activations.
  @Test func smoothActivationsAndUncountedPaddingRoundTrip() throws {
    let model = ONNXQuirkTests.folder.appendingPathComponent("activations_and_scales.onnx").path
    let network = try ONNXReader.read(file: model).network
    let back = try ONNXReader.read(data: try ONNXWriter.data(network.analyze(), weights: .shapeOnly), name: "a.onnx")
    #expect(back.warnings.isEmpty)
    #expect(back.network.layers.map(\.operation) == network.layers.map(\.operation))
    #expect(back.network.layers.map(\.activation) == network.layers.map(\.activation))
    let yaml = FileManager.default.temporaryDirectory.appendingPathComponent("dse-smooth-\(getpid()).yaml").path
    defer { try? FileManager.default.removeItem(atPath: yaml) }
    try NetworkFormat.save(network, to: yaml)
    let reread = try NetworkFormat.load(path: yaml)
    #expect(reread.layers.map(\.operation) == network.layers.map(\.operation))
    #expect(reread.layers.map(\.activation) == network.layers.map(\.activation))
  }
}
