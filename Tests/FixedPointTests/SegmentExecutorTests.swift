import Networks
import TestSupport
import Testing
import Tiling

@testable import FixedPoint

/// The fused-segment executor on random chains and legal tilings (max pools, upsamples, line buffers, chunk recompute,
/// streamed weights, Scan, skips from the input, on chip or from DRAM, partial sums two entries
/// wide): its output equals the layers run one after the other on whole tensors, its transfers
/// equal `SegmentModel`'s closed form, and it fits in the model's footprint. A dropped reload
/// and a buffer too small are caught as failures naming the segment, the tile and the operand.
@Suite struct SegmentExecutorTests {
  struct Case {
    var segment: FusedSegment
    var tiling: SegmentTiling
    var psumWidth: Int
    var cost: SegmentCost
    var execution: SegmentExecution
    var expected: [Int32]
  }

  static func cases(count: Int, seed: UInt64) throws -> [Case] {
    var random = SplitMix64(seed: seed)
    var cases: [Case] = []
    while cases.count < count {
      let segment = SegmentWalkGenerator.segment(using: &random)
      let tiling = SegmentWalkGenerator.tiling(for: segment, using: &random)
      let psumWidth = Int.random(in: 1...2, using: &random)
      let model = SegmentModel(segment: segment, psumWidth: psumWidth)
      guard (try? model.validate(tiling)) != nil else { continue }
      let quantization = Self.quantization(segment, using: &random)
      let input = Self.values(segment.input, bits: 8, using: &random)
      var externals: [Int: [Int32]] = [:]
      for (index, layer) in segment.layers.enumerated() {
        if case .external? = layer.skip { externals[index] = Self.values(layer.skipShape, bits: 8, using: &random) }
      }
      // The chain is the add's first or second operand (the formats are per operand); a concat's
      // order is the segment's.
      let chainPositions = segment.layers.map { layer in
        switch layer.kind {
        case .add: Int.random(in: 0...1, using: &random)
        case .concat: layer.chainFirst ? 0 : 1
        default: 0
        }
      }
      let execution = SegmentExecution(
        segment: segment, tiling: tiling, capacity: .max, psumWidth: psumWidth, quantization: quantization,
        chainPositions: chainPositions, input: input, externalSkips: externals)
      cases.append(
        Case(
          segment: segment, tiling: tiling, psumWidth: psumWidth, cost: try model.cost(of: tiling), execution: execution,
          expected: Self.untiled(execution)))
    }
    return cases
  }

  static func values(_ shape: TensorShape, bits: Int, using random: inout SplitMix64) -> [Int32] {
    let limit = Int32(1) << (bits - 1)
    return (0..<(shape.elementCount ?? 0)).map { _ in Int32.random(in: -limit..<limit, using: &random) }
  }

  /// Random formats, weights, biases and activations for every layer.
  static func quantization(_ segment: FusedSegment, using random: inout SplitMix64) -> [LayerQuantization] {
    var fraction = Int.random(in: 0...6, using: &random)
    var formats = [QFormat(bits: 8, fractionBits: fraction)]
    var layers: [LayerQuantization] = []
    for layer in segment.layers {
      let output = QFormat(bits: 8, fractionBits: Int.random(in: 0...6, using: &random))
      let activation = Activation.allCases.randomElement(using: &random) ?? .linear
      switch layer.kind {
      case .mixing, .depthwise:
        let weightBits = [4, 8].randomElement(using: &random) ?? 8
        let weights = QFormat(bits: weightBits, fractionBits: Int.random(in: 0...4, using: &random))
        let count = layer.output.channels * (layer.kind == .mixing ? layer.input.channels : 1) * layer.kernel.height * layer.kernel.width
        let limit = Int32(1) << (weightBits - 1)
        layers.append(
          LayerQuantization(
            inputs: [QFormat(bits: 8, fractionBits: fraction)], output: output, weights: weights,
            quantizedWeights: (0..<count).map { _ in Int32.random(in: -limit..<limit, using: &random) },
            quantizedBias: (0..<layer.output.channels).map { _ in Int32.random(in: -4096...4096, using: &random) },
            activation: activation))
      case .maxPool, .globalAveragePool, .upsample:
        layers.append(
          LayerQuantization(
            inputs: [QFormat(bits: 8, fractionBits: fraction)], output: output, weights: nil, quantizedWeights: [],
            quantizedBias: [], activation: activation))
      case .add, .concat:
        let skip = QFormat(bits: 8, fractionBits: Int.random(in: 0...6, using: &random))
        layers.append(
          LayerQuantization(
            inputs: [QFormat(bits: 8, fractionBits: fraction), skip], output: output, weights: nil, quantizedWeights: [],
            quantizedBias: [], activation: activation))
      }
      fraction = output.fractionBits
      formats.append(output)
    }
    return layers
  }

  /// The layers one after the other on whole tensors: the same kernels, no tiles, no buffer.
  static func untiled(_ execution: SegmentExecution) -> [Int32] {
    let segment = execution.segment
    var tensors = [IntegerBlock(shape: segment.input, values: execution.input)]
    for (index, layer) in segment.layers.enumerated() {
      let q = execution.quantization[index]
      let whole = TensorRegion(layer.output)
      var output = IntegerBlock(region: whole, repeating: 0)
      switch layer.kind {
      case .mixing, .depthwise:
        var accumulator = IntegerBlock(region: whole, repeating: 0)
        let geometry = WindowGeometry(
          input: layer.input, output: layer.output, kernel: layer.kernel, stride: layer.stride, padding: layer.padding,
          groups: layer.kind == .depthwise ? layer.input.channels : 1)
        ConvolutionKernel.accumulate(
          input: tensors[segment.inputTensor(ofLayer: index)], inputChannels: 0..<layer.input.channels, weights: q.quantizedWeights, geometry: geometry,
          region: whole, into: &accumulator)
        RequantizeKernel.requantize(accumulator, bias: q.quantizedBias, requantizer: q.requantizer, region: whole, into: &output)
      case .add:
        let skip: IntegerBlock
        switch layer.skip {
        case .segmentInput?: skip = tensors[0]
        case .layer(let source)?: skip = tensors[source + 1]
        case .external?, nil: skip = IntegerBlock(shape: layer.skipShape, values: execution.externalSkips[index] ?? [])
        }
        var operands = [tensors[index], tensors[index]]
        operands[1 - execution.chainPositions[index]] = skip
        ElementwiseKernel.add(operands, formats: q.inputs, output: q.output, activation: q.activation, region: whole, into: &output)
      case .maxPool:
        let geometry = WindowGeometry(
          input: layer.input, output: layer.output, kernel: layer.kernel, stride: layer.stride, padding: layer.padding,
          groups: layer.input.channels)
        PoolingKernel.maxPool(input: tensors[index], geometry: geometry, region: whole, requantizer: q.requantizer, into: &output)
      case .globalAveragePool:
        let geometry = WindowGeometry(
          input: layer.input, output: layer.output, kernel: layer.kernel, stride: layer.stride, padding: layer.padding,
          groups: layer.input.channels)
        PoolingKernel.averagePool(input: tensors[index], geometry: geometry, region: whole, requantizer: q.requantizer, into: &output)
      case .upsample:
        ElementwiseKernel.upsample(
          tensors[index], factor: layer.stride.height, format: q.inputs[0], output: q.output, activation: q.activation,
          region: whole, into: &output)
      case .concat:
        let skip =
          if case .layer(let source)? = layer.skip { tensors[source + 1] } else {
            IntegerBlock(shape: layer.skipShape, values: execution.externalSkips[index] ?? [])
          }
        let operands = layer.chainFirst ? [tensors[index], skip] : [skip, tensors[index]]
        ElementwiseKernel.concat(
          operands, channelCounts: operands.map(\.region.channels.count), formats: q.inputs, output: q.output,
          activation: q.activation, region: whole, into: &output)
      }
      tensors.append(output)
    }
    return tensors[tensors.count - 1].values
  }

  @Test func segmentsMatchTheUntiledRunAndTheClosedForm() throws {
    var tight = 0
    var seen: [String: Int] = [:]
    let cases = try Self.cases(count: 2000, seed: 0xF05E_0001)
    for item in cases {
      let context = "\(SegmentWalkGenerator.describe(item.segment)) | \(item.tiling) | psum \(item.psumWidth)"
      var execution = item.execution
      execution.capacity = item.cost.footprint
      let result: ConvolutionExecution.Result
      do {
        result = try execution.run()
      } catch {
        Issue.record("\(error) | \(context)")
        continue
      }
      #expect(result.output == item.expected, "\(context)")
      #expect(result.traffic == item.cost.traffic.traffic, "\(context)")
      execution.capacity = item.cost.footprint - 1
      if (try? execution.run()) == nil { tight += 1 }
      let features = [
        "line buffer": item.tiling.lineBuffers.contains(true), "chunk recompute": item.cost.chunkMACs > 0,
        "halo": item.cost.haloMACs > 0, "streamed": item.tiling.resident.contains(false),
        "skip from DRAM": item.cost.traffic.totalSkipReads > 0,
        "skip on chip": item.segment.layers.contains { if case .layer? = $0.skip { true } else { false } },
        "input skip free": item.segment.addsReadInput && item.cost.traffic.totalSkipReads == 0,
        "global pool over tiles": item.segment.endsInGlobalPool
          && item.tiling.rows * item.tiling.columns < item.segment.tiledShape.height * item.segment.tiledShape.width,
        "max pool over tiles": item.segment.layers.contains { $0.kind == .maxPool }
          && item.tiling.rows * item.tiling.columns < item.segment.tiledShape.height * item.segment.tiledShape.width,
        "max pool behind a line buffer": item.segment.layers.indices.contains {
          item.segment.layers[$0].kind == .maxPool && item.tiling.lineBuffers[$0]
        },
        "branch over tiles": !item.segment.branchSources.isEmpty
          && item.tiling.rows * item.tiling.columns < item.segment.tiledShape.height * item.segment.tiledShape.width,
        "upsample over tiles": item.segment.layers.contains { $0.kind == .upsample }
          && item.tiling.rows < item.segment.tiledShape.height,
        "concat of a DRAM tensor over tiles": item.segment.endsInConcat && item.cost.traffic.totalSkipReads > 0
          && item.tiling.rows * item.tiling.columns < item.segment.tiledShape.height * item.segment.tiledShape.width,
        "concat over tiles": item.segment.endsInConcat
          && item.tiling.rows * item.tiling.columns < item.segment.tiledShape.height * item.segment.tiledShape.width,
        "concat over chunks": item.segment.endsInConcat
          && item.tiling.chunks[item.tiling.chunks.count - 1] < item.segment.stageChannels[item.segment.lastStage],
        "branch from an on-chip tensor": item.segment.branchSources.contains { $0 >= 1 },
        "on-chip branch into an add": item.segment.layers.contains { $0.kind == .add } && item.segment.branchSources.contains { $0 >= 1 }
          && item.tiling.rows * item.tiling.columns < item.segment.tiledShape.height * item.segment.tiledShape.width,
        "skip behind a line buffer": item.tiling.rows < item.segment.tiledShape.height && item.segment.layers.contains {
          if case .layer(let source)? = $0.skip { item.tiling.lineBuffers[source + 1] } else { false }
        },
        "input skip kept by a line buffer": item.tiling.lineBuffers[0] && item.tiling.rows < item.segment.tiledShape.height
          && !item.segment.layers.indices.contains {
            item.segment.layers[$0].skip == .segmentInput && item.cost.traffic.skipReads[$0] > 0
          },
      ]
      let inner = SegmentWalkGenerator.innerConcatFeatures(item.segment, item.tiling)
      for (feature, present) in features.merging(inner, uniquingKeysWith: { $0 || $1 }) where present {
        seen[feature, default: 0] += 1
      }
    }
    for feature in [
      "line buffer", "chunk recompute", "halo", "streamed", "skip from DRAM", "skip on chip", "input skip free",
      "global pool over tiles", "max pool over tiles", "max pool behind a line buffer", "branch over tiles",
      "skip behind a line buffer", "input skip kept by a line buffer", "concat over tiles", "concat over chunks",
      "branch from an on-chip tensor", "on-chip branch into an add", "upsample over tiles",
      "concat of a DRAM tensor over tiles",
    ] + SegmentWalkGenerator.innerConcatFeatureNames {
      #expect(seen[feature, default: 0] >= 20, "only \(seen[feature, default: 0]) cases with \(feature)")
    }
    // The model's footprint is what the execution needs, but for tilings whose tallest and widest
    // tiles differ (the model takes the largest of each axis).
    #expect(tight * 10 >= cases.count * 9, "only \(tight) of \(cases.count) need the whole footprint")
  }

  /// Skipping one input load that brings new elements, in a tile after the first, fails the run
  /// at that tile, naming the segment and the operand read.
  @Test func aDroppedReloadIsCaught() throws {
    var caught = 0
    for item in try Self.cases(count: 200, seed: 0xF05E_0002) {
      let events = SegmentWalk(segment: item.segment, tiling: item.tiling, psumWidth: item.psumWidth).events()
      guard
        let dropped = events.indices.first(where: { index in
          guard case .access(let transfer) = events[index] else { return false }
          return transfer.operand == .input && transfer.tile > 0 && transfer.entries > 0
        }), case .access(let transfer) = events[dropped]
      else { continue }
      var execution = item.execution
      execution.droppedAccesses = [dropped]
      do {
        _ = try execution.run()
        Issue.record("a dropped input load at event \(dropped) went unnoticed: \(item.tiling)")
      } catch {
        #expect(error.unit == item.segment.name)
        #expect(error.tile.hasPrefix("\(transfer.tile) "), "\(error)")
        // Caught where a layer reads what was not loaded, or, when no layer of the tile reads
        // the input before the walk's next transfer of it, at that transfer.
        #expect(
          (error.operand.hasPrefix("input of") || error.operand.hasPrefix("skip of"))
            && error.message.contains("read but not in the buffer")
            || error.operand == "input" && error.message.contains("never moved it"), "\(error)")
        caught += 1
      }
    }
    #expect(caught >= 40)
  }

  /// Half the model's footprint never fits: the run stops naming the region that overflowed.
  @Test func aBufferTooSmallIsCaught() throws {
    for item in try Self.cases(count: 100, seed: 0xF05E_0003) where item.cost.footprint >= 2 {
      var execution = item.execution
      execution.capacity = item.cost.footprint / 2
      do {
        _ = try execution.run()
        Issue.record("\(item.tiling) ran in \(item.cost.footprint / 2) of its \(item.cost.footprint) entries")
      } catch {
        #expect(error.message.contains("more than the \(item.cost.footprint / 2) it has"), "\(error)")
      }
    }
  }
}
