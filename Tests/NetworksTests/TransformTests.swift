import Testing

@testable import Networks

/// A small residual network with what the transforms must handle: adds coupling a stem and a
/// block through a pool, a projection shortcut, a grouped convolution, rectangular kernels with
/// asymmetric padding and stride, a concat, and a classifier.
let residualYAML = """
  name: tinyresnet
  input: [3, 32, 32]
  layers:
    - {name: stem, op: conv, out: 16, kernel: 3, padding: 1, activation: relu}
    - {name: pool, op: maxpool, kernel: 2}
    - {name: r1.a, op: conv, out: 16, kernel: 3, padding: 1, activation: relu}
    - {name: r1.b, op: conv, out: 16, kernel: 3, padding: 1}
    - {name: r1.add, op: add, inputs: [pool, r1.b], activation: relu}
    - {name: r2.a, op: conv, out: 32, kernel: 3, stride: 2, padding: 1, activation: relu}
    - {name: r2.b, op: conv, out: 32, kernel: [3, 5], padding: [1, 2, 1, 2], bias: false}
    - {name: r2.short, op: pointwise, out: 32, stride: 2, input: r1.add}
    - {name: r2.add, op: add, inputs: [r2.short, r2.b], activation: relu}
    - {name: r3.g, op: conv, out: 48, kernel: 3, padding: 1, groups: 4, activation: relu}
    - {name: r3.wide, op: conv, out: 24, kernel: [1, 3], stride: [1, 2], padding: [0, 1], input: r2.add}
    - {name: r3.tall, op: conv, out: 24, kernel: [3, 1], padding: [1, 0], input: r3.wide}
    - {name: r3.up, op: upsample, factor: 2}
    - {name: r3.gu, op: upsample, factor: 2, input: r3.g}
    - {name: r3.pool, op: avgpool, kernel: [1, 2]}
    - {name: r3.cat, op: concat, inputs: [r3.pool, r3.up]}
    - {name: gap, op: globalavgpool}
    - {name: fc, op: fc, out: 10}
  """

func residualNetwork() throws -> Network { try NetworkYAML.read(residualYAML, file: "tinyresnet.yaml") }

/// The network after a YAML write and read, which must give it back unchanged.
func expectYAMLRoundTrip(_ network: Network, sourceLocation: SourceLocation = #_sourceLocation) throws {
  let readBack = try NetworkYAML.read(NetworkYAML.write(network), file: "roundtrip.yaml")
  #expect(readBack == network, sourceLocation: sourceLocation)
}

/// Groups the transform suites so `--filter TransformTests` runs them all.
@Suite enum TransformTests {}

extension TransformTests {
  @Suite struct CPDecompositionTests {
    @Test func keepsEveryOriginalLayersShape() throws {
      let network = try residualNetwork()
      let original = try network.analyze()
      let decomposed = try CPDecomposition.apply(to: network, options: .init(rank: .fraction(0.5))).analyze()
      for layer in original.layers {
        #expect(decomposed.shapes[layer.name] == layer.outputShape, "\(layer.name)")
      }
      try expectYAMLRoundTrip(decomposed.network)
    }

    @Test func leavesOnlyPointwiseAndDepthwiseConvolutionsBesidesTheKeptFirst() throws {
      let network = try residualNetwork()
      let decomposed = try CPDecomposition.apply(to: network, options: .init(rank: .absolute(8), keepFirst: true)).analyze()
      let convs = decomposed.layers.filter { $0.layer.convolution != nil }
      #expect(decomposed.layer(named: "stem")?.kind == .conv)
      // The grouped convolution is already factored along channels and stays.
      let others = convs.filter { $0.name != "stem" && $0.name != "r3.g" }
      #expect(others.allSatisfy { $0.kind == .pointwise || $0.kind == .depthwise })
      #expect(decomposed.layer(named: "r3.g")?.kind == .conv)
    }

    @Test func splitsAKernelIntoFourFactorsCarryingStrideAndPadding() throws {
      let decomposed = try CPDecomposition.apply(to: try residualNetwork(), options: .init(rank: .absolute(8)))
      let names = decomposed.layers.map(\.name)
      let r2a = ["r2.a.cp_in", "r2.a.cp_v", "r2.a.cp_h", "r2.a"]
      #expect(names.firstIndex(of: r2a[0]).map { Array(names[$0..<$0 + 4]) } == r2a)
      let vertical = decomposed.layer(named: "r2.b.cp_v")?.convolution
      #expect(vertical?.kernel == Extent2D(height: 3, width: 1))
      #expect(vertical?.padding == Padding(top: 1, left: 0, bottom: 1, right: 0))
      let horizontal = decomposed.layer(named: "r2.a.cp_h")?.convolution
      #expect(horizontal?.stride == Extent2D(height: 1, width: 2))
      let last = decomposed.layer(named: "r2.b")
      #expect(last?.convolution?.hasBias == false)
      #expect(decomposed.layer(named: "r1.a")?.activation == .relu)
      #expect(decomposed.layer(named: "r1.a.cp_in")?.activation == .linear)
      #expect(decomposed.layer(named: "r1.a.cp_in")?.inputs == ["pool"])
      // A 1x3 kernel without vertical stride or padding has no vertical factor.
      #expect(decomposed.layer(named: "r3.wide.cp_v") == nil)
      #expect(decomposed.layer(named: "r3.wide.cp_h")?.inputs == ["r3.wide.cp_in"])
      #expect(decomposed.layer(named: "r3.tall.cp_h") == nil)
    }

    @Test func shrinksParametersAndMACs() throws {
      let network = try residualNetwork()
      let original = try network.analyze()
      let decomposed = try CPDecomposition.apply(to: network, options: .init(rank: .fraction(0.25), keepFirst: true))
        .analyze()
      #expect(decomposed.totalParameters < original.totalParameters)
      #expect(decomposed.totalMACs < original.totalMACs)
    }

    @Test func rankArithmetic() throws {
      #expect(CPRank.fraction(0.5).resolve(inputChannels: 3, outputChannels: 64) == 2)  // 1.5 rounds up
      #expect(CPRank.fraction(0.3).resolve(inputChannels: 64, outputChannels: 16) == 5)  // 4.8
      #expect(CPRank.fraction(0.01).resolve(inputChannels: 3, outputChannels: 16) == 1)  // at least 1
      #expect(CPRank.absolute(100).resolve(inputChannels: 3, outputChannels: 16) == 100)
      #expect(CPRank(parsing: "64") == .absolute(64))
      #expect(CPRank(parsing: "0.5") == .fraction(0.5))
      #expect(CPRank(parsing: "1.0") == .fraction(1))
      for bad in ["0", "-3", "1.5", "0.0", "nan", "half", ""] { #expect(CPRank(parsing: bad) == nil, "\(bad)") }
    }

    @Test func perLayerRankOverridesTheGlobalOne() throws {
      let options = CPDecomposition.Options(rank: .fraction(0.5), layerRanks: ["r2.a": .absolute(7), "r1.b": .fraction(0.25)])
      let decomposed = try CPDecomposition.apply(to: try residualNetwork(), options: options).analyze()
      #expect(decomposed.shapes["r2.a.cp_in"]?.channels == 7)
      #expect(decomposed.shapes["r1.b.cp_in"]?.channels == 4)  // 16 * 0.25
      #expect(decomposed.shapes["r1.a.cp_in"]?.channels == 8)  // 16 * 0.5
      #expect(decomposed.shapes["stem.cp_in"]?.channels == 2)  // min(3, 16) * 0.5 = 1.5
    }

    @Test func refusesBadRanksAndLayers() throws {
      let network = try residualNetwork()
      func error(_ options: CPDecomposition.Options) -> NetworkError? {
        networkError { _ = try CPDecomposition.apply(to: network, options: options) }
      }
      #expect(error(.init(rank: .fraction(1.5)))?.field == "rank")
      #expect(error(.init(rank: .absolute(0)))?.field == "rank")
      let unknown = error(.init(rank: .absolute(4), layerRanks: ["nope": .absolute(2)]))
      #expect(unknown?.field == "layer-rank")
      #expect(unknown?.message.contains("nope") == true)
      #expect(error(.init(rank: .absolute(4), layerRanks: ["r2.short": .absolute(2)]))?.layer == "r2.short")
      #expect(error(.init(rank: .absolute(4), layerRanks: ["r3.g": .absolute(2)]))?.layer == "r3.g")
      #expect(error(.init(rank: .absolute(4), layerRanks: ["stem": .absolute(2)], keepFirst: true))?.layer == "stem")
    }

    @Test func refusesAFactorNameThatIsTaken() throws {
      var network = try residualNetwork()
      network.layers[1].name = "stem.cp_in"
      network.layers[2].inputs = ["stem.cp_in"]
      network.layers[4].inputs = ["stem.cp_in", "r1.b"]
      let error = networkError { _ = try CPDecomposition.apply(to: network, options: .init(rank: .absolute(2))) }
      #expect(error?.layer == "stem")
    }

    @Test func mobileNetV2DecomposesOnlyItsStem() throws {
      let network = try NetworkFormat.load(path: bundledNet("mobilenetv2.yaml"))
      let decomposed = try CPDecomposition.apply(to: network, options: .init(rank: .fraction(0.5)))
      #expect(decomposed.layers.count == network.layers.count + 3)
      let kept = try CPDecomposition.apply(to: network, options: .init(rank: .fraction(0.5), keepFirst: true))
      #expect(kept == network)
    }
}
}

extension TransformTests {
  @Suite struct ChannelPruningTests {
    @Test func couplesLayersThatMeetAtAnAdd() throws {
      let network = try residualNetwork()
      let pruned = try ChannelPruning.apply(to: network, options: .init(keep: 0.5, layerKeep: ["r1.b": 0.75])).analyze()
      // stem and r1.b meet at r1.add (stem through the pool): both take the larger ratio, 0.75.
      #expect(pruned.shapes["stem"]?.channels == 12)
      #expect(pruned.shapes["r1.b"]?.channels == 12)
      #expect(pruned.shapes["pool"]?.channels == 12)
      #expect(pruned.shapes["r1.a"]?.channels == 8)
      #expect(pruned.shapes["r2.short"]?.channels == pruned.shapes["r2.b"]?.channels)
      #expect(pruned.shapes["fc"]?.channels == 10)
      let original = try network.analyze()
      #expect(pruned.totalParameters < original.totalParameters)
      #expect(pruned.totalMACs < original.totalMACs)
      try expectYAMLRoundTrip(pruned.network)
    }

    @Test func groupedConvolutionsKeepDivisibleCounts() throws {
      let pruned = try ChannelPruning.apply(to: try residualNetwork(), options: .init(keep: 0.3)).analyze()
      // r3.g has 4 groups: its output (48 * 0.3 = 14.4 -> 14 -> 16) and its input stay multiples of 4.
      #expect(pruned.shapes["r3.g"]?.channels == 16)
      #expect((pruned.shapes["r2.add"]?.channels ?? 1) % 4 == 0)
      #expect(pruned.shapes["r2.add"]?.channels == 12)  // 32 * 0.3 = 9.6 -> 10 -> nearest multiple of 4 (2.5 -> 3)
    }

    @Test func keptCountArithmetic() {
      #expect(ChannelPruning.keptCount(10, ratio: 0.25, divisor: 1) == 3)  // 2.5 rounds up
      #expect(ChannelPruning.keptCount(3, ratio: 0.1, divisor: 1) == 1)
      #expect(ChannelPruning.keptCount(48, ratio: 0.3, divisor: 4) == 16)
      #expect(ChannelPruning.keptCount(8, ratio: 0.1, divisor: 4) == 4)
      #expect(ChannelPruning.keptCount(64, ratio: 1, divisor: 8) == 64)
    }

    @Test func networkOutputsKeepTheirChannels() throws {
      var network = try residualNetwork()
      network.layers.removeLast(2)  // r3.cat becomes the output: r3.g and r3.tall feed it unchanged
      let pruned = try ChannelPruning.apply(to: network, options: .init(keep: 0.5)).analyze()
      #expect(pruned.shapes["r3.cat"]?.channels == 72)
      #expect(pruned.shapes["r3.wide"]?.channels == 12)
    }

    @Test func mobileNetV2StagesShareTheirProjectCount() throws {
      let network = try NetworkFormat.load(path: bundledNet("mobilenetv2.yaml"))
      let original = try network.analyze()
      let pruned = try ChannelPruning.apply(to: network, options: .init(keep: 0.5, layerKeep: ["b5_2.project": 0.75]))
        .analyze()
      #expect(pruned.totalParameters < original.totalParameters)
      #expect(pruned.totalMACs < original.totalMACs)
      #expect(pruned.shapes["b2.project"]?.channels == 12)
      #expect(pruned.shapes["b3.project"]?.channels == 12)
      // One member asked for 0.75, so the whole 32-channel stage keeps 24.
      for name in ["b4.project", "b5_1.project", "b5_2.project", "b5_2.add"] {
        #expect(pruned.shapes[name]?.channels == 24, "\(name)")
      }
      #expect(pruned.shapes["b4.expand"]?.channels == 72)  // 6 * 24 = 144 in MobileNetV2, halved
      #expect(pruned.shapes["b5_1.dw"]?.channels == pruned.shapes["b5_1.expand"]?.channels)
      #expect(pruned.shapes["head"]?.channels == 640)
      #expect(pruned.shapes["classifier"]?.channels == 1000)
      try expectYAMLRoundTrip(pruned.network)
    }

    @Test func refusesBadRatiosAndLayers() throws {
      let network = try residualNetwork()
      func error(_ options: ChannelPruning.Options) -> NetworkError? {
        networkError { _ = try ChannelPruning.apply(to: network, options: options) }
      }
      #expect(error(.init(keep: 0))?.field == "keep")
      #expect(error(.init(keep: 1.5))?.field == "keep")
      #expect(error(.init(keep: .nan))?.field == "keep")
      #expect(error(.init(keep: 0.5, layerKeep: ["r1.a": 2]))?.layer == "r1.a")
      #expect(error(.init(keep: 0.5, layerKeep: ["nope": 0.5]))?.message.contains("nope") == true)
      #expect(error(.init(keep: 0.5, layerKeep: ["pool": 0.5]))?.layer == "pool")
      #expect(error(.init(keep: 0.5, layerKeep: ["fc": 0.5]))?.layer == "fc")
    }

    @Test func keepingEverythingChangesNothing() throws {
      let network = try NetworkFormat.load(path: bundledNet("mobilenetv2.yaml"))
      #expect(try ChannelPruning.apply(to: network, options: .init(keep: 1)) == network)
    }
}
}

extension TransformTests {
  @Suite struct PrecisionAssignmentTests {
    @Test func setsGlobalAndPerLayerWidths() throws {
      let network = try residualNetwork()
      let options = PrecisionAssignment.Options(
        weightBits: 4, activationBits: 6, layers: ["stem": Precision(weightBits: 8, activationBits: 8)])
      let result = try PrecisionAssignment.apply(to: network, options: options)
      #expect(result.defaultPrecision == Precision(weightBits: 4, activationBits: 6))
      #expect(result.layer(named: "stem")?.precision == .int8)
      #expect(result.layer(named: "fc")?.precision == Precision(weightBits: 4, activationBits: 6))
      #expect(result.inputs.map(\.bits) == [6])
      _ = try result.analyze()
      try expectYAMLRoundTrip(result)
    }

    @Test func changesOnlyTheWidthsGiven() throws {
      let result = try PrecisionAssignment.apply(to: try residualNetwork(), options: .init(weightBits: 2))
      #expect(result.layers.allSatisfy { $0.precision == Precision(weightBits: 2, activationBits: 8) })
    }

    @Test func refusesUnknownLayersAndWidthsOutOfRange() throws {
      let network = try residualNetwork()
      func error(_ options: PrecisionAssignment.Options) -> NetworkError? {
        networkError { _ = try PrecisionAssignment.apply(to: network, options: options) }
      }
      #expect(error(.init(weightBits: 0))?.field == "weight-bits")
      #expect(error(.init(activationBits: 17))?.field == "activation-bits")
      #expect(error(.init(layers: ["nope": .int8]))?.field == "layer")
      let bad = error(.init(layers: ["stem": Precision(weightBits: 8, activationBits: 32)]))
      #expect(bad?.layer == "stem")
      #expect(bad?.field == "layer")
    }
}
}
