import Foundation
import Networks
import Testing

@testable import FixedPoint

@Suite struct ReferenceNetworkTests {
  static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  /// A bundled network shrunk to `side` x `side` inputs and `keep` of its channels (fewer weights
  /// keep debug-build tests quick), every layer at `bits`.
  static func network(_ file: String, side: Int, bits: Int, keep: Double = 1) throws -> NetworkAnalysis {
    var network = try NetworkFormat.load(path: packageRoot.appendingPathComponent("nets/\(file)").path)
    for index in network.inputs.indices {
      network.inputs[index].shape.height = side
      network.inputs[index].shape.width = side
    }
    if keep < 1 { network = try ChannelPruning.apply(to: network, options: .init(keep: keep)) }
    network = try PrecisionAssignment.apply(to: network, options: .init(weightBits: bits, activationBits: bits))
    return try network.analyze()
  }

  static func study(_ analysis: NetworkAnalysis, weights: NetworkWeights? = nil, calibration: Int = 2) throws -> QuantizationStudy {
    try QuantizationStudy(
      analysis, weights: weights ?? NetworkWeights.seeded(analysis, seed: 1),
      options: .init(calibrationCount: calibration, seed: 1))
  }

  /// MobileNetV2 at 32x32 with seeded weights, end to end (each run feeds its own outputs on).
  /// Measured with 2 calibration images: 8 bits min 14.9 dB (b15_2.project), median 21.1 dB;
  /// 16 bits min 57.1 dB, median 63.7 dB. Per-tensor power-of-two formats from the maximum leave
  /// ReLU6 outputs about 38 dB at 8 bits, and the noise of 60 layers adds up; at 16 bits the 32-bit
  /// accumulator caps the weights' fraction (about 12 effective bits). Thresholds sit 3 dB below.
  @Test func reducedMobileNetV2KeepsItsSignalAt8And16Bits() throws {
    // Seeded weights depend on the layers' weight counts only, not on widths or input size.
    let weights = NetworkWeights.seeded(try Self.network("mobilenetv2.yaml", side: 32, bits: 8), seed: 1)
    for (bits, minimum, median) in [(8, 12.0, 18.0), (16, 54.0, 60.0)] {
      let study = try Self.study(try Self.network("mobilenetv2.yaml", side: 32, bits: bits), weights: weights)
      let summary = try #require(study.summary)
      #expect(summary.minimum > minimum, "\(bits) bits: worst layer \(summary.worst) at \(summary.minimum) dB")
      #expect(summary.median > median, "\(bits) bits: median \(summary.median) dB")
    }
  }

  /// Darknet's YOLOv3-tiny (max pooling with asymmetric padding, leaky ReLU, upsample, concat) and
  /// SqueezeNet 1.1 (ceil-mode max pooling, concat) run end to end and keep a usable signal at 8 bits.
  @Test func darknetAndConcatNetworksRunInFixedPoint() throws {
    for (file, side) in [("yolov3-tiny.cfg", 32), ("squeezenet1_1.yaml", 48)] {
      let analysis = try Self.network(file, side: side, bits: 8, keep: 0.25)
      let study = try Self.study(analysis, calibration: 1)
      let summary = try #require(study.summary)
      #expect(summary.minimum > 10, "\(file): worst layer \(summary.worst) at \(summary.minimum) dB")
      #expect(study.layers.count == analysis.layers.count)
    }
  }

  /// The same seed gives the same formats, outputs, SQNRs and error table; another seed other inputs.
  @Test func referenceRunsAreDeterministic() throws {
    let analysis = try Self.network("mobilenetv1.yaml", side: 16, bits: 8, keep: 0.25)
    let weights = NetworkWeights.seeded(analysis, seed: 3)
    let first = try QuantizationStudy(analysis, weights: weights, options: .init(calibrationCount: 1, seed: 5))
    let again = try QuantizationStudy(analysis, weights: weights, options: .init(calibrationCount: 1, seed: 5))
    #expect(first.layers.map(\.sqnr) == again.layers.map(\.sqnr))
    #expect(first.layers.map(\.output) == again.layers.map(\.output))
    let table = try QuantizationErrorTable(analysis, weights: weights, study: first, widths: [4, 8, 16]).csv()
    #expect(table == (try QuantizationErrorTable(analysis, weights: weights, study: again, widths: [16, 8, 4, 8]).csv()))
    let other = SeededInputs.image(analysis.network, seed: 6, index: 0)
    #expect(other[analysis.network.inputs[0].name]?.values != first.reference[analysis.network.inputs[0].name]?.values)
  }

  /// One row per layer with weights and width, header exactly `layer,bits,error`; narrower widths
  /// give larger errors. Not always by the full 6 dB per bit: where the evaluation input exceeds the
  /// calibrated range, clipping adds the same error at every width.
  @Test func errorTableHasOneRowPerWeightedLayerAndWidth() throws {
    let analysis = try Self.network("mobilenetv2.yaml", side: 16, bits: 8, keep: 0.25)
    let weights = NetworkWeights.seeded(analysis, seed: 1)
    let study = try QuantizationStudy(analysis, weights: weights, options: .init(calibrationCount: 2, seed: 1))
    let table = try QuantizationErrorTable(analysis, weights: weights, study: study, widths: [4, 8, 16])
    let lines = table.csv().split(separator: "\n")
    #expect(lines.first == "layer,bits,error")
    let weighted = analysis.layers.filter { [.conv, .pointwise, .depthwise, .fc].contains($0.kind) }
    #expect(lines.count == 1 + 3 * weighted.count)
    for layer in weighted {
      let errors = table.rows.filter { $0.layer == layer.name }.sorted { $0.bits < $1.bits }.map(\.error)
      #expect(errors.count == 3)
      #expect(errors[0] > errors[1] && errors[1] > errors[2], "\(layer.name): \(errors)")
      #expect(errors[1] < 0.01, "\(layer.name): \(errors)")
    }
    let sixteen = table.rows.filter { $0.bits == 16 }.map(\.error).sorted()
    #expect(sixteen[sixteen.count / 2] < 1e-6, "median 16-bit error \(sixteen[sixteen.count / 2])")
    #expect(throws: FixedPointError.self) { try QuantizationErrorTable(analysis, weights: weights, study: study, widths: [1]) }
  }

  /// Binarized layers are for FixedPoint/Binary; other 1-bit widths are refused with the layer's name.
  @Test func binarizedLayersAreRefusedClearly() throws {
    var network = try Self.network("mobilenetv1.yaml", side: 16, bits: 8, keep: 0.25).network
    let name = network.layers[3].name
    network.layers[3].precision = Precision(bits: 1)
    let analysis = try network.analyze()
    let weights = NetworkWeights.seeded(analysis)
    do {
      _ = try QuantizationStudy(analysis, weights: weights, options: .init(calibrationCount: 1))
      Issue.record("a binarized layer ran in fixed point")
    } catch {
      #expect(error.description.contains("'\(name)'") && error.description.contains("FixedPoint/Binary"))
    }
    network.layers[3].precision = Precision(weightBits: 1, activationBits: 8)
    #expect(throws: FixedPointError.self) {
      try QuantizationStudy(try network.analyze(), weights: weights, options: .init(calibrationCount: 1))
    }
  }
}
