import Foundation
import Testing

@testable import Networks

/// Conv-only MACs: Darknet's printed BFLOPs total counts convolutions only, at 2 FLOPs per MAC.
private func convolutionMACs(_ analysis: NetworkAnalysis) -> Int {
  analysis.layers.filter { $0.layer.convolution != nil }.reduce(0) { $0 + $1.macs }
}

private func convolutionCount(_ analysis: NetworkAnalysis) -> Int {
  analysis.layers.filter { $0.layer.convolution != nil }.count
}

/// Lines 1-4: a [net] section for an 8x8 RGB input; test layers start on line 5.
private let netHeader = "[net]\nwidth=8\nheight=8\nchannels=3\n"

private func readCfg(_ body: String) throws -> Network {
  try DarknetCfg.read(netHeader + body, file: "bad.cfg")
}

private func shapesByName(_ analysis: NetworkAnalysis) -> [String: TensorShape] {
  Dictionary(uniqueKeysWithValues: analysis.layers.map { ($0.name, $0.outputShape) })
}

@Suite struct DarknetTests {
  // MARK: Bundled YOLO networks

  @Test func yoloV3MatchesDarknetBFLOPs() throws {
    let analysis = try analyzeBundled("yolov3.cfg")
    expectClose(2 * convolutionMACs(analysis), 65.86e9, "YOLOv3-416 conv FLOPs")
    #expect(convolutionCount(analysis) == 75)
  }

  @Test func yoloV3TinyMatchesDarknetBFLOPs() throws {
    let analysis = try analyzeBundled("yolov3-tiny.cfg")
    expectClose(2 * convolutionMACs(analysis), 5.56e9, "YOLOv3-tiny-416 conv FLOPs")
    #expect(convolutionCount(analysis) == 13)
  }

  @Test func yoloV3HeadsAreTheOutputs() throws {
    let analysis = try analyzeBundled("yolov3.cfg")
    // The [yolo] sections are Darknet layers 82, 94 and 106: the convolutions before them are the heads.
    let heads = ["conv81", "conv93", "conv105"]
    #expect(analysis.network.outputNames == heads)
    #expect(analysis.layer(named: "conv81")?.outputShape == TensorShape(channels: 255, height: 13, width: 13))
    #expect(analysis.layer(named: "conv93")?.outputShape == TensorShape(channels: 255, height: 26, width: 26))
    #expect(analysis.layer(named: "conv105")?.outputShape == TensorShape(channels: 255, height: 52, width: 52))
    for head in heads { #expect(analysis.network.layer(named: head)?.isMarkedOutput == true) }
  }

  @Test func yoloV3TinyHeadsAreTheOutputs() throws {
    let analysis = try analyzeBundled("yolov3-tiny.cfg")
    #expect(analysis.network.outputNames == ["conv15", "conv22"])
    #expect(analysis.layer(named: "conv15")?.outputShape == TensorShape(channels: 255, height: 13, width: 13))
    #expect(analysis.layer(named: "conv22")?.outputShape == TensorShape(channels: 255, height: 26, width: 26))
  }

  @Test func routesResolveDarknetIndices() throws {
    let analysis = try analyzeBundled("yolov3-tiny.cfg")
    // [route] layers=-4 at index 17 is an alias of layer 13; conv18 reads it directly.
    #expect(analysis.network.layer(named: "conv18")?.inputs == ["conv13"])
    #expect(analysis.network.layer(named: "route17") == nil)
    // [route] layers = -1, 8 at index 20 concatenates the upsample with conv8.
    #expect(analysis.network.layer(named: "route20")?.inputs == ["upsample19", "conv8"])
    #expect(analysis.layer(named: "route20")?.outputShape == TensorShape(channels: 384, height: 26, width: 26))
  }

  @Test func maxpoolPaddingIsDarknetsAsymmetricOne() throws {
    let analysis = try analyzeBundled("yolov3-tiny.cfg")
    // size=2 stride=1 with the default padding=1: nothing before, one after, so 13x13 stays 13x13.
    let pool = try #require(analysis.layer(named: "maxpool11"))
    #expect(pool.padding == Padding(top: 0, left: 0, bottom: 1, right: 1))
    #expect(pool.outputShape == TensorShape(channels: 512, height: 13, width: 13))
    #expect(analysis.layer(named: "maxpool1")?.outputShape == TensorShape(channels: 16, height: 208, width: 208))
  }

  @Test func shortcutAddsThePreviousLayerAndFrom() throws {
    let network = try DarknetCfg.read(try readText(bundledNet("yolov3.cfg")), file: "yolov3.cfg")
    #expect(network.layer(named: "shortcut4")?.inputs == ["conv3", "conv1"])
    #expect(network.layer(named: "shortcut4")?.operation == .add)
  }

  // MARK: Round trips

  @Test(arguments: ["yolov3.cfg", "yolov3-tiny.cfg"])
  func yamlRoundTripKeepsShapes(file: String) throws {
    let original = try analyzeBundled(file)
    let yaml = NetworkYAML.write(original.network)
    let reread = try NetworkYAML.read(yaml, file: "roundtrip.yaml").analyze()
    #expect(shapesByName(reread) == shapesByName(original))
    #expect(reread.network.outputNames == original.network.outputNames)
    #expect(reread.totalMACs == original.totalMACs)
  }

  @Test(arguments: ["yolov3.cfg", "yolov3-tiny.cfg"])
  func cfgRoundTripKeepsShapesAndMACs(file: String) throws {
    let original = try analyzeBundled(file)
    let cfg = try DarknetCfg.write(original.network)
    let reread = try DarknetCfg.read(cfg, file: "roundtrip.cfg").analyze()
    // Names follow Darknet indices, which the same sections reproduce; compare in order anyway.
    #expect(reread.layers.map(\.outputShape) == original.layers.map(\.outputShape))
    #expect(reread.layers.map(\.macs) == original.layers.map(\.macs))
    #expect(reread.layers.map(\.layer.operation) == original.layers.map(\.layer.operation))
    #expect(reread.totalParameters == original.totalParameters)
    #expect(reread.network.outputNames.count == original.network.outputNames.count)
  }

  @Test func writerRoutesToNonPreviousInputsAndSwapsShortcutOperands() throws {
    let network = Network(
      name: "skip", inputs: [NetworkInput(name: "image", shape: TensorShape(channels: 3, height: 8, width: 8))],
      layers: [
        Layer(
          name: "a",
          operation: .convolution(
            Convolution(outputChannels: .absolute(4), kernel: Extent2D(square: 3), padding: Padding(symmetric: 1, 1))),
          inputs: ["image"], activation: .relu),
        Layer(name: "b", operation: .convolution(.pointwise(outputChannels: 4)), inputs: ["a"]),
        Layer(
          name: "c",
          operation: .convolution(.depthwise(kernel: Extent2D(square: 3), padding: Padding(symmetric: 1, 1))),
          inputs: ["a"], activation: .relu6),
        Layer(name: "sum", operation: .add, inputs: ["b", "c"]),
        Layer(name: "pool", operation: .globalAveragePool, inputs: ["sum"]),
        Layer(name: "fc", operation: .fullyConnected(FullyConnected(outputFeatures: 10)), inputs: ["pool"]),
      ])
    let original = try network.analyze()
    let cfg = try DarknetCfg.write(network)
    #expect(cfg.contains("groups=4"))
    let reread = try DarknetCfg.read(cfg, file: "skip.cfg").analyze()
    #expect(reread.layers.map(\.outputShape) == original.layers.map(\.outputShape))
    #expect(reread.totalMACs == original.totalMACs)
    #expect(reread.layers.map(\.layer.activation) == original.layers.map(\.layer.activation))
  }

  // MARK: Writer refusals

  @Test func writerRefusesNonSquareKernels() throws {
    let network = Network(
      name: "wide", inputs: [NetworkInput(name: "image", shape: TensorShape(channels: 3, height: 8, width: 8))],
      layers: [
        Layer(
          name: "wide",
          operation: .convolution(Convolution(outputChannels: .absolute(4), kernel: Extent2D(height: 1, width: 3))),
          inputs: ["image"])
      ])
    let error = try #require(networkError { _ = try DarknetCfg.write(network) })
    #expect(error.layer == "wide")
    #expect(error.field == "kernel")
  }

  @Test func writerRefusesSeveralInputs() throws {
    let shape = TensorShape(channels: 3, height: 8, width: 8)
    let network = Network(
      name: "two", inputs: [NetworkInput(name: "a", shape: shape), NetworkInput(name: "b", shape: shape)],
      layers: [Layer(name: "sum", operation: .add, inputs: ["a", "b"])])
    let error = try #require(networkError { _ = try DarknetCfg.write(network) })
    #expect(error.message.contains("one input"))
  }

  @Test func writerRefusesWindowedAveragePooling() throws {
    let network = Network(
      name: "avg", inputs: [NetworkInput(name: "image", shape: TensorShape(channels: 3, height: 8, width: 8))],
      layers: [
        Layer(
          name: "pool",
          operation: .pooling(Pooling(kind: .average, kernel: Extent2D(square: 2), stride: Extent2D(square: 2))),
          inputs: ["image"])
      ])
    let error = try #require(networkError { _ = try DarknetCfg.write(network) })
    #expect(error.layer == "pool")
  }

  // MARK: Bad input: each error names its line and field

  @Test func unknownSectionIsAnError() throws {
    let error = try #require(
      networkError { _ = try readCfg("[convolutional]\nfilters=4\nactivation=relu\n\n[mystery]\nsize=3\n") })
    #expect(error.location == FileLocation(file: "bad.cfg", line: 9))
    #expect(error.message.contains("unknown section [mystery]"))
    #expect(error.message.contains("[shortcut]"))
  }

  @Test func unknownKeyIsAnError() throws {
    let error = try #require(networkError { _ = try readCfg("[convolutional]\nfilter=4\nactivation=relu\n") })
    #expect(error.location?.line == 6)
    #expect(error.field == "filter")
    #expect(error.layer == "conv0")
    #expect(error.message.contains("filters"))
  }

  @Test func trainingKeysAreIgnored() throws {
    let network = try readCfg(
      "[convolutional]\nfilters=255\nactivation=linear\n\n[yolo]\nmask=0,1,2\nclasses=80\nnum=3\n")
    #expect(network.layers.count == 1)
    #expect(network.layers.first?.isMarkedOutput == true)
  }

  @Test func lineWithoutEqualsIsAnError() throws {
    let error = try #require(networkError { _ = try readCfg("[convolutional]\nfilters 4\n") })
    #expect(error.location?.line == 6)
    #expect(error.field == nil)
    #expect(error.message.contains("malformed line"))
  }

  @Test func keyBeforeAnySectionIsAnError() throws {
    let error = try #require(networkError { _ = try DarknetCfg.read("# comment\nwidth=8\n[net]\n", file: "bad.cfg") })
    #expect(error.location?.line == 2)
    #expect(error.field == "width")
  }

  @Test func nonIntegerValueIsAnError() throws {
    let error = try #require(
      networkError { _ = try readCfg("[convolutional]\nfilters=4\nsize=3.5\nactivation=relu\n") })
    #expect(error.location?.line == 7)
    #expect(error.field == "size")
    #expect(error.message.contains("integer"))
  }

  @Test func zeroStrideIsAnError() throws {
    let error = try #require(networkError { _ = try readCfg("[maxpool]\nsize=2\nstride=0\n") })
    #expect(error.location?.line == 7)
    #expect(error.field == "stride")
  }

  @Test func routeToAFutureLayerIsAnError() throws {
    let error = try #require(
      networkError { _ = try readCfg("[convolutional]\nfilters=4\nactivation=relu\n\n[route]\nlayers=-1, 2\n") })
    #expect(error.location?.line == 10)
    #expect(error.field == "layers")
    #expect(error.layer == "route1")
  }

  @Test func routeBeforeTheFirstLayerIsAnError() throws {
    let error = try #require(
      networkError { _ = try readCfg("[convolutional]\nfilters=4\nactivation=relu\n\n[shortcut]\nfrom=-5\n") })
    #expect(error.location?.line == 10)
    #expect(error.field == "from")
  }

  @Test func shortcutChannelMismatchIsReportedByShapeInference() throws {
    let text =
      netHeader + """
        [convolutional]
        filters=4
        activation=relu

        [convolutional]
        filters=8
        activation=relu

        [shortcut]
        from=-2
        activation=linear
        """
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("darknet-\(UUID().uuidString).cfg")
    try Data(text.utf8).write(to: url)
    defer { try? FileManager.default.removeItem(at: url) }
    let error = try #require(networkError { _ = try NetworkFormat.load(path: url.path) })
    #expect(error.location?.line == 13)
    #expect(error.layer == "shortcut2")
    #expect(error.field == "inputs")
    #expect(error.description.contains("layer 'shortcut2'"))
    #expect(error.message.contains("channel"))
  }

  @Test func unsupportedActivationIsAnError() throws {
    let error = try #require(networkError { _ = try readCfg("[convolutional]\nfilters=4\nactivation=mish\n") })
    #expect(error.location?.line == 7)
    #expect(error.field == "activation")
    #expect(error.message.contains("mish"))
    #expect(error.message.contains("leaky"))
  }

  @Test func missingActivationIsDarknetsLogistic() throws {
    let network = try readCfg("[convolutional]\nfilters=4\n")
    #expect(network.layers.first?.activation == .sigmoid)
    #expect(try readCfg("[convolutional]\nfilters=4\nactivation=logistic\n").layers.first?.activation == .sigmoid)
  }

  @Test func sigmoidIsWrittenAsLogisticAndTheHardFunctionsAreRefused() throws {
    var network = try readCfg("[convolutional]\nfilters=4\nactivation=logistic\n")
    #expect(try DarknetCfg.write(network).contains("activation=logistic"))
    network.layers[0].activation = .hardswish
    let error = try #require(networkError { _ = try DarknetCfg.write(network) })
    #expect(error.field == "activation")
    #expect(error.message.contains("hardswish"))
  }

  @Test func padOneWinsOverExplicitPaddingAsInDarknet() throws {
    let network = try readCfg("[convolutional]\nfilters=4\nsize=5\npad=1\npadding=0\nactivation=relu\n")
    #expect(network.layers.first?.convolution?.padding == Padding(symmetric: 2, 2))
  }

  @Test func oversizedInputIsLocatedAtItsKey() throws {
    let text = "[network]\nwidth=4611686018427387904\nheight=8\nchannels=3\n[maxpool]\nsize=2\nstride=2\n"
    let error = try #require(networkError { _ = try DarknetCfg.read(text, file: "big.cfg").analyze() })
    #expect(error.location == FileLocation(file: "big.cfg", line: 2))
    #expect(error.field == "width")
    #expect(error.message.contains("65,536 (2^16)"))
  }

  @Test func windowsLineEndsAndTrailingCommentsRead() throws {
    let text =
      "[net]\r\nwidth=8\r\nheight=8 ; the image\r\nchannels=3\r\n[conv]\r\nfilters=4 # four\r\nactivation=leaky\r\n"
    let analysis = try DarknetCfg.read(text, file: "crlf.cfg").analyze()
    #expect(analysis.layers.first?.outputShape == TensorShape(channels: 4, height: 8, width: 8))
  }

  @Test func writerRefusesAsymmetricConvolutionPadding() throws {
    let conv = Convolution(
      outputChannels: .absolute(4), kernel: Extent2D(square: 3), stride: Extent2D(square: 2),
      padding: Padding(top: 0, left: 0, bottom: 1, right: 1))
    let network = Network(
      name: "asym", inputs: [NetworkInput(name: "image", shape: TensorShape(channels: 3, height: 8, width: 8))],
      layers: [Layer(name: "down", operation: .convolution(conv), inputs: ["image"])])
    let error = try #require(networkError { _ = try DarknetCfg.write(network) })
    #expect(error.layer == "down")
    #expect(error.field == "padding")
  }
}
