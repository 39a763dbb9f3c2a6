import Networks
import Testing
import TestSupport

@testable import Tiling

/// Why `chains` rejects `range` as a segment, or nil when it accepts it.
private func rejection(_ chains: FusionChains, _ range: Range<Int>) -> FusionError? {
  do { _ = try chains.segment(layers: range) } catch { return error }
  return nil
}

/// The index range from layer `first` to layer `last`, both included.
private func layers(_ chains: FusionChains, _ first: String, _ last: String) throws -> Range<Int> {
  let start = try #require(chains.layerIndex(named: first), "no layer \(first)")
  let end = try #require(chains.layerIndex(named: last), "no layer \(last)")
  return start..<(end + 1)
}

/// Every segment layer is the analysed layer at its index: same shapes, window, MACs and weights.
private func expectMatchesAnalysis(_ segment: FusedSegment, _ chains: FusionChains, _ range: Range<Int>) {
  #expect(segment.layers.count == range.count)
  #expect(segment.input == chains.analysis.layers[range.lowerBound].inputShape)
  for (offset, layer) in segment.layers.enumerated() {
    let analysed = chains.analysis.layers[range.lowerBound + offset]
    #expect(layer.name == analysed.name)
    #expect(analysed.inputShapes.contains(layer.input), "\(layer.name)")
    #expect(layer.output == analysed.outputShape, "\(layer.name)")
    #expect(layer.kernel == analysed.kernel && layer.stride == analysed.stride, "\(layer.name)")
    #expect(layer.padding == analysed.padding, "\(layer.name)")
    #expect(layer.macs == analysed.macs, "\(layer.name)")
    #expect(layer.weightCount == analysed.weightCount, "\(layer.name)")
    #expect(layer.weightBits == analysed.layer.precision.weightBits, "\(layer.name)")
    #expect(layer.outputBits == analysed.layer.precision.activationBits, "\(layer.name)")
  }
}

@Suite struct FusionChainMobileNetV2Tests {
  let chains: FusionChains

  init() throws { chains = FusionChains(try analyzeBundled("mobilenetv2.yaml")) }

  @Test func invertedResidualBlockIsOneSegmentWithTheInputAsSkip() throws {
    let range = try layers(chains, "b3.expand", "b3.add")
    #expect(range == 6..<10)
    let segment = try chains.segment(layers: range)
    #expect(segment.name == "b3.expand..b3.add")
    #expect(segment.inputName == "b2.project")
    #expect(segment.inputBits == 8)
    #expect(segment.layers.map(\.kind) == [.mixing, .depthwise, .mixing, .add])
    #expect(segment.layers.map(\.skip) == [nil, nil, nil, .segmentInput])
    #expect(segment.stageChannels == [24, 144, 24])
    #expect(segment.input == TensorShape(channels: 24, height: 56, width: 56))
    #expect(segment.output == TensorShape(channels: 24, height: 56, width: 56))
    expectMatchesAnalysis(segment, chains, range)
  }

  @Test func everySkipBlockIsASegment() throws {
    let adds = chains.analysis.layers.filter { $0.kind == .add }.map(\.name)
    #expect(adds.count == 10)
    for add in adds {
      let block = String(add.dropLast(".add".count))
      let range = try layers(chains, "\(block).expand", add)
      let segment = try chains.segment(layers: range)
      #expect(segment.layers.last?.skip == .segmentInput, "\(block)")
      expectMatchesAnalysis(segment, chains, range)
    }
  }

  @Test func twoStrideOneBlocksHoldTheFirstSumForTheSecondAdd() throws {
    let range = try layers(chains, "b5_1.expand", "b5_2.add")
    #expect(range == 13..<21)
    let segment = try chains.segment(layers: range)
    #expect(segment.layers.map(\.skip) == [nil, nil, nil, .segmentInput, nil, nil, nil, .layer(3)])
    #expect(segment.stageChannels == [32, 192, 32, 192, 32])
    expectMatchesAnalysis(segment, chains, range)

    let three = try chains.segment(layers: try layers(chains, "b8_1.expand", "b8_3.add"))
    #expect(three.layers.compactMap(\.skip) == [.segmentInput, .layer(3), .layer(7)])
  }

  @Test func blocksWithoutAnAddAreSegments() throws {
    for block in ["b2", "b4", "b7", "b11", "b14", "b17"] {
      let range = try layers(chains, "\(block).expand", "\(block).project")
      let segment = try chains.segment(layers: range)
      #expect(segment.layers.map(\.kind) == [.mixing, .depthwise, .mixing], "\(block)")
      #expect(segment.layers.allSatisfy { $0.skip == nil }, "\(block)")
      expectMatchesAnalysis(segment, chains, range)
    }
    let strided = try chains.segment(layers: try layers(chains, "b2.expand", "b2.project"))
    #expect(strided.layers[1].stride == Extent2D(square: 2))
    #expect(strided.output == TensorShape(channels: 24, height: 56, width: 56))

    let first = try chains.segment(layers: try layers(chains, "b1.dw", "b1.project"))
    #expect(first.name == "b1.dw..b1.project")
    #expect(first.inputName == "stem")
    #expect(first.layers.map(\.kind) == [.depthwise, .mixing])
    #expect(first.stageChannels == [32, 16])
  }

  @Test func aChainAcrossABranchIsRejected() throws {
    // b2.project feeds b3.expand and, as its skip, b3.add.
    let error = try #require(rejection(chains, 5..<7))
    #expect(error.segment == "b2.project..b3.expand")
    #expect(error.reason.contains("'b2.project'") && error.reason.contains("'b3.add'"))
    #expect(error.reason.contains("outside the segment"))
    // Taking the add in makes the same tensor a skip held on chip.
    let closed = try chains.segment(layers: 5..<10)
    #expect(closed.layers.last?.skip == .layer(0))
  }

  @Test func anAddWhoseSkipIsOutsideReadsItFromDRAM() throws {
    let range = try layers(chains, "b3.project", "b4.expand")
    let segment = try chains.segment(layers: range)
    #expect(segment.inputName == "b3.dw")
    #expect(segment.layers.map(\.skip) == [nil, .external(name: "b2.project", bits: 8), nil])
    expectMatchesAnalysis(segment, chains, range)
  }

  @Test func anAddCannotStartASegment() throws {
    let error = try #require(rejection(chains, 9..<11))
    #expect(error.reason.contains("'b3.add' is an add and cannot start a segment"))
  }

  @Test func aGlobalPoolEndsAChainAndFCIsNotFused() throws {
    // The head and the global pool: tiles over the head's 7x7 output, 1x1 out.
    let pooled = try chains.segment(layers: 61..<63)
    #expect(pooled.name == "head..pool")
    #expect(pooled.layers.map(\.kind) == [.mixing, .globalAveragePool])
    #expect(pooled.tiledShape == TensorShape(channels: 1280, height: 7, width: 7))
    #expect(pooled.output == TensorShape(channels: 1280, height: 1, width: 1))
    expectMatchesAnalysis(pooled, chains, 61..<63)
    let alone = try #require(rejection(chains, 62..<63))
    #expect(alone.reason.contains("global pool 'pool' can only end a segment, after at least one other layer"))
    let fc = try #require(rejection(chains, 61..<64))
    #expect(fc.reason.contains("'classifier' (fc"))
    #expect(rejection(chains, 63..<64) != nil)
    #expect(try chains.segment(layers: 61..<62).name == "head")
  }

  @Test func longestLegalChains() throws {
    // Nothing branches off between the stem and the global pool: one chain of 63 layers.
    #expect(chains.longestLegalChain(from: 0, maxLength: 100) == 0..<63)
    #expect(chains.longestLegalChain(from: 0, maxLength: 5) == 0..<5)
    // b3 alone, then on into b4.expand: b3.add feeds only b4.expand.
    #expect(chains.longestLegalChain(from: 6, maxLength: 4) == 6..<10)
    #expect(chains.longestLegalChain(from: 6, maxLength: 5) == 6..<11)
    // From b2.project, b3.expand .. b3.project cannot end a chain (b3.add reads b2.project): skipped over.
    #expect(chains.longestLegalChain(from: 5, maxLength: 4) == 5..<6)
    #expect(chains.longestLegalChain(from: 5, maxLength: 5) == 5..<10)
    #expect(chains.longestLegalChain(from: 7, maxLength: 3) == 7..<10)
    #expect(chains.longestLegalChain(from: 9, maxLength: 4) == 9..<9)
    #expect(chains.longestLegalChain(from: 61, maxLength: 3) == 61..<63)
    #expect(chains.longestLegalChain(from: 62, maxLength: 3) == 62..<62)
    #expect(chains.longestLegalChain(from: 63, maxLength: 3) == 63..<63)
    #expect(chains.longestLegalChain(from: 6, maxLength: 0) == 6..<6)
    #expect(chains.longestLegalChain(from: 64, maxLength: 3).isEmpty)
  }

  @Test func consumersAndOutputs() {
    #expect(chains.consumers["input"] == [0])
    #expect(chains.consumers["b2.project"] == [6, 9])
    #expect(chains.consumers["classifier"] == [])
    #expect(chains.networkOutputs == ["classifier"])
  }
}

@Suite struct FusionChainMobileNetV1Tests {
  @Test func depthwiseSeparablePairsAndTheWholeBody() throws {
    let chains = FusionChains(try analyzeBundled("mobilenetv1.yaml"))
    let depthwise = chains.analysis.layers.filter { $0.kind == .depthwise }.map(\.name)
    #expect(depthwise.count == 13)
    for dw in depthwise {
      let block = String(dw.dropLast(".dw".count))
      let range = try layers(chains, dw, "\(block).pw")
      #expect(range.count == 2, "\(block)")
      let segment = try chains.segment(layers: range)
      #expect(segment.layers.map(\.kind) == [.depthwise, .mixing])
      expectMatchesAnalysis(segment, chains, range)
    }
    // The whole body and its global pool.
    #expect(chains.longestLegalChain(from: 0, maxLength: 100) == 0..<28)
  }
}

@Suite struct FusionChainResNet50CPTests {
  let chains: FusionChains

  init() throws { chains = FusionChains(try analyzeBundled("resnet50-cp.yaml")) }

  private var blocks: [String] {
    chains.analysis.layers.filter { $0.kind == .add }.map { String($0.name.dropLast(".add".count)) }
  }

  private func hasDownsample(_ block: String) -> Bool { chains.layerIndex(named: "\(block).downsample") != nil }

  @Test func bottlenecksWithoutDownsampleAreSegmentsWithTheInputAsSkip() throws {
    let plain = blocks.filter { !hasDownsample($0) }
    #expect(plain.count == 12)
    for block in plain {
      let range = try layers(chains, "\(block).conv1", "\(block).add")
      let segment = try chains.segment(layers: range)
      #expect(segment.layers.map(\.kind) == [.mixing, .mixing, .depthwise, .depthwise, .mixing, .mixing, .add])
      #expect(segment.layers.last?.skip == .segmentInput, "\(block)")
      expectMatchesAnalysis(segment, chains, range)
    }
    let first = try chains.segment(layers: try layers(chains, "layer1_1.conv1", "layer1_1.add"))
    #expect(first.inputName == "layer1_0.add")
    #expect(first.stageChannels == [256, 64, 32, 64, 256])
  }

  /// conv1 .. conv3, downsample, add: the whole block is one segment, the downsample branching
  /// from the block's input and conv3's output held for the add as its skip; downsample + add
  /// alone is one too, with conv3 as an external skip. conv3 cannot end a segment without the
  /// add, nor can the body take the add without the downsample.
  @Test func downsampleBlocksBranchFromTheBlockInput() throws {
    let downsampled = blocks.filter(hasDownsample)
    #expect(downsampled == ["layer1_0", "layer2_0", "layer3_0", "layer4_0"])
    for block in downsampled {
      let body = try layers(chains, "\(block).conv1", "\(block).conv3")
      expectMatchesAnalysis(try chains.segment(layers: body), chains, body)

      let whole = try layers(chains, "\(block).conv1", "\(block).add")
      let segment = try chains.segment(layers: whole)
      expectMatchesAnalysis(segment, chains, whole)
      let downsample = segment.layers.count - 2
      #expect(segment.layers.map(\.branchFrom) == segment.layers.indices.map { $0 == downsample ? 0 : nil }, "\(block)")
      #expect(segment.inputTensor(ofLayer: downsample) == 0)
      #expect(segment.layers[downsample + 1].skip == .layer(downsample - 1), "\(block)")
      #expect(segment.stageChannels.last == segment.output.channels)

      let tail = try layers(chains, "\(block).downsample", "\(block).add")
      let alone = try chains.segment(layers: tail)
      #expect(alone.layers.last?.skip == .external(name: "\(block).conv3", bits: 8))
      #expect(alone.inputName == chains.analysis.layers[body.lowerBound].layer.inputs.first)
      expectMatchesAnalysis(alone, chains, tail)
    }
  }

  @Test func stridedBottleneckShapes() throws {
    let segment = try chains.segment(layers: try layers(chains, "layer2_0.conv1", "layer2_0.conv3"))
    #expect(segment.input == TensorShape(channels: 256, height: 56, width: 56))
    #expect(segment.layers[2].output == TensorShape(channels: 64, height: 28, width: 56))
    #expect(segment.output == TensorShape(channels: 512, height: 28, width: 28))
    #expect(segment.stageChannels == [256, 128, 64, 128, 512])
  }

  @Test func longestLegalChains() throws {
    // A downsample reads its block's input, which in a segment starting before the block is
    // an intermediate tensor: a branch from it. So a chain runs on through every block, and
    // within 100 layers the longest legal one ends at the last add it can take whole: from the
    // stem (whose pool's output layer1_0's body and downsample both read) at layer3_5.add, as
    // layer4_0.downsample at index 102 reads layer3_5.add too.
    #expect(chains.longestLegalChain(from: 0, maxLength: 100) == 0..<96)
    #expect(chains.longestLegalChain(from: 1, maxLength: 100) == 1..<96)
    #expect(chains.longestLegalChain(from: 2, maxLength: 100) == 2..<96)
    // Every block's downsample is a branch from that block's input.
    let stages = try chains.segment(layers: 0..<96)
    let downsamples = stages.layers.indices.filter { stages.layers[$0].name.hasSuffix(".downsample") }
    #expect(downsamples.map { stages.layers[$0].branchFrom } == [2, 24, 53])
    // The downsample cannot end the segment: conv3's output is the add's skip.
    #expect(rejection(chains, 2..<9)?.reason.contains("'layer1_0.conv3' is also read by 'layer1_0.add' outside") == true)
    // From layer1_0.downsample (its block's body outside, so conv3's output is read from DRAM)
    // through every later block, up to layer4_0.add: 96 layers.
    #expect(chains.longestLegalChain(from: 8, maxLength: 100) == 8..<104)
    let stage = try chains.segment(layers: 8..<24)
    #expect(stage.layers.compactMap(\.skip) == [.external(name: "layer1_0.conv3", bits: 8), .layer(1), .layer(8)])
  }
}

/// A small network with what the bundled ones lack: mixed precision, a marked output, the layer
/// kinds a segment cannot hold, and an upsample.
@Suite struct FusionChainRuleTests {
  let chains: FusionChains

  init() throws {
    func conv(_ convolution: Convolution) -> Networks.Operation { .convolution(convolution) }
    func layer(_ name: String, _ operation: Networks.Operation, _ inputs: [String]) -> Layer {
      Layer(name: name, operation: operation, inputs: inputs)
    }
    let same = Padding(symmetric: 1, 1)
    let three = Extent2D(square: 3)
    let twoGroups = Convolution(outputChannels: .absolute(8), kernel: three, padding: same, groups: .count(2))
    let maxPool = Pooling(kind: .max, kernel: Extent2D(square: 2), stride: Extent2D(square: 2))
    let image = NetworkInput(name: "image", shape: TensorShape(channels: 3, height: 16, width: 16), bits: 5)
    let network = Network(
      name: "rules", inputs: [image],
      layers: [
        Layer(
          name: "a", operation: conv(.pointwise(outputChannels: 8)), inputs: ["image"],
          precision: Precision(weightBits: 4, activationBits: 6)),
        Layer(name: "b", operation: conv(.depthwise(kernel: three, padding: same)), inputs: ["a"], isMarkedOutput: true),
        layer("c", conv(.pointwise(outputChannels: 8)), ["b"]),
        layer("sum", .add, ["a", "c"]),
        layer("grouped", conv(twoGroups), ["sum"]),
        layer("dw2", conv(.depthwise(kernel: three, padding: same, multiplier: 2)), ["grouped"]),
        layer("sum3", .add, ["sum", "grouped", "a"]),
        layer("cat", .concat, ["sum3", "dw2"]),
        layer("up", .upsample(factor: 2), ["cat"]),
        layer("pool", .pooling(maxPool), ["up"]),
        layer("fc", .fullyConnected(FullyConnected(outputFeatures: 10)), ["pool"]),
      ])
    chains = FusionChains(try network.analyze())
  }

  @Test func consumersAndNetworkOutputs() {
    #expect(chains.consumers["image"] == [0])
    #expect(chains.consumers["a"] == [1, 3, 6])
    #expect(chains.consumers["grouped"] == [5, 6])
    #expect(chains.consumers["fc"] == [])
    #expect(chains.networkOutputs == ["b", "fc"])
  }

  @Test func bitsComeFromProducersAndPrecisions() throws {
    let first = try chains.segment(layers: 0..<1)
    #expect(first.inputBits == 5)
    #expect(first.layers.map(\.weightBits) == [4])
    #expect(first.layers.map(\.outputBits) == [6])
    #expect(try chains.segment(layers: 1..<2).inputBits == 6)
    let tail = try chains.segment(layers: 2..<4)
    #expect(tail.inputName == "b")
    #expect(tail.inputBits == 8)
    #expect(tail.layers[1].skip == .external(name: "a", bits: 6))
  }

  @Test func aNetworkOutputCannotStayOnChip() throws {
    let error = try #require(rejection(chains, 1..<3))
    #expect(error.reason.contains("'b' is a network output"))
  }

  @Test(arguments: [
    (4, "grouped convolution of 2 groups"), (5, "channel multiplier 2"), (6, "an add of 3 inputs"), (10, "fc"),
  ])
  func unfusableKindsAreNoSegmentEvenAlone(index: Int, what: String) throws {
    let name = chains.analysis.layers[index].name
    let error = try #require(rejection(chains, index..<(index + 1)))
    #expect(error.reason.contains("'\(name)' (") && error.reason.contains(what), "\(error)")
    #expect(chains.longestLegalChain(from: index, maxLength: 3).isEmpty)
  }

  /// An upsample joins a chain, in its input's stage, with its factor as its stride: here with
  /// the max pool after it (the FC layer after that ends the chain).
  @Test func anUpsampleJoinsAChain() throws {
    #expect(chains.longestLegalChain(from: 8, maxLength: 3) == 8..<10)
    let segment = try chains.segment(layers: 8..<10)
    #expect(segment.layers.map(\.kind) == [.upsample, .maxPool])
    #expect(segment.layers[0].stride == Extent2D(square: 2))
    #expect(segment.stageChannels.count == 1)
  }

  /// A concat joins the chain with its skip, so it cannot start a segment: alone it is none.
  @Test func aConcatCannotStartASegment() throws {
    let alone = try #require(rejection(chains, 7..<8))
    #expect(alone.reason.contains("concat 'cat' cannot start a segment"), "\(alone)")
    #expect(chains.longestLegalChain(from: 7, maxLength: 3).isEmpty)
  }

  @Test func aChainStopsAtTheFirstUnfusableLayer() throws {
    #expect(chains.longestLegalChain(from: 2, maxLength: 10) == 2..<4)
    let error = try #require(rejection(chains, 2..<5))
    #expect(error.segment == "c..grouped")
    #expect(error.reason.contains("'grouped'"))
  }

  @Test func emptyAndOutOfRangeAreRejected() {
    #expect(rejection(chains, 3..<3) != nil)
    #expect(rejection(chains, 10..<12) != nil)
  }
}

@Suite struct FusionChainAveragePoolTests {
  /// A pointwise layer then an average pool of `kernel` on its 6x6 output.
  func chains(poolKernel kernel: Int) throws -> FusionChains {
    let input = NetworkInput(name: "image", shape: TensorShape(channels: 3, height: 6, width: 6), bits: 8)
    let pool = Pooling(kind: .average, kernel: Extent2D(square: kernel), stride: Extent2D(square: kernel))
    let network = Network(
      name: "pooled", inputs: [input],
      layers: [
        Layer(name: "conv", operation: .convolution(.pointwise(outputChannels: 4)), inputs: ["image"]),
        Layer(name: "pool", operation: .pooling(pool), inputs: ["conv"]),
      ])
    return FusionChains(try network.analyze())
  }

  /// An exporter's average pool with one window over the whole input is a global pool and ends a
  /// segment as one; a smaller window is a pooling window and does not fuse.
  @Test func aWholeInputWindowIsAGlobalPool() throws {
    let whole = try chains(poolKernel: 6).segment(layers: 0..<2)
    #expect(whole.layers.map(\.kind) == [.mixing, .globalAveragePool])
    #expect(whole.output == TensorShape(channels: 4, height: 1, width: 1))
    let error = try #require(rejection(try chains(poolKernel: 2), 0..<2))
    #expect(error.reason.contains("'pool' (avgpool"), "\(error)")
  }
}

@Suite struct FusionChainMaxPoolTests {
  /// A 3x3 convolution then a 3x3 max pool of stride 2, padding 1, on 7x7, as ResNet's stem:
  /// floor mode gives 4x4, ceil mode 4x4 too; on 8x8 floor mode gives 4x4 and ceil mode 5x5.
  func chains(side: Int, ceilMode: Bool) throws -> FusionChains {
    let input = NetworkInput(name: "image", shape: TensorShape(channels: 3, height: side, width: side), bits: 8)
    let pool = Pooling(
      kind: .max, kernel: Extent2D(square: 3), stride: Extent2D(square: 2), padding: Padding(symmetric: 1, 1),
      ceilMode: ceilMode)
    let network = Network(
      name: "stem", inputs: [input],
      layers: [
        Layer(
          name: "conv",
          operation: .convolution(
            Convolution(outputChannels: .absolute(4), kernel: Extent2D(square: 3), padding: Padding(symmetric: 1, 1))),
          inputs: ["image"]),
        Layer(name: "pool", operation: .pooling(pool), inputs: ["conv"]),
      ])
    return FusionChains(try network.analyze())
  }

  /// A max pool whose windows stay inside the padded input fuses after the convolution, keeping
  /// its stage and its window; one whose last window overhangs the padding (ceil mode) does not.
  @Test func aMaxPoolFusesUnlessItsLastWindowOverhangs() throws {
    let fused = try chains(side: 8, ceilMode: false).segment(layers: 0..<2)
    #expect(fused.layers.map(\.kind) == [.mixing, .maxPool])
    #expect(fused.stageChannels == [3, 4])
    #expect(fused.layers[1].kernel == Extent2D(square: 3) && fused.layers[1].stride == Extent2D(square: 2))
    #expect(fused.output == TensorShape(channels: 4, height: 4, width: 4))
    // On 7x7 ceil mode gives what floor mode does: the same windows, so it fuses.
    #expect(try chains(side: 7, ceilMode: true).segment(layers: 0..<2).output == TensorShape(channels: 4, height: 4, width: 4))
    let error = try #require(rejection(try chains(side: 8, ceilMode: true), 0..<2))
    #expect(error.reason.contains("'pool' (a max pool giving 5x5 where its padded window gives 4x4, as in ceil mode)"), "\(error)")
  }
}

@Suite struct GlobalPoolSegmentRuleTests {
  let input = TensorShape(channels: 2, height: 4, width: 4)

  func segment(_ layers: [SegmentLayer]) -> FusedSegment {
    FusedSegment(name: "s", input: input, inputName: "in", inputBits: 8, layers: layers)
  }

  var conv: SegmentLayer { SegmentLayer(name: "conv", kind: .mixing, input: input, output: input) }

  /// Last, after another layer, one unpadded window of its whole input, 1x1 out: anything else
  /// is refused naming the pool.
  @Test func theRulesOfAGlobalPool() throws {
    let pool = SegmentWalkGenerator.globalPool(after: input)
    try segment([conv, pool]).validate()
    var reasons: [String] = []
    for layers in [[pool], [conv, pool, conv]] {
      do throws(FusionError) { try segment(layers).validate() } catch { reasons.append(error.reason) }
    }
    var small = pool
    small.kernel = Extent2D(square: 2)
    do throws(FusionError) { try segment([conv, small]).validate() } catch { reasons.append(error.reason) }
    #expect(reasons.count == 3)
    #expect(reasons.first?.contains("can only end a segment, after at least one other layer") == true, "\(reasons)")
    #expect(reasons.last?.contains("must have one unpadded window of its input's 4x4") == true, "\(reasons)")
  }
}

@Suite struct FusionChainSqueezeNetTests {
  let chains: FusionChains

  init() throws { chains = FusionChains(try analyzeBundled("squeezenet1_1.yaml")) }

  /// A fire module is one segment: the squeeze, the 1x1 expand, the 3x3 expand as a branch from
  /// the squeeze's output, and the concat of the two expands (the 1x1's channels first), which
  /// reads the 1x1's output on chip as its skip.
  @Test func aFireModuleIsOneSegment() throws {
    let range = try layers(chains, "fire2.squeeze", "fire2.cat")
    let segment = try chains.segment(layers: range)
    expectMatchesAnalysis(segment, chains, range)
    #expect(segment.layers.map(\.kind) == [.mixing, .mixing, .mixing, .concat])
    #expect(segment.layers.map(\.branchFrom) == [nil, nil, 1, nil])
    #expect(segment.layers[3].skip == .layer(1))
    #expect(segment.layers[3].chainFirst == false)
    #expect(segment.concatChannels?.chain == 64 && segment.concatChannels?.skip == 0..<64)
    #expect(segment.stageChannels == [64, 16, 64, 64])
    #expect(segment.output == TensorShape(channels: 128, height: 55, width: 55))
    // With the pool before it, and without the squeeze (both expands then read the segment input).
    expectMatchesAnalysis(try chains.segment(layers: try layers(chains, "pool3", "fire4.cat")), chains, try layers(chains, "pool3", "fire4.cat"))
    let expands = try chains.segment(layers: try layers(chains, "fire2.expand1x1", "fire2.cat"))
    #expect(expands.layers.map(\.branchFrom) == [nil, 0, nil])
  }

  /// A concat joins the chain with a layer of the segment or a tensor in DRAM (here the 1x1
  /// expand's output, when the segment starts at the 3x3 expand), at the end of a segment or
  /// inside one: fire2's concat then starts a stage of its own, held whole for fire3's squeeze.
  @Test func aConcatJoinsItsOwnLayersOrATensorInDRAMAtTheEndOrInside() throws {
    let acrossRange = try layers(chains, "fire2.squeeze", "fire3.squeeze")
    let across = try chains.segment(layers: acrossRange)
    expectMatchesAnalysis(across, chains, acrossRange)
    #expect(across.isInnerConcat(3) && across.stageChannels == [64, 16, 64, 64, 128, 16])
    // The squeeze's (both expands read it), the 1x1 expand's (the concat's skip) and the concat's.
    #expect(across.wholeStages == [1, 2, 4])
    let range = try layers(chains, "fire2.expand3x3", "fire2.cat")
    let outside = try chains.segment(layers: range)
    expectMatchesAnalysis(outside, chains, range)
    #expect(outside.layers[1].skip == .external(name: "fire2.expand1x1", bits: 8))
    #expect(outside.concatChannels?.chain == 64 && outside.concatChannels?.skip == 0..<64)
    // fire2, fire3, pool3 and fire4's squeeze: one layer more, and the squeeze's output (or the
    // 1x1 expand's) is read by a layer outside.
    #expect(chains.longestLegalChain(from: try #require(chains.layerIndex(named: "fire2.squeeze")), maxLength: 12).count == 10)
  }
}
