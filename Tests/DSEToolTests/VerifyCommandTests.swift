import Foundation
import Testing

/// `dse verify`: a layerwise plan runs bit-exact with the predicted transfers; a plan with fused
/// segments (not executed yet) and bad arguments fail with a message, never a crash.
@Suite struct VerifyCommandTests {
  @Test func layerwisePlansVerify() throws {
    let directory = try temporaryDirectory()
    let net = try writeFile(OptimalSweepCommandTests.smallNetwork, named: "tiny.yaml", in: directory)
    for (strategy, buffer) in [("layerwise-scan", "1K"), ("layerwise-rowmajor", "3000")] {
      let result = try dse("verify", net, "--buffer", buffer, "--strategy", strategy)
      #expect(result.status == 0, "\(result.standardError)")
      #expect(result.standardOutput.contains("all 8 units bit-exact with equal transfers"), "\(result.standardOutput)")
    }
  }

  @Test func fusedSegmentsAreReportedNotExecuted() throws {
    let directory = try temporaryDirectory()
    let net = try writeFile(OptimalSweepCommandTests.smallNetwork, named: "tiny.yaml", in: directory)
    let result = try dse("verify", net, "--buffer", "4K", "--strategy", "fused-greedy")
    #expect(result.status == 1)
    #expect(result.standardOutput.contains("fused segments are not executed yet"), "\(result.standardOutput)")
    #expect(result.standardOutput.contains("FAILED"))
  }

  @Test func badArguments() throws {
    let strategy = try dse("verify", "nets/mobilenetv2.yaml", "--strategy", "fastest")
    #expect(strategy.status != 0)
    #expect(strategy.standardError.contains("layerwise-scan"))
    let weights = try dse("verify", "nets/mobilenetv2.yaml", "--weights", "x.weights")
    #expect(weights.status != 0)
    #expect(weights.standardError.contains(".cfg"))
    let missing = try dse("verify", "nets/yolov3-tiny.cfg", "--weights", "/nonexistent.weights", "--input-size", "32")
    #expect(missing.status != 0)
    #expect(missing.standardError.contains("nonexistent.weights"), "\(missing.standardError)")
  }
}
