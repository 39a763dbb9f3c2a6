import Foundation
import Testing

/// ONNX models through the commands: shown, swept (ResNet-50's export plans exactly as the
/// bundled YAML ResNet-50 does), verified, and refused with the node named.
@Suite struct ONNXCommandTests {
  static let zoo = "Tests/ONNXTests/Fixtures/zoo"

  @Test func showCountsWhatTheIndependentCountSays() throws {
    let result = try dse("show", "\(Self.zoo)/light_squeezenet.onnx", "--format", "json")
    #expect(result.status == 0, "\(result.standardError)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
    let totals = try #require(json["totals"] as? [String: Any])
    #expect(totals["macs"] as? Int == 349_151_936)
    #expect(totals["params"] as? Int == 1_235_496)
  }

  /// The model zoo's ResNet-50 and dse's own are the same network: the same traffic per strategy.
  @Test func resnet50FromONNXPlansAsTheBundledOne() throws {
    let directory = try temporaryDirectory()
    var traffic: [[String]] = []
    for file in ["\(Self.zoo)/light_resnet50.onnx", "nets/resnet50.yaml"] {
      let out = directory.appendingPathComponent(UUID().uuidString).path
      let result = try dse("sweep", file, "--buffers", "64K", "--strategy", "optimal", "--out", out)
      #expect(result.status == 0, "\(result.standardError)")
      let name = file.hasSuffix(".onnx") ? "light_resnet50" : "resnet50"
      let rows = try String(contentsOfFile: out + "/\(name).csv", encoding: .utf8).split(separator: "\n").dropFirst()
      traffic.append(rows.map { $0.split(separator: ",").dropFirst().prefix(6).joined(separator: ",") })
    }
    #expect(traffic[0] == traffic[1])
    #expect(traffic[0].count == 2)
  }

  @Test func verifyRunsTheModelsSchedules() throws {
    let result = try dse("verify", "\(Self.zoo)/light_squeezenet.onnx", "--input-size", "32", "--buffer", "20K")
    #expect(result.status == 0, "\(result.standardError)")
    #expect(result.standardOutput.contains("all 38 units bit-exact with equal transfers"), "\(result.standardOutput)")
  }

  /// `dse convert` to ONNX and back: the same totals; the shape-only model stays small.
  @Test func convertWritesModelsThatReadBack() throws {
    let directory = try temporaryDirectory()
    let model = directory.appendingPathComponent("mobilenetv2.onnx").path
    let converted = try dse("convert", "nets/mobilenetv2.yaml", model, "--shape-only")
    #expect(converted.status == 0, "\(converted.standardError)")
    let size = try #require(try FileManager.default.attributesOfItem(atPath: model)[.size] as? Int)
    #expect(size < 100_000)
    let shown = try dse("show", model)
    #expect(shown.standardOutput.contains("64 layers, 300.8M MACs (300774272), 3.488M parameters (3487816)"), "\(shown.standardOutput)")
    let pruned = try dse("prune", model, "-o", directory.appendingPathComponent("pruned.onnx").path, "--keep", "0.5")
    #expect(pruned.status == 0, "\(pruned.standardError)")
    let bad = try dse("convert", "nets/mobilenetv2.yaml", directory.appendingPathComponent("x.pb").path)
    #expect(bad.status != 0 && bad.standardError.contains(".onnx"), "\(bad.standardError)")
  }

  /// A model written with seeded weights verifies on those weights.
  @Test func verifyUsesTheModelsWeights() throws {
    let directory = try temporaryDirectory()
    let model = directory.appendingPathComponent("squeezenet.onnx").path
    #expect(try dse("convert", "nets/squeezenet1_1.yaml", model, "--seed", "3").status == 0)
    let result = try dse("verify", model, "--input-size", "32", "--buffer", "20K", "--strategy", "optimal")
    #expect(result.status == 0, "\(result.standardError)")
    #expect(result.standardError.contains("weights: the model's own"), "\(result.standardError)")
    // (As many units as the optimizer makes: fire modules fuse whole, so fewer than its 33 layers.)
    #expect(result.standardOutput.contains(" units bit-exact with equal transfers"), "\(result.standardOutput)")
  }

  /// A torch-style export (batch norm unfolded, flatten as a shape subgraph, MatMul + Add), a
  /// QDQ-quantized one and one with hard swish, sigmoid and hard sigmoid: swept with every
  /// strategy and verified bit-exact. Element-wise nodes left out of the values are named by the
  /// commands that compute values, not by the sweep. A grouped
  /// convolution of 2 groups imports but is a layer the tiling model does not plan: named.
  @Test func torchStyleAndQuantizedExportsSweepAndVerify() throws {
    let directory = try temporaryDirectory()
    let grouped = try dse(
      "sweep", "Tests/ONNXTests/Fixtures/quirks/bn_shuffle_squeeze.onnx", "--buffers", "2K", "--out", directory.path)
    #expect(grouped.status != 0 && grouped.standardError.contains("layer 'grouped': grouped convolutions"), "\(grouped.standardError)")
    for model in ["torch_flatten", "qdq", "activations_and_scales"] {
      let file = "Tests/ONNXTests/Fixtures/quirks/\(model).onnx"
      let sweep = try dse("sweep", file, "--buffers", "2K", "--strategy", "all", "--out", directory.path)
      #expect(sweep.status == 0, "\(model): \(sweep.standardError)")
      let verify = try dse("verify", file, "--buffer", "2K", "--strategy", "all")
      #expect(verify.status == 0, "\(model): \(verify.standardError)")
      #expect(verify.standardOutput.contains("all 4 plans bit-exact with equal transfers"), "\(model): \(verify.standardOutput)")
    }
    let unattached = "Tests/ONNXTests/Fixtures/quirks/unattached_activations.onnx"
    let sweep = try dse("sweep", unattached, "--buffers", "2K", "--out", directory.path)
    #expect(sweep.status == 0 && !sweep.standardError.contains("leaves out"), "\(sweep.standardError)")
    let verify = try dse("verify", unattached, "--buffer", "2K")
    #expect(verify.status == 0, "\(verify.standardError)")
    #expect(verify.standardError.contains("warning: the network run leaves out 2 element-wise nodes"), "\(verify.standardError)")
  }

  @Test func unsupportedOperatorsAndBrokenFiles() throws {
    let model = "Tests/ONNXTests/Fixtures/quirks/unsupported.onnx"
    let refused = try dse("show", model)
    #expect(refused.status != 0)
    #expect(refused.standardError.contains("node 'pool' ('GlobalMaxPool'): dse does not model this operator"), "\(refused.standardError)")
    let skipped = try dse("show", model, "--skip-unsupported")
    #expect(skipped.status == 0, "\(skipped.standardError)")
    #expect(skipped.standardError.contains("warning: node 'pool' ('GlobalMaxPool') skipped"), "\(skipped.standardError)")
    let directory = try temporaryDirectory()
    let bytes = try Data(contentsOf: packageRoot.appendingPathComponent("\(Self.zoo)/light_vgg19.onnx"))
    let cut = directory.appendingPathComponent("cut.onnx")
    try bytes.prefix(bytes.count / 2).write(to: cut)
    let truncated = try dse("sweep", cut.path, "--buffers", "64K", "--out", directory.path)
    #expect(truncated.status != 0)
    #expect(truncated.standardError.contains("cut.onnx: not a valid ONNX protobuf (truncated)"), "\(truncated.standardError)")
    let open = try dse("verify", "\(Self.zoo)/light_shufflenet.onnx", "--input-size", "32", "--buffer", "20K")
    #expect(open.status != 0)
    #expect(open.standardError.contains("every size must be at least 1"), "\(open.standardError)")
  }
}
