import FixedPoint
import Foundation
import Networks
import Testing

@testable import ONNX

/// The network dse reads from an ONNX model computes what the model computes: the float
/// reference run on the model's weights against onnx's own reference evaluator
/// (`onnx.reference.ReferenceEvaluator`, outputs recorded by Fixtures/make-fixtures.py) on the
/// smooth activations (HardSwish, Sigmoid, PyTorch's HardSigmoid), an AveragePool whose padding
/// does not count (ONNX's default) and a Gemm with alpha and beta.
@Suite struct ONNXNumericsTests {
  struct Recorded: Decodable {
    var image: [Float]
    var outputs: [String: [Float]]
  }

  @Test func floatReferenceMatchesONNXsEvaluator() throws {
    let folder = ONNXQuirkTests.folder
    let recorded = try JSONDecoder().decode(
      Recorded.self, from: Data(contentsOf: folder.appendingPathComponent("activations_and_scales-outputs.json")))
    let imported = try ONNXReader.read(file: folder.appendingPathComponent("activations_and_scales.onnx").path)
    let analysis = try imported.network.analyze()
    let weights = NetworkWeights(
      layers: try imported.layerParameters().mapValues { LayerWeights(weights: $0.weights, bias: $0.bias) })
    let input = try #require(analysis.network.inputs.first)
    let run = try FloatNetwork.run(
      analysis, weights: weights, inputs: [input.name: FloatBlock(shape: input.shape, values: recorded.image)])
    #expect(recorded.outputs.count == analysis.layers.count)
    for layer in analysis.layers {
      let expected = try #require(recorded.outputs[layer.name], "no recorded output for \(layer.name)")
      let found = try #require(run.outputs[layer.name]).values
      #expect(found.count == expected.count, "\(layer.name)")
      let worst = zip(found, expected).map { abs($0 - $1) }.max() ?? .infinity
      #expect(worst < 1e-5, "\(layer.name): largest difference \(worst)")
    }
  }
}
