import Foundation
import Testing

/// `--max-segment-length` and `--max-stages` (SegmentLimitOptions) on every command that plans:
/// the same validation and message everywhere, and the limits reach the plans.
@Suite struct SegmentLimitCommandTests {
  /// The tiny network's block (expand, depthwise, project and its add) has three channel stages.
  static func tinyNetwork() throws -> String {
    try writeFile(OptimalSweepCommandTests.smallNetwork, named: "tiny.yaml", in: try temporaryDirectory())
  }

  @Test func everyPlanningCommandRefusesOutOfRangeLimits() throws {
    let net = try Self.tinyNetwork()
    let commands = [
      ["sweep", net, "--buffers", "4K", "--out", try temporaryDirectory().path], ["verify", net],
      ["trace", net, "--buffer", "4K", "-o", "-"], ["bench", net, "--buffers", "4K"],
    ]
    for command in commands {
      for (option, value) in [("--max-stages", "0"), ("--max-stages", "17"), ("--max-segment-length", "0"), ("--max-segment-length", "99")] {
        let result = try dse(command + [option, value])
        HardeningCommandTests.expectOneLineError(result, containing: "\(option) \(value): expected 1 to 16")
        #expect(result.status == 64, "\(command[0]): \(result.standardError)")
      }
    }
  }

  /// Fewer stages or a length of 1 break the block apart; the plans still verify.
  @Test func verifyPlansWithinTheLimits() throws {
    let net = try Self.tinyNetwork()
    // By default everything up to the global pool is one unit; three stages keep the block and
    // the head with the pool apart, two split the block.
    for (arguments, units) in [([], 2), (["--max-stages", "3"], 4), (["--max-stages", "2"], 5), (["--max-stages", "1"], 8), (["--max-segment-length", "1"], 8)] {
      let result = try dse(["verify", net, "--buffer", "4K", "--strategy", "fused-greedy,optimal"] + arguments)
      #expect(result.status == 0, "\(arguments): \(result.standardOutput)\(result.standardError)")
      #expect(result.standardOutput.contains("fused-greedy: \(units) units"), "\(arguments): \(result.standardOutput)")
      #expect(result.standardOutput.contains("optimal: \(units) units"), "\(arguments): \(result.standardOutput)")
      #expect(result.standardOutput.contains("all 2 plans bit-exact with equal transfers"), "\(arguments)")
    }
  }

  @Test func traceAndBenchPlanWithinTheLimits() throws {
    let net = try Self.tinyNetwork()
    for (arguments, units) in [([], 2), (["--max-stages", "1"], 8)] {
      let trace = try dse(["trace", net, "--buffer", "4K", "--strategy", "fused-greedy", "-o", "/dev/null"] + arguments)
      #expect(trace.status == 0, "\(trace.standardError)")
      #expect(trace.standardError.contains("fused-greedy, \(units) units,"), "\(arguments): \(trace.standardError)")
    }
    let bench = try dse("bench", net, "--buffers", "4K", "--jobs", "1", "--max-stages", "1")
    #expect(bench.status == 0, "\(bench.standardError)")
    #expect(bench.standardError.contains("(0 fused)"), "\(bench.standardError)")
    let fusing = try dse("bench", net, "--buffers", "4K", "--jobs", "1")
    #expect(fusing.status == 0 && !fusing.standardError.contains("(0 fused)"), "\(fusing.standardError)")
  }
}
