import Foundation
import Testing

@testable import Networks

/// One convolution (or FC) as torchvision defines it: what a layer-by-layer comparison checks.
struct ConvRow: Equatable, CustomStringConvertible {
  var name: String?
  var inputChannels: Int
  var outputChannels: Int
  var kernel: Int
  var stride: Int
  var groups: Int
  /// Output height and width (square everywhere in these networks).
  var size: Int

  var description: String {
    "\(name.map { "\($0): " } ?? "")\(inputChannels)->\(outputChannels) k\(kernel) s\(stride) g\(groups) -> \(size)x\(size)"
  }

  /// The row of an analyzed layer; the kernel, stride and output must be square.
  init(_ layer: LayerAnalysis, named: Bool) {
    #expect(layer.kernel.isSquare && layer.stride.isSquare && layer.outputShape.height == layer.outputShape.width, "\(layer.name)")
    name = named ? layer.name : nil
    inputChannels = layer.kind == .fc ? (layer.inputShape.elementCount ?? 0) : layer.inputShape.channels
    outputChannels = layer.outputShape.channels
    kernel = layer.kernel.height
    stride = layer.stride.height
    groups = layer.groups
    size = layer.outputShape.height
  }

  init(name: String? = nil, _ inputChannels: Int, _ outputChannels: Int, kernel: Int, stride: Int = 1, groups: Int = 1, size: Int) {
    self.name = name
    self.inputChannels = inputChannels
    self.outputChannels = outputChannels
    self.kernel = kernel
    self.stride = stride
    self.groups = groups
    self.size = size
  }
}

/// The convolution and FC layers of an analysis, in network order.
func weightLayers(_ analysis: NetworkAnalysis, named: Bool) -> [ConvRow] {
  analysis.layers.filter { [.conv, .pointwise, .depthwise, .fc].contains($0.kind) }.map { ConvRow($0, named: named) }
}

/// Compares two tables row by row so that a failure names the first rows that differ.
func expectSameRows(_ actual: [ConvRow], _ expected: [ConvRow], sourceLocation: Testing.SourceLocation = #_sourceLocation) {
  #expect(actual.count == expected.count, "layer count", sourceLocation: sourceLocation)
  for (index, (got, want)) in zip(actual, expected).enumerated() where got != want {
    Issue.record("row \(index): got \(got), expected \(want)", sourceLocation: sourceLocation)
  }
}

@Suite struct BundledNetworkTests {
  // MARK: Published totals (within 2%)

  /// Howard et al. 2017, Table 1 / Table 8: 569M mult-adds, 4.2M parameters.
  @Test func mobileNetV1MatchesPublishedTotals() throws {
    let analysis = try analyzeBundled("mobilenetv1.yaml")
    expectClose(analysis.totalMACs, 569e6, "MobileNetV1 MACs")
    expectClose(analysis.totalParameters, 4.23e6, "MobileNetV1 parameters")
    #expect(analysis.layers.last?.outputShape == TensorShape(channels: 1000, height: 1, width: 1))
  }

  /// torchvision's resnet50: 4.09 GFLOPS (multiply-adds), 25,557,032 parameters.
  /// Those parameters count BN's weight and bias (two per channel); folded, the net has one
  /// bias per channel, 26,560 fewer (0.1%).
  @Test func resNet50MatchesPublishedTotals() throws {
    let analysis = try analyzeBundled("resnet50.yaml")
    expectClose(analysis.totalMACs, 4.09e9, "ResNet-50 MACs")
    expectClose(analysis.totalParameters, 25.56e6, "ResNet-50 parameters")
  }

  /// torchvision's vgg16: 15.47 GFLOPS, 138,357,544 parameters.
  @Test func vgg16MatchesPublishedTotals() throws {
    let analysis = try analyzeBundled("vgg16.yaml")
    expectClose(analysis.totalMACs, 15.47e9, "VGG-16 MACs")
    expectClose(analysis.totalParameters, 138.36e6, "VGG-16 parameters")
    #expect(analysis.shapes["pool5"] == TensorShape(channels: 512, height: 7, width: 7))
  }

  /// torchvision's alexnet: 0.71 GFLOPS, 61,100,840 parameters.
  @Test func alexNetMatchesPublishedTotals() throws {
    let analysis = try analyzeBundled("alexnet.yaml")
    expectClose(analysis.totalMACs, 0.71e9, "AlexNet MACs")
    expectClose(analysis.totalParameters, 61.10e6, "AlexNet parameters")
    // 224 -conv 11/4 p2-> 55 -pool 3/2-> 27 -conv 5 p2-> 27 -pool-> 13 -convs-> 13 -pool-> 6.
    #expect(analysis.shapes["pool5"] == TensorShape(channels: 256, height: 6, width: 6))
  }

  /// torchvision's squeezenet1_1: 0.35 GFLOPS, 1,235,496 parameters.
  @Test func squeezeNet11MatchesPublishedTotals() throws {
    let analysis = try analyzeBundled("squeezenet1_1.yaml")
    expectClose(analysis.totalMACs, 0.35e9, "SqueezeNet 1.1 MACs")
    expectClose(analysis.totalParameters, 1.24e6, "SqueezeNet 1.1 parameters")
    // 224 -conv 3/2-> 111 -pool-> 55 -pool-> 27 -pool-> 13. At 224 ceil_mode changes no
    // shape ((111 - 3), (55 - 3) and (27 - 3) are all even); it is kept for other sizes.
    #expect(analysis.shapes["pool1"] == TensorShape(channels: 64, height: 55, width: 55))
    #expect(analysis.shapes["pool3"] == TensorShape(channels: 128, height: 27, width: 27))
    #expect(analysis.shapes["fire9.cat"] == TensorShape(channels: 512, height: 13, width: 13))
    #expect(analysis.layers.last?.outputShape == TensorShape(channels: 1000, height: 1, width: 1))
  }

  /// kuangliu/pytorch-cifar's VGG('VGG16'); no published total. The 13 convs, by hand
  /// (MACs = Cin * Cout * 9 * H * W, H = W = 32, 16, 8, 4, 2 per stage):
  ///   32x32:   3*64*9*1024 =  1,769,472    64*64*9*1024 = 37,748,736
  ///   16x16:  64*128*9*256 = 18,874,368   128*128*9*256 = 37,748,736
  ///    8x8:  128*256*9*64  = 18,874,368   256*256*9*64  = 37,748,736 (x2)
  ///    4x4:  256*512*9*16  = 18,874,368   512*512*9*16  = 37,748,736 (x2)
  ///    2x2:  512*512*9*4   =  9,437,184 (x3)
  ///   total: 39,518,208 + 56,623,104 + 94,371,840 + 94,371,840 + 28,311,552 = 313,196,544
  /// and the classifier 512*10 = 5,120.
  @Test func vgg16Cifar10ShapesAndMACs() throws {
    let analysis = try analyzeBundled("vgg16-cifar10.yaml")
    let convMACs = analysis.layers.filter { $0.kind == .conv }.reduce(0) { $0 + $1.macs }
    #expect(analysis.layers.filter { $0.kind == .conv }.count == 13)
    #expect(convMACs == 313_196_544)
    expectClose(convMACs, 313.2e6, tolerance: 0.001, "VGG-16 CIFAR-10 conv MACs")
    #expect(analysis.shapes["pool5"] == TensorShape(channels: 512, height: 1, width: 1))
    #expect(analysis.layers.last?.outputShape == TensorShape(channels: 10, height: 1, width: 1))
    #expect(analysis.totalMACs == 313_196_544 + 5_120)
  }

  // MARK: Layer by layer against torchvision's definitions

  /// torchvision's MobileNetV2 (width 1.0), built from its inverted_residual_setting:
  /// a 3x3/2 stem, then for each (t, c, n, s) n blocks, the first with stride s, each an
  /// optional 1x1 expansion (t != 1) to t*Cin, a 3x3 depthwise with the block's stride,
  /// and a 1x1 projection to c; then a 1x1 conv to 1280 and Linear(1280, 1000).
  /// The YAML names differ from torchvision's (features.N.conv.M), so only the order is compared.
  @Test func mobileNetV2LayersMatchTorchvision() throws {
    var expected: [ConvRow] = []
    var size = 224 / 2
    var channels = 32
    expected.append(ConvRow(3, 32, kernel: 3, stride: 2, size: size))
    let settings = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]
    for (t, c, n, s) in settings {
      for index in 0..<n {
        let stride = index == 0 ? s : 1
        let hidden = channels * t
        if t != 1 { expected.append(ConvRow(channels, hidden, kernel: 1, size: size)) }
        size /= stride
        expected.append(ConvRow(hidden, hidden, kernel: 3, stride: stride, groups: hidden, size: size))
        expected.append(ConvRow(hidden, c, kernel: 1, size: size))
        channels = c
      }
    }
    expected.append(ConvRow(320, 1280, kernel: 1, size: 7))
    #expect(expected.count == 52)
    expected.append(ConvRow(1280 * 1 * 1, 1000, kernel: 1, size: 1))

    let actual = weightLayers(try analyzeBundled("mobilenetv2.yaml"), named: false)
    expectSameRows(actual, expected)
  }

  /// torchvision's resnet50: conv1 7x7/2 (then maxpool 3/2 to 56x56), four stages of
  /// [3, 4, 6, 3] bottlenecks of widths 64, 128, 256, 512 with expansion 4. Bottleneck i of a
  /// stage: conv1 1x1 Cin->w, conv2 3x3 w->w with stride s (2 for the first block of stages
  /// 2-4, v1.5), conv3 1x1 w->4w; the first block of each stage also has downsample.0,
  /// a 1x1 Cin->4w with stride s. Then fc 2048->1000.
  ///
  /// The order is torchvision's named_modules order: within a block conv1, conv2, conv3,
  /// then downsample; the YAML lists its layers the same way, so the tables are compared in
  /// order, names included (torchvision's "layer2.0.downsample.0" is the YAML's
  /// "layer2_0.downsample", "layer2.1.conv1" is "layer2_1.conv1").
  @Test func resNet50LayersMatchTorchvision() throws {
    var expected: [ConvRow] = [ConvRow(name: "conv1", 3, 64, kernel: 7, stride: 2, size: 112)]
    var size = 56
    var channels = 64
    for (stage, (blocks, width)) in zip([3, 4, 6, 3], [64, 128, 256, 512]).enumerated() {
      for index in 0..<blocks {
        let stride = index == 0 && stage > 0 ? 2 : 1
        let prefix = "layer\(stage + 1)_\(index)."
        expected.append(ConvRow(name: prefix + "conv1", channels, width, kernel: 1, size: size))
        size /= stride
        expected.append(ConvRow(name: prefix + "conv2", width, width, kernel: 3, stride: stride, size: size))
        expected.append(ConvRow(name: prefix + "conv3", width, 4 * width, kernel: 1, size: size))
        if index == 0 {
          expected.append(ConvRow(name: prefix + "downsample", channels, 4 * width, kernel: 1, stride: stride, size: size))
        }
        channels = 4 * width
      }
    }
    #expect(expected.count == 53)
    #expect(size == 7 && channels == 2048)
    expected.append(ConvRow(name: "fc", 2048, 1000, kernel: 1, size: 1))

    let analysis = try analyzeBundled("resnet50.yaml")
    expectSameRows(weightLayers(analysis, named: true), expected)
    // Every bottleneck ends in an add that joins its shortcut: 16 of them.
    #expect(analysis.layers.filter { $0.kind == .add }.count == 16)
  }

  // MARK: Round trip

  static let bundledYAML: [String] = {
    let directory = packageRoot.appendingPathComponent("nets").path
    let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    return files.filter { $0.hasSuffix(".yaml") }.sorted()
  }()

  @Test func everyNetworkIsBundled() {
    for file in [
      "mobilenetv1.yaml", "mobilenetv2.yaml", "resnet50.yaml", "vgg16.yaml", "vgg16-cifar10.yaml", "alexnet.yaml",
      "squeezenet1_1.yaml",
    ] {
      #expect(Self.bundledYAML.contains(file), "\(file) is missing from nets/")
    }
  }

  /// Writing a bundled network (flat) and reading it back gives the same network and analysis.
  @Test(arguments: bundledYAML) func roundTripsThroughYAML(file: String) throws {
    let original = try NetworkFormat.load(path: bundledNet(file))
    let text = NetworkYAML.write(original)
    let reread = try NetworkYAML.read(text, file: "written-\(file)")
    #expect(reread == original)
    let before = try original.analyze()
    let after = try reread.analyze()
    #expect(after.layers == before.layers)
    #expect(after.shapes == before.shapes)
    #expect(after.totalMACs == before.totalMACs && after.totalParameters == before.totalParameters)
    // Writing again changes nothing.
    #expect(NetworkYAML.write(reread) == text)
  }
}
