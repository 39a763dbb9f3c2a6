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
