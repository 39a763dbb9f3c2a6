import Foundation
import Networks
import Testing

@testable import FixedPoint

@Suite struct NetworkWeightsTests {
  static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  /// Every layer with weights gets exactly its weight and bias counts; the same seed gives the
  /// same values, another seed others.
  @Test func seededWeightsHaveTheLayersCountsAndRepeat() throws {
    let analysis = try NetworkFormat.load(path: Self.packageRoot.appendingPathComponent("nets/mobilenetv2.yaml").path).analyze()
    let first = NetworkWeights.seeded(analysis, seed: 7)
    let again = NetworkWeights.seeded(analysis, seed: 7)
    let other = NetworkWeights.seeded(analysis, seed: 8)
    for layer in analysis.layers where layer.weightCount > 0 {
      let weights = try #require(first.layers[layer.name])
      #expect(weights.weights.count == layer.weightCount)
      #expect(weights.bias.count == layer.biasCount)
      #expect(again.layers[layer.name] == weights)
      #expect(other.layers[layer.name] != weights)
      let bound = Float((6 / Double(layer.weightCount / layer.outputShape.channels)).squareRoot())
      #expect(weights.weights.allSatisfy { abs($0) <= bound })
    }
    #expect(first.layers.count == analysis.layers.filter { $0.weightCount > 0 }.count)
  }
}
