import Foundation
import Testing

@testable import Networks

@Suite struct YAMLFormatTests {
  @Test func mobileNetV2MatchesPublishedTotals() throws {
    let analysis = try analyzeBundled("mobilenetv2.yaml")
    expectClose(analysis.totalMACs, 300e6, "MobileNetV2 MACs")
    expectClose(analysis.totalParameters, 3.50e6, "MobileNetV2 parameters")
  }

  @Test func shapesDefaultsAndGEMMViewOfASmallNet() throws {
    let analysis = try analyzeYAML(
      """
      name: tiny
      input: [3, 32, 32]
      layers:
        - {name: c1, op: conv, out: 16, kernel: 3, stride: 2, padding: 1, activation: relu}
        - {name: dw, op: depthwise, kernel: 3, padding: 1}
        - {name: pw, op: pointwise, out: 24, bias: false}
        - {name: pool, op: maxpool, kernel: 2}
        - {name: gap, op: globalavgpool}
        - {name: fc, op: fc, out: 10}
      """)
    let c1 = try #require(analysis.layer(named: "c1"))
    #expect(c1.outputShape == TensorShape(channels: 16, height: 16, width: 16))
    #expect(c1.gemm == GEMMView(m: 256, k: 27, n: 16))
    #expect(c1.macs == 256 * 27 * 16)
    #expect(c1.parameterCount == 27 * 16 + 16)
    #expect(c1.layer.activation == .relu)
    let dw = try #require(analysis.layer(named: "dw"))
    #expect(dw.kind == .depthwise)
    #expect(dw.groups == 16)
    #expect(dw.gemm == GEMMView(m: 256, k: 9, n: 1, groups: 16))
    #expect(dw.macs == 256 * 9 * 16)
    let pw = try #require(analysis.layer(named: "pw"))
    #expect(pw.kind == .pointwise)
    #expect(pw.parameterCount == 16 * 24)
    #expect(analysis.layer(named: "pool")?.outputShape == TensorShape(channels: 24, height: 8, width: 8))
    #expect(analysis.layer(named: "gap")?.outputShape == TensorShape(channels: 24, height: 1, width: 1))
    let fc = try #require(analysis.layer(named: "fc"))
    #expect(fc.gemm == GEMMView(m: 1, k: 24, n: 10))
    #expect(analysis.network.outputNames == ["fc"])
  }

  @Test func blocksExpandWithParametersRepeatAndLocalNames() throws {
    let analysis = try analyzeYAML(
      """
      input: [8, 16, 16]
      blocks:
        res:
          params: {width: ~, stride: 1}
          layers:
            - {name: a, op: conv, out: $width, kernel: 3, stride: $stride, padding: same}
            - {name: b, op: pointwise, out: "${width}"}
            - {name: sum, op: add, inputs: [input, b], activation: relu}
      layers:
        - {block: res, name: r, width: 8, repeat: 2}
        - {name: after, op: pointwise, out: 4, input: r_1}
        - {name: both, op: concat, inputs: [r, after]}
      """)
    #expect(
      analysis.layers.map(\.name) == [
        "r_1.a", "r_1.b", "r_1.sum", "r_2.a", "r_2.b", "r_2.sum", "after", "both",
      ])
    #expect(analysis.layer(named: "r_1.sum")?.layer.inputs == ["input", "r_1.b"])
    #expect(analysis.layer(named: "r_2.a")?.layer.inputs == ["r_1.sum"])
    #expect(analysis.layer(named: "r_2.sum")?.layer.inputs == ["r_1.sum", "r_2.b"])
    #expect(analysis.layer(named: "after")?.layer.inputs == ["r_1.sum"])
    #expect(analysis.layer(named: "both")?.layer.inputs == ["r_2.sum", "after"])
    #expect(analysis.layer(named: "both")?.outputShape == TensorShape(channels: 12, height: 16, width: 16))
  }

  @Test func repeatedLayersChainAndTheBaseNameMeansTheLast() throws {
    let analysis = try analyzeYAML(
      """
      input: [3, 8, 8]
      layers:
        - {name: c, op: conv, out: 4, kernel: 3, padding: 1, repeat: 3}
        - {name: skip, op: add, inputs: [c, c_1]}
      """)
    #expect(analysis.layers.map(\.name) == ["c_1", "c_2", "c_3", "skip"])
    #expect(analysis.layer(named: "skip")?.layer.inputs == ["c_3", "c_1"])
  }

  @Test func ceilModeAndAsymmetricPaddingFollowPyTorchAndDarknet() throws {
    let analysis = try analyzeYAML(
      """
      input: [4, 111, 13]
      layers:
        - {name: ceil, op: maxpool, kernel: 3, stride: 2, ceil: true, input: input}
        - {name: floor, op: maxpool, kernel: 3, stride: 2, input: input}
        - {name: darknet, op: maxpool, kernel: 2, stride: 1, padding: [0, 0, 1, 1], input: input}
      """)
    #expect(analysis.layer(named: "ceil")?.outputShape.height == 55)
    #expect(analysis.layer(named: "floor")?.outputShape.height == 55)
    #expect(analysis.layer(named: "ceil")?.outputShape.width == 6)
    #expect(analysis.layer(named: "floor")?.outputShape.width == 6)
    #expect(analysis.layer(named: "darknet")?.outputShape == TensorShape(channels: 4, height: 111, width: 13))
    // PyTorch: ceil((112 - 3) / 2) + 1 = 56, and the last window starts inside the input.
    let even = try analyzeYAML("input: [1, 112, 112]\nlayers:\n  - {op: maxpool, kernel: 3, stride: 2, ceil: true}")
    #expect(even.layers[0].outputShape.height == 56)
  }

  @Test func precisionDefaultsAndOverrides() throws {
    let analysis = try analyzeYAML(
      """
      input: [3, 8, 8]
      bits: {weights: 4, activations: 8}
      layers:
        - {name: a, op: pointwise, out: 4}
        - {name: b, op: pointwise, out: 4, bits: 16}
        - {name: c, op: pointwise, out: 4, bits: {weights: 1}}
      """)
    #expect(analysis.layer(named: "a")?.layer.precision == Precision(weightBits: 4, activationBits: 8))
    #expect(analysis.layer(named: "b")?.layer.precision == Precision(bits: 16))
    #expect(analysis.layer(named: "c")?.layer.precision == Precision(weightBits: 1, activationBits: 8))
  }

  @Test func writingAndReadingBackGivesTheSameNetwork() throws {
    let original = try NetworkFormat.load(path: bundledNet("mobilenetv2.yaml"))
    let text = NetworkYAML.write(original)
    let reread = try NetworkYAML.read(text, file: "rewritten.yaml")
    #expect(reread == original)
    #expect(NetworkYAML.write(reread) == text)
    let small = """
      name: "odd name"
      inputs: {a: [2, 9, 7], b: [2, 9, 7]}
      bits: {weights: 4, activations: 6}
      layers:
        - {name: "true", op: conv, out: 3x, kernel: [3, 1], stride: [2, 1], padding: [1, 0, 0, 0], groups: 2, input: a}
        - {name: up, op: upsample, factor: 3, input: b, output: true}
        - {name: p, op: avgpool, kernel: 3, stride: 1, padding: same, ceil: true, input: up, bits: 2}
        - {name: d, op: depthwise, kernel: 3, out: 12, input: p}
      """
    let network = try NetworkYAML.read(small, file: "small.yaml")
    #expect(try NetworkYAML.read(NetworkYAML.write(network), file: "x.yaml") == network)
  }
}

/// One test per kind of bad input: each error names the file, the line, the layer or field, and what is accepted.
@Suite struct YAMLErrorTests {
  private func error(_ text: String) -> NetworkError? {
    networkError { _ = try analyzeYAML(text, file: "bad.yaml") }
  }

  @Test func malformedYAMLNamesTheLine() throws {
    let failure = try #require(error("input: [3, 8, 8]\nlayers:\n  - {op: conv, out: 4\n  - x"))
    #expect(failure.location?.file == "bad.yaml")
    #expect(failure.location?.line != nil)
    #expect(failure.message.hasPrefix("malformed YAML"))
  }

  @Test func unknownOpListsTheAcceptedOnes() throws {
    let failure = try #require(error("input: [3, 8, 8]\nlayers:\n  - {name: x, op: convolve, out: 4}"))
    #expect(failure.location == FileLocation(file: "bad.yaml", line: 3))
    #expect(failure.field == "op")
    #expect(failure.message.contains("pointwise, depthwise"))
  }

  @Test func unknownAndDuplicateKeys() throws {
    let unknown = try #require(error("input: [3, 8, 8]\nlayers:\n  - {name: x, op: pointwise, out: 4, dilation: 2}"))
    #expect(unknown.field == "dilation")
    #expect(unknown.layer == "x")
    #expect(unknown.message.contains("accepted keys"))
    let duplicate = try #require(error("input: [3, 8, 8]\nlayers:\n  - {name: x, op: pointwise, out: 4, out: 5}"))
    #expect(duplicate.field == "out")
    let topLevel = try #require(error("input: [3, 8, 8]\nlayer:\n  - {op: pointwise, out: 4}"))
    #expect(topLevel.field == "layer")
    #expect(topLevel.location?.line == 2)
  }

  @Test func referenceToAMissingLayer() throws {
    let failure = try #require(
      error("input: [3, 8, 8]\nlayers:\n  - {name: a, op: pointwise, out: 4}\n  - {name: b, op: add, inputs: [a, nope]}"))
    #expect(failure.location?.line == 4)
    #expect(failure.field == "inputs")
    #expect(failure.message.contains("'nope'"))
    let forward = try #require(
      error("input: [3, 8, 8]\nlayers:\n  - {name: a, op: pointwise, out: 4, input: b}\n  - {name: b, op: pointwise, out: 4}"))
    #expect(forward.message.contains("earlier layer"))
  }

  @Test func shapeThatBecomesZero() throws {
    let failure = try #require(error("input: [3, 4, 4]\nlayers:\n  - {name: big, op: conv, out: 4, kernel: 5}"))
    #expect(failure.layer == "big")
    #expect(failure.field == "kernel")
    #expect(failure.location == FileLocation(file: "bad.yaml", line: 3))
    #expect(failure.message.contains("zero or negative"))
    let zero = try #require(error("input: [3, 0, 4]\nlayers:\n  - {op: pointwise, out: 4}"))
    #expect(zero.field == "input")
    #expect(zero.message.contains("from 1 to"))
  }

  @Test func channelMismatchAtAnAdd() throws {
    let failure = try #require(
      error(
        """
        input: [3, 8, 8]
        layers:
          - {name: a, op: pointwise, out: 4}
          - {name: b, op: pointwise, out: 5}
          - {name: sum, op: add, inputs: [a, b]}
        """))
    #expect(failure.layer == "sum")
    #expect(failure.field == "inputs")
    #expect(failure.location?.line == 5)
    #expect(failure.message.contains("channel counts do not match"))
  }

  /// Each limit of `Limits` is an error that states it, at the field or layer at fault.
  @Test func absurdSizesAreErrorsNotTraps() throws {
    let notAnInt = try #require(error("input: [3, 8, 8]\nlayers:\n  - {op: pointwise, out: 99999999999999999999}"))
    #expect(notAnInt.field == "out")
    let dimension = try #require(
      error("input: [3000000000, 3000000000, 3000000000]\nlayers:\n  - {op: pointwise, out: 4}"))
    #expect(dimension.field == "input")
    #expect(dimension.message.contains("65,536 (2^16)"))
    let side = try #require(error("input: [1, 3000000, 3000000]\nlayers:\n  - {op: pointwise, out: 4}"))
    #expect(side.message.contains("65,536 (2^16)"))
    let tensor = try #require(error("input: [65536, 65536, 65536]\nlayers:\n  - {op: pointwise, out: 4}"))
    #expect(tensor.message.contains("68,719,476,736 (2^36) elements"))
    let output = try #require(
      error("input: [1, 2048, 2048]\nlayers:\n  - {name: huge, op: conv, out: 65536, kernel: 1}"))
    #expect(output.layer == "huge")
    #expect(output.message.contains("(2^36) elements"))
    let macs = try #require(
      error("input: [8192, 1024, 1024]\nlayers:\n  - {name: heavy, op: conv, out: 8193, kernel: 1}"))
    #expect(macs.layer == "heavy")
    #expect(macs.message.contains("70,368,744,177,664 (2^46)"))
    let padding = try #require(error("input: [3, 8, 8]\nlayers:\n  - {name: wide, op: conv, out: 8, kernel: 3, padding: 3}"))
    #expect(padding.layer == "wide")
    #expect(padding.field == "padding")
    #expect(padding.message.contains("kernel-1"))
    let repeats = try #require(error("input: [3, 8, 8]\nlayers:\n  - {op: conv, out: 8, kernel: 3, padding: 1, repeat: 100000}"))
    #expect(repeats.field == "repeat")
    #expect(repeats.message.contains("from 1 to 10,000"))
  }

  /// Repeats of repeated blocks multiply; the layer count is checked as layers are made.
  @Test func nestedRepeatsStopAtTheLayerLimit() throws {
    let text = """
      input: [3, 8, 8]
      blocks:
        inner:
          layers:
            - {op: conv, out: 3, kernel: 3, padding: 1, repeat: 200}
        outer:
          layers:
            - {block: inner, repeat: 200}
      layers:
        - {block: outer, repeat: 200}
      """
    let failure = try #require(error(text))
    #expect(failure.message.contains("more than 10,000 layers"))
  }

  /// Names are bounded and free of control characters; messages quote user text in excerpts.
  @Test func namesAreBoundedAndQuotedShort() throws {
    let long = String(repeating: "n", count: 300)
    let failure = try #require(error("name: \(long)\ninput: [3, 8, 8]\nlayers:\n  - {op: pointwise, out: 4}"))
    #expect(failure.field == "name")
    #expect(failure.message.contains("at most 256"))
    let control = try #require(error("name: \"a\\u0000b\"\ninput: [3, 8, 8]\nlayers:\n  - {op: pointwise, out: 4}"))
    #expect(control.message.contains("control character"))
    #expect(!control.description.contains("\u{0}"))
    let huge = String(repeating: "x", count: 100_000)
    let unknown = try #require(error("input: [3, 8, 8]\nlayers:\n  - {name: a, op: \(huge), out: 4}"))
    #expect(unknown.description.count < 1_000)
    #expect(unknown.description.contains("100,000 characters"))
  }

  @Test func blockParameterErrors() throws {
    let template = """
      input: [3, 8, 8]
      blocks:
        b:
          params: {width: ~}
          layers:
            - {name: a, op: pointwise, out: $width}
            - {name: c, op: pointwise, out: $depth}
      layers:
        - %@
      """
    let missing = try #require(error(template.replacingOccurrences(of: "%@", with: "{block: b, name: x}")))
    #expect(missing.field == "width")
    #expect(missing.location?.line == 9)
    let unknownParameter = try #require(
      error(template.replacingOccurrences(of: "%@", with: "{block: b, name: x, width: 4, height: 2}")))
    #expect(unknownParameter.field == "height")
    let undefined = try #require(error(template.replacingOccurrences(of: "%@", with: "{block: b, name: x, width: 4}")))
    #expect(undefined.message.contains("unknown parameter 'depth'"))
    #expect(undefined.location?.line == 7)
    let noBlock = try #require(error("input: [3, 8, 8]\nlayers:\n  - {block: nothing}"))
    #expect(noBlock.field == "block")
  }

  @Test func duplicateNamesAndBadBits() throws {
    let duplicate = try #require(
      error("input: [3, 8, 8]\nlayers:\n  - {name: a, op: pointwise, out: 4}\n  - {name: a, op: pointwise, out: 4}"))
    #expect(duplicate.field == "name")
    #expect(duplicate.location?.line == 4)
    let bits = try #require(error("input: [3, 8, 8]\nlayers:\n  - {name: a, op: pointwise, out: 4, bits: 17}"))
    #expect(bits.layer == "a")
    #expect(bits.message.contains("from 1 to 16"))
  }

  @Test func descriptionIsOneLineWithFileLineLayerAndField() throws {
    let failure = try #require(error("input: [3, 4, 4]\nlayers:\n  - {name: big, op: conv, out: 4, kernel: 5}"))
    #expect(failure.description.hasPrefix("bad.yaml:3: layer 'big': field 'kernel': "))
    #expect(!failure.description.contains("\n"))
  }
}

@Suite struct DocumentationTests {
  /// The complete example in docs/network-format.md parses and gives the figures the page prints.
  @Test func theDocumentedExampleIsValid() throws {
    let page = try String(contentsOf: packageRoot.appendingPathComponent("docs/network-format.md"), encoding: .utf8)
    let start = try #require(page.range(of: "```yaml\n"))
    let end = try #require(page.range(of: "```", range: start.upperBound..<page.endIndex))
    let analysis = try analyzeYAML(String(page[start.upperBound..<end.lowerBound]), file: "docs/network-format.md")
    #expect(analysis.network.name == "tinyres")
    #expect(analysis.totalMACs == 11_076_224)
    #expect(analysis.totalParameters == 12_106)
    #expect(page.contains("tinyres: 11 layers, 11.08M MACs (11076224), 12.11K parameters (12106)"))
    #expect(analysis.layer(named: "dw")?.layer.precision == Precision(weightBits: 4, activationBits: 4))
  }
}
