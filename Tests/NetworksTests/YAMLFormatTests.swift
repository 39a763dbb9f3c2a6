import Testing

@testable import Networks

@Suite struct YAMLFormatTests {
  @Test func mobileNetV2MatchesPublishedTotals() throws {
    let analysis = try analyzeBundled("mobilenetv2.yaml")
    expectClose(analysis.totalMACs, 300e6, "MobileNetV2 MACs")
    expectClose(analysis.totalParameters, 3.50e6, "MobileNetV2 parameters")
  }
}
