import Foundation
import Networks
import Testing

@testable import FixedPoint

/// The path a reference runner takes: analysed layers and their `LayerWeights` into the kernel.
@Suite struct BinaryLayerTests {
  /// Every conv and FC layer of the bundled Darknet nets (asymmetric maxpool padding upstream,
  /// 1x1 and 3x3 convs) gives a geometry with the analysis' output shape and weight count.
  @Test(arguments: ["yolov3-tiny", "yolov3"])
  func geometryFromAnalysisMatchesShapeInference(name: String) throws {
    let path = DarknetWeightsTests.packageRoot.appendingPathComponent("nets/\(name).cfg").path
    let analysis = try NetworkFormat.load(path: path).analyze()
    for layer in analysis.layers where layer.weightCount > 0 {
      let geometry = try #require(BinaryGeometry(layer), "\(layer.name)")
      #expect(geometry.output == layer.outputShape, "\(layer.name)")
      #expect(geometry.outputChannels * geometry.filterLength == layer.weightCount, "\(layer.name)")
    }
  }

  /// The Darknet fixture's weights, read from its file, through every layer's binarized
  /// kernel: each matches the ±1 reference, the FC layer over its CHW 3x2x2 input included.
  @Test func darknetFixtureLayersRunBinarized() throws {
    let analysis = try DarknetFixture.analysis()
    let weights = try DarknetWeights.read(weights: DarknetFixture.file().data, cfg: DarknetFixture.cfg, analysis: analysis)
    var generator = SeededGenerator(seed: 3)
    for layer in analysis.layers where layer.weightCount > 0 {
      let geometry = try #require(BinaryGeometry(layer))
      let parameters = try #require(weights.layers[layer.name])
      let input = BinaryReference.randomValues(geometry.input.elementCount ?? 0, using: &generator)
      let conv = BinaryConvolution(geometry: geometry, weights: parameters.weights)
      let region = TensorRegion(geometry.output)
      let dots = conv.dotProducts(conv.packInput(input, for: region), region: region)
      #expect(dots == BinaryReference.dots(input: input, weights: parameters.weights, geometry: geometry), "\(layer.name)")
    }
  }
}
