import Testing

@testable import Networks

/// nets/resnet50-cp.yaml is what its header says: ResNet-50 CP-decomposed at rank 0.5, stem kept.
@Suite struct ShippedCPNetworkTests {
  @Test func isExactlyTheTransformOfResNet50() throws {
    let resnet = try NetworkFormat.load(path: bundledNet("resnet50.yaml"))
    var expected = try CPDecomposition.apply(
      to: resnet, options: .init(rank: try #require(CPRank(parsing: "0.5")), keepFirst: true))
    expected.name = "resnet50-cp"
    let shipped = try NetworkFormat.load(path: bundledNet("resnet50-cp.yaml"))
    #expect(shipped == expected)
  }

  @Test func hasFewerParametersAndOnlyPointwiseAndDepthwiseConvsBesidesTheStem() throws {
    let original = try analyzeBundled("resnet50.yaml")
    let decomposed = try analyzeBundled("resnet50-cp.yaml")
    #expect(decomposed.totalParameters < original.totalParameters)
    #expect(decomposed.totalMACs < original.totalMACs)
    let otherConvs = decomposed.layers.filter { $0.kind == .conv }.map(\.name)
    #expect(otherConvs == ["conv1"])
    // Every surviving original layer keeps its output shape.
    for layer in original.layers {
      #expect(decomposed.layer(named: layer.name)?.outputShape == layer.outputShape, "\(layer.name)")
    }
  }
}
