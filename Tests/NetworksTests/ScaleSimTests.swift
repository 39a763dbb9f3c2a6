import Foundation
import Testing

@testable import Networks

@Suite struct ScaleSimTests {
  /// A topology in the writer's canonical form: YOLO-tiny's first layers as SCALE-Sim ships them
  /// (IFMAP sizes already padded), plus an FC row.
  static let canonical = """
    Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,
    Conv1, 418, 418, 3, 3, 3, 16, 1,
    Conv2, 210, 210, 3, 3, 16, 32, 1,
    Conv9, 7, 7, 1, 1, 1024, 125, 1,
    Conv10, 224, 224, 7, 7, 3, 64, 2,
    FC, 1, 1, 1, 1, 2048, 1000, 1,

    """

  /// SCALE-Sim's MAC formula, computed independently of shape inference.
  static func scaleSimMACs(_ h: Int, _ w: Int, _ fh: Int, _ fw: Int, _ c: Int, _ n: Int, _ s: Int) -> Int {
    ((h - fh + s) / s) * ((w - fw + s) / s) * fh * fw * c * n
  }

  @Test func readsEveryRowAsAnIndependentConvolution() throws {
    let network = try ScaleSimTopology.read(Self.canonical, file: "tiny.csv")
    #expect(network.name == "tiny")
    #expect(network.layers.map(\.name) == ["Conv1", "Conv2", "Conv9", "Conv10", "FC"])
    #expect(network.inputs.map(\.name) == ["Conv1.ifmap", "Conv2.ifmap", "Conv9.ifmap", "Conv10.ifmap", "FC.ifmap"])
    #expect(network.layers.allSatisfy { $0.inputs == ["\($0.name).ifmap"] })
    let analysis = try network.analyze()
    let expected = [
      Self.scaleSimMACs(418, 418, 3, 3, 3, 16, 1), Self.scaleSimMACs(210, 210, 3, 3, 16, 32, 1),
      Self.scaleSimMACs(7, 7, 1, 1, 1024, 125, 1), Self.scaleSimMACs(224, 224, 7, 7, 3, 64, 2),
      Self.scaleSimMACs(1, 1, 1, 1, 2048, 1000, 1),
    ]
    #expect(analysis.layers.map(\.macs) == expected)
    #expect(analysis.layer(named: "Conv10")?.outputShape == TensorShape(channels: 64, height: 109, width: 109))
    #expect(network.origins["Conv2"] == FileLocation(file: "tiny.csv", line: 3))
  }

  @Test func canonicalTextRoundTripsExactly() throws {
    let network = try ScaleSimTopology.read(Self.canonical, file: "tiny.csv")
    #expect(try ScaleSimTopology.write(network) == Self.canonical)
  }

  @Test func readNetworkRoundTripsThroughYAML() throws {
    let network = try ScaleSimTopology.read(Self.canonical, file: "tiny.csv")
    #expect(try NetworkYAML.read(NetworkYAML.write(network), file: "tiny.yaml") == network)
  }

  @Test func toleratesTheQuirksOfRealTopologyFiles() throws {
    // From SCALE-Sim's own files: aligned columns, tab indents, a '#dw' comment after the trailing
    // comma, a row without its trailing comma, a blank line, an all-comma line, CRLF line ends.
    let text =
      "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\r\n"
      + "\r\n"
      + ",,,,,,,,\r\n"
      + "Conv1,  416, 416,    3, 3,      3,      16,     1,\r\n"
      + "Conv2_dw, 112, 112, 3, 3, 1, 1, 1,#dw\r\n"
      + "\tConv15_0,14,14,1,1,512,512,1\r\n"
    let network = try ScaleSimTopology.read(text, file: "quirks.csv")
    #expect(network.layers.map(\.name) == ["Conv1", "Conv2_dw", "Conv15_0"])
    #expect(network.origins["Conv15_0"]?.line == 6)
    #expect(try network.analyze().layer(named: "Conv1")?.macs == Self.scaleSimMACs(416, 416, 3, 3, 3, 16, 1))
  }

  @Test func readsTheStrideWidthColumnOfVersion2() throws {
    let text = """
      Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Stride Height, Stride Width,
      Conv1, 32, 32, 3, 3, 8, 8, 1, 2,
      """
    let layer = try ScaleSimTopology.read(text, file: "v2.csv").layers[0]
    #expect(layer.convolution?.stride == Extent2D(height: 1, width: 2))
  }

  @Test func yamlNetworkKeepsPerLayerMACsThroughTheTopology() throws {
    let original = try analyzeBundled("mobilenetv2.yaml")
    let text = try ScaleSimTopology.write(original.network)
    let readBack = try ScaleSimTopology.read(text, file: "mobilenetv2.csv").analyze()
    let written = original.layers.filter { $0.kind != .add && $0.kind != .globalavgpool }
    #expect(readBack.layers.map(\.name) == written.map(\.name))
    #expect(readBack.layers.map(\.macs) == written.map(\.macs))
    #expect(readBack.totalMACs == original.totalMACs)
    // The stem's 224x224 input with padding 1 on each side becomes a 226x226 IFMAP.
    #expect(text.contains("\nstem, 226, 226, 3, 3, 3, 32, 2,\n"))
    // A depthwise layer is one channel per group; the classifier is a 1x1 GEMM on 1280 features.
    #expect(text.contains("\nb2.dw, 114, 114, 3, 3, 1, 96, 2,\n"))
    #expect(text.contains("\nclassifier, 1, 1, 1, 1, 1280, 1000, 1,\n"))
  }

  @Test func writerRefusesAnAsymmetricStride() throws {
    let network = Network(
      name: "n", inputs: [NetworkInput(name: "input", shape: TensorShape(channels: 3, height: 8, width: 8))],
      layers: [
        Layer(
          name: "wide", operation: .convolution(Convolution(outputChannels: .absolute(4), kernel: Extent2D(square: 3), stride: Extent2D(height: 1, width: 2))),
          inputs: ["input"])
      ])
    let error = networkError { _ = try ScaleSimTopology.write(network) }
    #expect(error?.layer == "wide")
    #expect(error?.field == "stride")
  }

  @Test func writerRefusesANetworkWithoutGEMMLayers() throws {
    let network = Network(
      name: "n", inputs: [NetworkInput(name: "input", shape: TensorShape(channels: 3, height: 8, width: 8))],
      layers: [Layer(name: "pool", operation: .globalAveragePool, inputs: ["input"])])
    #expect(networkError { _ = try ScaleSimTopology.write(network) } != nil)
  }

  // MARK: Bad input: each error names file:line and the column.

  static let header = "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n"

  private func readError(_ rows: String) -> NetworkError? {
    networkError { _ = try ScaleSimTopology.read(Self.header + rows, file: "bad.csv") }
  }

  @Test func rejectsANonIntegerValue() {
    let error = readError("Conv1, 32, 32, 3, 3, three, 8, 1,\n")
    #expect(error?.location == FileLocation(file: "bad.csv", line: 2))
    #expect(error?.field == "Channels")
    #expect(error?.layer == "Conv1")
  }

  @Test func rejectsAZeroValue() {
    let error = readError("Conv1, 32, 32, 3, 3, 3, 8, 1,\nConv2, 32, 32, 3, 3, 3, 0, 1,\n")
    #expect(error?.location == FileLocation(file: "bad.csv", line: 3))
    #expect(error?.field == "Num Filter")
  }

  @Test func rejectsAFilterLargerThanTheIFMAP() {
    let error = readError("Conv1, 32, 2, 3, 3, 3, 8, 1,\n")
    #expect(error?.location == FileLocation(file: "bad.csv", line: 2))
    #expect(error?.field == "Filter Width")
  }

  @Test func rejectsAMissingColumn() {
    let error = readError("Conv1, 32, 32, 3, 3, 3, 8,\n")
    #expect(error?.location == FileLocation(file: "bad.csv", line: 2))
    #expect(error?.field == "Strides")
  }

  @Test func rejectsAnExtraColumn() {
    let error = readError("Conv1, 32, 32, 3, 3, 3, 8, 1, 1,\n")
    #expect(error?.location == FileLocation(file: "bad.csv", line: 2))
    #expect(error?.message.contains("expected 8 values, found 9") == true)
  }

  @Test func rejectsAMissingHeader() {
    let error = networkError { _ = try ScaleSimTopology.read("Conv1, 32, 32, 3, 3, 3, 8, 1,\n", file: "bad.csv") }
    #expect(error?.location == FileLocation(file: "bad.csv", line: 1))
    #expect(error?.message.contains("missing header") == true)
  }

  @Test func rejectsAnEmptyFile() {
    let error = networkError { _ = try ScaleSimTopology.read("\n\n", file: "bad.csv") }
    #expect(error?.message.contains("missing header") == true)
  }

  @Test func rejectsADuplicateLayerName() {
    let error = readError("Conv1, 32, 32, 3, 3, 3, 8, 1,\nConv1, 32, 32, 3, 3, 3, 8, 1,\n")
    #expect(error?.location == FileLocation(file: "bad.csv", line: 3))
    #expect(error?.field == "Layer name")
  }

  @Test func formatIsChosenByExtension() throws {
    #expect(try NetworkFormat(path: "x.CSV") == .scaleSim)
  }
}
