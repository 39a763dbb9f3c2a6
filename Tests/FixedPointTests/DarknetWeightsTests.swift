import Foundation
import Networks
import Testing

@testable import FixedPoint

@Suite struct DarknetWeightsTests {
  static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  static func expectClose(_ actual: [Float]?, _ expected: [Float], _ what: String) {
    guard let actual, actual.count == expected.count else {
      Issue.record("\(what): \(actual?.count ?? -1) values, expected \(expected.count)")
      return
    }
    for (index, (a, e)) in zip(actual, expected).enumerated() {
      #expect(abs(a - e) <= 1e-5 * max(1, abs(e)), "\(what)[\(index)]: \(a) vs \(e)")
    }
  }

  /// Folded values written out by hand (see `DarknetFixture` for the raw ones): conv0's fold
  /// factors are 1.5 and 0.5, conv3's 1, 2, 2, fc4's 2 and 1/3; conv2 has no batch norm.
  @Test func foldsBatchNormIntoHandComputedWeightsAndBiases() throws {
    let weights = try DarknetWeights.read(
      weights: DarknetFixture.file().data, cfg: DarknetFixture.cfg, analysis: DarknetFixture.analysis())
    #expect(weights.layers.keys.sorted() == ["conv0", "conv2", "conv3", "fc4"])
    Self.expectClose(weights.layers["conv0"]?.bias, [-1.0, 0.0], "conv0 bias")
    let conv0 = DarknetFixture.conv0Weights
    Self.expectClose(weights.layers["conv0"]?.weights, conv0[0..<18].map { $0 * 1.5 } + conv0[18...].map { $0 * 0.5 }, "conv0")
    #expect(weights.layers["conv2"] == LayerWeights(weights: DarknetFixture.conv2Weights, bias: DarknetFixture.conv2Bias))
    Self.expectClose(weights.layers["conv3"]?.bias, [0, -2, 3], "conv3 bias")
    Self.expectClose(weights.layers["conv3"]?.weights, [2, 6, -2], "conv3")
    Self.expectClose(weights.layers["fc4"]?.bias, [0, 2], "fc4 bias")
    Self.expectClose(
      weights.layers["fc4"]?.weights, (-12..<0).map { Float($0) * 2 } + (0..<12).map { Float($0) / 3 }, "fc4")
  }

  /// pjreddie's CPU epsilon, sqrt(variance) + 0.000001: conv2 unchanged, conv0 slightly different.
  @Test func outsideSquareRootEpsilonIsSelectable() throws {
    let weights = try DarknetWeights.read(
      weights: DarknetFixture.file().data, cfg: DarknetFixture.cfg, analysis: DarknetFixture.analysis(),
      options: DarknetWeights.Options(epsilon: .outsideSquareRoot))
    let std = (Double(Float(3.99999)).squareRoot() + 0.000001, Double(Float(0.24999)).squareRoot() + 0.000001)
    Self.expectClose(weights.layers["conv0"]?.bias, [Float(0.5 - 3 / std.0), Float(-1 + 2 * 0.25 / std.1)], "conv0 bias")
  }

  /// Version 0.1 has a 4-byte `seen`: the same values read from a 16-byte header.
  @Test func oldHeaderWithFourByteSeenReads() throws {
    let old = DarknetFixture.file(major: 0, minor: 1)
    #expect(old.bytes.count == 16 + 4 * DarknetFixture.floatCount)
    let analysis = try DarknetFixture.analysis()
    let fromOld = try DarknetWeights.read(weights: old.data, cfg: DarknetFixture.cfg, analysis: analysis)
    let fromNew = try DarknetWeights.read(weights: DarknetFixture.file().data, cfg: DarknetFixture.cfg, analysis: analysis)
    #expect(fromOld.layers == fromNew.layers)
  }

  /// Major > 1000 marks connected weights stored [in][out]; they come back [out][in].
  @Test func transposedConnectedWeightsAreTransposedBack() throws {
    let stored = (0..<12).flatMap { input in (0..<2).map { output in DarknetFixture.fc4Weights[output * 12 + input] } }
    let file = DarknetFixture.file(major: 1001, minor: 0, fc4Weights: stored)
    let transposed = try DarknetWeights.read(weights: file.data, cfg: DarknetFixture.cfg, analysis: DarknetFixture.analysis())
    let plain = try DarknetWeights.read(
      weights: DarknetFixture.file().data, cfg: DarknetFixture.cfg, analysis: DarknetFixture.analysis())
    #expect(transposed.layers == plain.layers)
  }

  @Test func shortFileNamesTheLayerAndTheByteCounts() throws {
    var bytes = DarknetFixture.file().bytes
    bytes.removeLast(10)
    // fc4 starts after 20 header bytes and the convolutions' floats; it needs (2 + 24 + 6) * 4 bytes.
    let offset = 20 + 4 * (DarknetFixture.floatCount - 32)
    let error = DarknetWeightsError.shortFile(
      file: "tiny.weights", layer: "fc4", offset: offset, expectedBytes: 128, foundBytes: 118)
    #expect(throws: error) {
      try DarknetWeights.read(
        weights: Data(bytes), cfg: DarknetFixture.cfg, analysis: DarknetFixture.analysis(), file: "tiny.weights")
    }
    let message = error.description
    #expect(message.contains("layer 'fc4'") && message.contains("needs 128 bytes") && message.contains("found 118"))
  }

  @Test func trailingBytesAreAnErrorUnlessAllowed() throws {
    var file = DarknetFixture.file()
    file.append([7])
    let analysis = try DarknetFixture.analysis()
    #expect(throws: DarknetWeightsError.trailingBytes(file: "<weights>", consumedBytes: file.bytes.count - 4, extraBytes: 4)) {
      try DarknetWeights.read(weights: file.data, cfg: DarknetFixture.cfg, analysis: analysis)
    }
    let lenient = try DarknetWeights.read(
      weights: file.data, cfg: DarknetFixture.cfg, analysis: analysis, options: DarknetWeights.Options(allowTrailingBytes: true))
    #expect(lenient.layers.count == 4)
  }

  @Test func badHeadersAreUnsupported() throws {
    let analysis = try DarknetFixture.analysis()
    let truncated = Array(DarknetTestFile().bytes.prefix(14))  // version 0.2 needs 20 header bytes
    for bytes in [[UInt8](repeating: 0, count: 8), DarknetTestFile(major: -1, minor: 2).bytes, truncated] {
      #expect {
        try DarknetWeights.read(weights: Data(bytes), cfg: DarknetFixture.cfg, analysis: analysis)
      } throws: { error in
        if case .unsupportedHeader = error as? DarknetWeightsError { return true }
        return false
      }
    }
  }

  @Test func cfgAndAnalysisMustDescribeTheSameLayers() throws {
    func isMismatch(_ error: any Error) -> Bool {
      if case .cfgMismatch = error as? DarknetWeightsError { return true }
      return false
    }
    let wider = try DarknetCfg.read(DarknetFixture.cfg.replacingOccurrences(of: "output=2", with: "output=3"), file: "x.cfg")
    #expect(performing: {
      try DarknetWeights.read(weights: DarknetFixture.file().data, cfg: DarknetFixture.cfg, analysis: wider.analyze())
    }, throws: isMismatch)
    let yolo = try NetworkFormat.load(path: Self.packageRoot.appendingPathComponent("nets/yolov3-tiny.cfg").path).analyze()
    #expect(performing: {
      try DarknetWeights.read(weights: DarknetFixture.file().data, cfg: DarknetFixture.cfg, analysis: yolo)
    }, throws: isMismatch)
    let local = DarknetFixture.cfg + "\n\n[local]\nfilters=1\n"
    #expect {
      try DarknetWeights.read(weights: DarknetFixture.file().data, cfg: local, analysis: DarknetFixture.analysis())
    } throws: { error in
      if case .unsupported = error as? DarknetWeightsError { return true }
      return false
    }
  }

  @Test func readsFromPathsAndReportsMissingFiles() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dse-darknet-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let cfgPath = directory.appendingPathComponent("tiny.cfg").path
    let weightsPath = directory.appendingPathComponent("tiny.weights").path
    try DarknetFixture.cfg.write(toFile: cfgPath, atomically: true, encoding: .utf8)
    try DarknetFixture.file().data.write(to: URL(fileURLWithPath: weightsPath))
    let analysis = try DarknetFixture.analysis()
    let weights = try DarknetWeights.read(weightsPath: weightsPath, cfgPath: cfgPath, analysis: analysis)
    #expect(weights.layers["conv2"]?.weights == DarknetFixture.conv2Weights)
    let missing = directory.appendingPathComponent("absent.weights").path
    #expect(throws: DarknetWeightsError.fileMissing(path: missing)) {
      try DarknetWeights.read(weightsPath: missing, cfgPath: cfgPath, analysis: analysis)
    }
  }

  /// The bundled cfgs against the published file sizes of pjreddie.com's yolov3-tiny.weights
  /// (35,434,956 bytes) and yolov3.weights (248,007,048 bytes), both with the 20-byte version
  /// 0.2 header. The sizes are second-hand: download scripts in several public repositories
  /// check them, and a Stack Overflow question (55374814) quotes the tiny one.
  @Test(arguments: [("yolov3-tiny", 35_434_956), ("yolov3", 248_007_048)])
  func bundledCfgsConsumeThePublishedFileSizes(name: String, bytes: Int) throws {
    let path = Self.packageRoot.appendingPathComponent("nets/\(name).cfg").path
    let analysis = try NetworkFormat.load(path: path).analyze()
    let floats = try DarknetWeights.expectedFloatCount(cfg: String(contentsOfFile: path, encoding: .utf8), analysis: analysis)
    #expect(20 + 4 * floats == bytes)
  }
}
