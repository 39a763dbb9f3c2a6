import Foundation
import Networks
import Testing

@testable import Tiling

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()

func analyzeBundled(_ file: String) throws -> NetworkAnalysis {
  try NetworkFormat.load(path: packageRoot.appendingPathComponent("nets/\(file)").path).analyze()
}

@Suite struct LayerWorkloadTests {
  static let bundled = [
    "mobilenetv2.yaml", "mobilenetv1.yaml", "resnet50.yaml", "resnet50-cp.yaml", "vgg16.yaml", "vgg16-cifar10.yaml",
    "alexnet.yaml", "squeezenet1_1.yaml", "yolov3.cfg", "yolov3-tiny.cfg",
  ]

  @Test(arguments: bundled)
  func everyBundledLayerHasAWorkload(file: String) throws {
    let analysis = try analyzeBundled(file)
    for layer in analysis.layers {
      let workload = try LayerWorkload(layer)
      switch workload {
      case .gemm(let shape):
        #expect([.pointwise, .fc].contains(layer.kind), "\(layer.name)")
        #expect(shape.m * shape.k * shape.n == layer.macs, "\(layer.name)")
      case .convolution(let problem):
        #expect([.conv, .depthwise, .pointwise].contains(layer.kind), "\(layer.name)")
        #expect(problem.macs == layer.macs, "\(layer.name)")
        #expect(problem.weightCount == layer.weightCount, "\(layer.name)")
      case .streaming(let reads, let writes):
        #expect(layer.macs == 0, "\(layer.name)")
        #expect(writes == layer.outputShape.elementCount)
        #expect(reads > 0)
      }
    }
  }

  @Test func mobileNetV2SplitsIntoGEMMsConvolutionsAndAdds() throws {
    let analysis = try analyzeBundled("mobilenetv2.yaml")
    var counts = [0, 0, 0]
    for layer in analysis.layers {
      switch try LayerWorkload(layer) {
      case .gemm: counts[0] += 1
      case .convolution: counts[1] += 1
      case .streaming: counts[2] += 1
      }
    }
    // 34 pointwise + the classifier; the stem and 17 depthwise; 10 adds and the global pool.
    #expect(counts == [35, 18, 11])
  }

  @Test func operandWidthsFollowProducersAndRoundBytesUp() throws {
    let analysis = try NetworkYAML.read(
      """
      input: [3, 4, 4]
      bits: 8
      layers:
        - {name: a, op: pointwise, out: 5, bits: {weights: 4, activations: 2}}
        - {name: b, op: pointwise, out: 3, bits: 16}
      """, file: "t.yaml"
    ).analyze()
    let b = try #require(analysis.layer(named: "b"))
    let widths = OperandBits(b, in: analysis, psumWidth: 2)
    #expect(widths == OperandBits(input: 2, weight: 16, output: 16, psum: 32))
    #expect(widths.wholeBytes(of: Traffic(inputReads: 3)) == 1)
    #expect(widths.wholeBytes(of: Traffic(inputReads: 5, weightReads: 1, psumWrites: 1)) == 2 + 2 + 4)
    let first = try #require(analysis.layer(named: "a"))
    #expect(OperandBits(first, in: analysis).input == 8)
  }
}

/// A streaming layer's buffer split in closed form equals what its walk holds: per input, the
/// largest box it holds at any step, plus the output row, on every streaming layer of the bundled
/// networks and on pools whose windows skip (kernel below stride), overhang (padding) or clip.
@Suite struct StreamingSplitTests {
  static func walkedSplit(_ walk: StreamingWalk) -> Int {
    let output = walk.tensors.outputShape
    var largest: [Int: Int] = [:]
    for channel in 0..<output.channels {
      for row in 0..<output.height {
        for (input, box) in walk.step(channel: channel, row: row).reads {
          largest[input] = max(largest[input] ?? 0, box.count)
        }
      }
    }
    return largest.values.reduce(0, +) + output.width
  }

  @Test(arguments: LayerWorkloadTests.bundled)
  func theSplitIsTheWalksLargestTiles(file: String) throws {
    try check(try analyzeBundled(file))
  }

  @Test func poolsThatSkipOverhangAndClip() throws {
    let analysis = try NetworkYAML.read(
      """
      input: [2, 9, 11]
      layers:
        - {name: skip, op: maxpool, kernel: 2, stride: 3}
        - {name: pad, op: avgpool, kernel: 3, stride: 2, padding: 1, input: input}
        - {name: ceil, op: maxpool, kernel: 3, stride: 2, ceil: true, input: input}
        - {name: up, op: upsample, factor: 2, input: input}
        - {name: same, op: maxpool, kernel: 1, stride: 1, input: input}
        - {name: cat, op: concat, inputs: [input, same, input]}
        - {name: whole, op: globalavgpool, input: input}
      """, file: "pools.yaml"
    ).analyze()
    try check(analysis)
  }

  private func check(_ analysis: NetworkAnalysis) throws {
    var checked = 0
    for layer in analysis.layers {
      guard case .streaming = try LayerWorkload(layer) else { continue }
      let walk = StreamingWalk(kind: layer.kind, tensors: LayerTensors(layer), bits: OperandBits(input: 8, weight: 8, output: 8))
      #expect(walk.split.total == Self.walkedSplit(walk), "\(layer.name)")
      checked += 1
    }
    #expect(checked > 0)
  }
}
