import Foundation
import Testing

/// `dse quantize`: its table and CSV, its error table (which `dse sweep` must accept), its errors.
@Suite struct QuantizeCommandTests {
  @Test func tableSummaryAndAnErrorTableTheSweepReads() throws {
    let directory = try temporaryDirectory()
    let net = try writeFile(OptimalSweepCommandTests.smallNetwork, named: "tiny.yaml", in: directory)
    let errors = directory.appendingPathComponent("errors.csv")
    let result = try dse("quantize", net, "--calibration", "2", "--error-table", errors.path, "--widths", "4,8,16")
    #expect(result.status == 0, "\(result.standardError)")
    #expect(result.standardOutput.contains("tiny: 8 layers in fixed point, calibrated on 2 seeded inputs (seed 1)"))
    #expect(result.standardOutput.contains("layer    op"))
    #expect(result.standardOutput.contains("\nSQNR: min "))
    let lines = try String(contentsOf: errors, encoding: .utf8).split(separator: "\n")
    #expect(lines.first == "layer,bits,error")
    #expect(lines.count == 1 + 6 * 3)  // stem, expand, dw, project, head, fc at 4, 8 and 16 bits
    #expect(lines.contains { $0.hasPrefix("dw,16,") })

    let out = directory.appendingPathComponent("sweep")
    let sweep = try dse(
      "sweep", net, "--buffers", "2K", "--strategy", "optimal", "--error-table", errors.path, "--error-budget", "0.05",
      "--out", out.path, "--plots", out.appendingPathComponent("plots").path)
    #expect(sweep.status == 0, "\(sweep.standardError)")
  }

  @Test func csvHasOneRowPerLayerAndRepeats() throws {
    let directory = try temporaryDirectory()
    let net = try writeFile(OptimalSweepCommandTests.smallNetwork, named: "tiny.yaml", in: directory)
    let first = try dse("quantize", net, "--format", "csv", "--bits", "12", "--seed", "3", "--input-size", "8")
    #expect(first.status == 0, "\(first.standardError)")
    let lines = first.standardOutput.split(separator: "\n")
    #expect(lines.first == "layer,op,weight_bits,activation_bits,weight_format,output_format,sqnr_db")
    #expect(lines.count == 9)
    #expect(lines.dropFirst().allSatisfy { $0.split(separator: ",")[2] == "12" && $0.split(separator: ",")[3] == "12" })
    let again = try dse("quantize", net, "--format", "csv", "--bits", "12", "--seed", "3", "--input-size", "8")
    #expect(again.standardOutput == first.standardOutput)
  }

  @Test func badArgumentsAreExplained() throws {
    let directory = try temporaryDirectory()
    let net = try writeFile(OptimalSweepCommandTests.smallNetwork, named: "tiny.yaml", in: directory)
    let cases: [([String], String)] = [
      (["--bits", "1"], "binarized"), (["--bits", "17"], "--bits 17"), (["--calibration", "0"], "--calibration 0"),
      (["--widths", "4,x"], "--widths 4,x"), (["--widths", "1,8"], "2 to 16"), (["--input-size", "0"], "--input-size 0"),
    ]
    for (arguments, message) in cases {
      let result = try dse(["quantize", net] + arguments)
      #expect(result.status == 64, "\(arguments)")
      #expect(result.standardError.contains(message), "\(arguments): \(result.standardError)")
    }
    let binarized = try writeFile(
      OptimalSweepCommandTests.smallNetwork.replacingOccurrences(of: "{name: dw,", with: "{name: dw, bits: 1,"),
      named: "binary.yaml", in: directory)
    let result = try dse("quantize", binarized)
    #expect(result.status == 1)
    #expect(result.standardError.contains("layer 'dw': binarized layers"), "\(result.standardError)")
  }
}
