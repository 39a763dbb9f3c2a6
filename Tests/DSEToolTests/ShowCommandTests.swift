import Foundation
import Testing

@Suite struct ShowCommandTests {
  @Test func jsonFollowsTheDocumentedSchema() throws {
    let result = try dse("show", "nets/mobilenetv2.yaml", "--format", "json")
    #expect(result.status == 0, "\(result.standardError)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
    #expect(json["network"] as? String == "mobilenetv2")
    let layers = try #require(json["layers"] as? [[String: Any]])
    #expect(layers.count == 64)
    let stem = layers[0]
    for key in ["name", "op", "input", "output", "kernel", "stride", "groups", "gemm", "macs", "params"] {
      #expect(stem[key] != nil, "missing key \(key)")
    }
    #expect(stem["op"] as? String == "conv")
    #expect(stem["input"] as? [Int] == [3, 224, 224])
    #expect(stem["output"] as? [Int] == [32, 112, 112])
    #expect(stem["kernel"] as? Int == 3)
    #expect(stem["stride"] as? Int == 2)
    let gemm = try #require(stem["gemm"] as? [String: Int])
    #expect(gemm == ["m": 112 * 112, "k": 27, "n": 32])
    #expect(stem["macs"] as? Int == 112 * 112 * 27 * 32)
    let ops = Set(layers.compactMap { $0["op"] as? String })
    #expect(ops == ["conv", "pointwise", "depthwise", "add", "globalavgpool", "fc"])
    let totals = try #require(json["totals"] as? [String: Int])
    #expect(totals["layers"] == 64)
    let macs = try #require(totals["macs"])
    #expect(abs(Double(macs) - 300e6) / 300e6 < 0.02)
    #expect(macs == layers.compactMap { $0["macs"] as? Int }.reduce(0, +))
    let params = try #require(totals["params"])
    #expect(abs(Double(params) - 3.50e6) / 3.50e6 < 0.02)
  }

  @Test func tableAndCSVAgreeWithJSON() throws {
    let table = try dse("show", "nets/mobilenetv2.yaml")
    #expect(table.status == 0)
    #expect(table.standardOutput.contains("mobilenetv2: 64 layers, 300.8M MACs (300774272)"))
    let csv = try dse("show", "nets/mobilenetv2.yaml", "--format", "csv")
    let lines = csv.standardOutput.split(separator: "\n")
    #expect(lines.count == 65)
    #expect(lines[0] == "name,op,input,output,kernel,stride,groups,gemm_m,gemm_k,gemm_n,macs,params,bits")
    #expect(lines[1] == "stem,conv,3x224x224,32x112x112,3,2,1,12544,27,32,10838016,896,8")
  }

  @Test func nonSquareKernelsAndStridesArePairs() throws {
    let directory = try temporaryDirectory()
    let path = try writeFile(
      "input: [4, 9, 9]\nlayers:\n  - {op: conv, out: 4, kernel: [3, 1], stride: [2, 1]}\n", named: "pair.yaml",
      in: directory)
    let result = try dse("show", path, "--format", "json")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
    let layer = try #require((json["layers"] as? [[String: Any]])?.first)
    #expect(layer["kernel"] as? [Int] == [3, 1])
    #expect(layer["stride"] as? [Int] == [2, 1])
  }
}

@Suite struct BadInputTests {
  @Test func aBadNetworkIsOneLineOnStandardErrorAndExitStatusOne() throws {
    let directory = try temporaryDirectory()
    let path = try writeFile(
      "input: [3, 8, 8]\nlayers:\n  - {name: a, op: pointwise, out: 4}\n  - {name: b, op: pointwise, out: 5}\n  - {name: s, op: add, inputs: [a, b]}\n",
      named: "mismatch.yaml", in: directory)
    let result = try dse("show", path)
    #expect(result.status == 1)
    #expect(result.standardOutput.isEmpty)
    let message = result.standardError.trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(!message.contains("\n"))
    #expect(message.contains("mismatch.yaml:5: layer 's': field 'inputs': channel counts do not match"))
  }

  @Test func missingFileAndUnknownExtension() throws {
    let missing = try dse("show", "nets/does-not-exist.yaml")
    #expect(missing.status == 1)
    #expect(missing.standardError.contains("nets/does-not-exist.yaml: no such file"))
    let unknown = try dse("show", "README.md")
    #expect(unknown.status == 1)
    #expect(unknown.standardError.contains("accepted extensions"))
  }

  @Test func aFailedConversionLeavesNoOutputFile() throws {
    let directory = try temporaryDirectory()
    let path = try writeFile("input: [3, 8, 8]\nlayers:\n  - {op: conv, out: 4, kernel: 9}\n", named: "bad.yaml", in: directory)
    let output = directory.appendingPathComponent("out.yaml")
    let result = try dse("convert", path, output.path)
    #expect(result.status == 1)
    #expect(!FileManager.default.fileExists(atPath: output.path))
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path)
    #expect(leftovers == ["bad.yaml"])
  }
}

@Suite struct GraphAndConvertTests {
  @Test func graphWritesDOT() throws {
    let directory = try temporaryDirectory()
    let output = directory.appendingPathComponent("m.dot")
    let result = try dse("graph", "nets/mobilenetv2.yaml", "-o", output.path)
    #expect(result.status == 0, "\(result.standardError)")
    let dot = try String(contentsOf: output, encoding: .utf8)
    #expect(dot.hasPrefix("digraph \"mobilenetv2\" {"))
    #expect(dot.contains("\"b3.project\" -> \"b3.add\";"))
    #expect(dot.contains("\"b2.project\" -> \"b3.add\";"))
  }

  @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/dot"), "needs Graphviz"))
  func graphRendersSVGThroughGraphviz() throws {
    let directory = try temporaryDirectory()
    let output = directory.appendingPathComponent("m.svg")
    let result = try dse("graph", "nets/mobilenetv2.yaml", "-o", output.path)
    #expect(result.status == 0, "\(result.standardError)")
    let svg = try String(contentsOf: output, encoding: .utf8)
    #expect(svg.contains("<svg"))
  }

  @Test func convertYAMLToYAMLKeepsEveryShape() throws {
    let directory = try temporaryDirectory()
    let output = directory.appendingPathComponent("copy.yaml")
    #expect(try dse("convert", "nets/mobilenetv2.yaml", output.path).status == 0)
    let original = try dse("show", "nets/mobilenetv2.yaml", "--format", "csv").standardOutput
    let copy = try dse("show", output.path, "--format", "csv").standardOutput
    #expect(original == copy)
  }

  @Test func everySubcommandHasHelpWithAnExample() throws {
    let top = try dse("--help")
    let names = ["show", "graph", "convert", "decompose", "prune", "precision"]
    for name in names {
      #expect(top.standardOutput.contains(name))
      let help = try dse(name, "--help")
      #expect(help.status == 0)
      #expect(help.standardOutput.contains("Example"), "dse \(name) --help has no example")
      #expect(help.standardOutput.contains("dse \(name) "), "dse \(name) --help shows no example command")
    }
  }

  @Test func darknetConvertsToYAMLWithIdenticalShapes() throws {
    let directory = try temporaryDirectory()
    let output = directory.appendingPathComponent("yolov3.yaml")
    #expect(try dse("convert", "nets/yolov3.cfg", output.path).status == 0)
    let original = try dse("show", "nets/yolov3.cfg", "--format", "csv").standardOutput
    let converted = try dse("show", output.path, "--format", "csv").standardOutput
    #expect(!original.isEmpty)
    #expect(original == converted)
  }

  @Test func transformsWriteNetworksThatShowLoads() throws {
    let directory = try temporaryDirectory()
    let decomposed = directory.appendingPathComponent("cp.yaml").path
    let pruned = directory.appendingPathComponent("pruned.yaml").path
    let quantized = directory.appendingPathComponent("w4.yaml").path
    #expect(try dse("decompose", "nets/vgg16-cifar10.yaml", "-o", decomposed, "--rank", "0.25", "--keep-first").status == 0)
    #expect(try dse("prune", "nets/mobilenetv2.yaml", "-o", pruned, "--keep", "0.5").status == 0)
    #expect(try dse("precision", "nets/mobilenetv2.yaml", "-o", quantized, "--weight-bits", "4").status == 0)
    let shown = try dse("show", pruned)
    #expect(shown.status == 0)
    #expect(shown.standardOutput.contains("83.40M MACs"))
    let bits = try dse("show", quantized, "--format", "csv").standardOutput.split(separator: "\n")
    #expect(bits.dropFirst().allSatisfy { $0.hasSuffix(",w4a8") })
    let bad = try dse("prune", "nets/mobilenetv2.yaml", "-o", pruned, "--keep", "1.5")
    #expect(bad.status != 0)
    #expect(bad.standardError.contains("keep"))
  }
}
