import Foundation
import Testing

/// `dse verify`: plans of every strategy, fused segments included, run bit-exact with the
/// predicted transfers; bad arguments fail with a message, never a crash.
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

  @Test func everyStrategyAtSeveralSizesVerifies() throws {
    let directory = try temporaryDirectory()
    let net = try writeFile(OptimalSweepCommandTests.smallNetwork, named: "tiny.yaml", in: directory)
    let result = try dse("verify", net, "--buffer", "1K,4K,20000", "--strategy", "all")
    #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
    // Everything up to the global pool fuses at the default limits: stem..pool, fc.
    #expect(result.standardOutput.contains("fused-greedy: 2 units"), "\(result.standardOutput)")
    #expect(result.standardOutput.contains("all 12 plans bit-exact with equal transfers"), "\(result.standardOutput)")
    let listed = try dse("verify", net, "--buffer", "4K", "--strategy", "optimal,layerwise-scan")
    #expect(listed.status == 0)
    #expect(listed.standardOutput.contains("all 2 plans bit-exact"), "\(listed.standardOutput)")
  }

  /// Windows with a stride longer than the kernel skip rows and columns, which are neither
  /// loaded nor charged: pooling streams, a strided 1x1 convolution tiles, a fused chain with one.
  @Test func stridesLongerThanTheKernelVerify() throws {
    let directory = try temporaryDirectory()
    let net = try writeFile(
      """
      name: gaps
      input: [4, 20, 20]
      layers:
        - {name: pool, op: maxpool, kernel: 2, stride: 3}
        - {name: conv, op: conv, out: 8, kernel: 3, padding: 1, activation: relu}
        - {name: skip, op: conv, out: 8, kernel: 1, stride: 2}
        - {name: dw, op: depthwise, kernel: 3, padding: 1}
        - {name: average, op: avgpool, kernel: 1, stride: 2}
      """, named: "gaps.yaml", in: directory)
    let result = try dse("verify", net, "--buffer", "64,300,4K", "--strategy", "all")
    #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
    #expect(result.standardOutput.contains("all 12 plans bit-exact with equal transfers"), "\(result.standardOutput)")
  }

  @Test func badArguments() throws {
    let strategy = try dse("verify", "nets/mobilenetv2.yaml", "--strategy", "fastest")
    #expect(strategy.status != 0)
    #expect(strategy.standardError.contains("layerwise-scan"))
    let list = try dse("verify", "nets/mobilenetv2.yaml", "--strategy", "optimal,,fused-greedy")
    #expect(list.status != 0)
    #expect(list.standardError.contains("separated by commas"), "\(list.standardError)")
    let sizes = try dse("verify", "nets/mobilenetv2.yaml", "--buffer", "64Q")
    #expect(sizes.status != 0)
    #expect(sizes.standardError.contains("--buffer 64Q"), "\(sizes.standardError)")
    for (option, value) in [("--max-stages", "0"), ("--max-stages", "17"), ("--max-segment-length", "0")] {
      let limit = try dse("verify", "nets/mobilenetv2.yaml", option, value)
      #expect(limit.status == 64, "\(limit.standardError)")
      #expect(limit.standardError.contains("\(option) \(value): expected 1 to 16"), "\(limit.standardError)")
    }
    let weights = try dse("verify", "nets/mobilenetv2.yaml", "--weights", "x.weights")
    #expect(weights.status != 0)
    #expect(weights.standardError.contains(".cfg"))
    let missing = try dse("verify", "nets/yolov3-tiny.cfg", "--weights", "/nonexistent.weights", "--input-size", "32")
    #expect(missing.status != 0)
    #expect(missing.standardError.contains("nonexistent.weights"), "\(missing.standardError)")
  }
}
