import Networks
import Testing

@testable import Tiling

/// `FusedSegment.countBound`: segments within `Limits` whose schedules could still count past
/// 64 bits are not fused, and no real network loses a segment to it.
@Suite struct SegmentCountBoundTests {
  static func segments(_ yaml: String, maxLength: Int = 8) throws -> [FusedSegment] {
    let analysis = try NetworkFormat.yaml.parse(yaml, file: "bound.yaml").analyze()
    return FusionChains(analysis).legalSegments(maxLength: maxLength, maxStages: .max).map(\.segment)
  }

  /// Every segment the sweep considers (up to 8 layers, 3 stages) of every bundled network, at
  /// its own resolution and at 1024x1024 and 4096x4096 inputs, has a bound (and so is searched
  /// as before).
  @Test(arguments: LayerWorkloadTests.bundled)
  func bundledSegmentsAreAllBounded(file: String) throws {
    var network = try NetworkFormat.load(path: packageRoot.appendingPathComponent("nets/\(file)").path)
    for side in [nil, 1024, 4096] {
      if let side {
        for index in network.inputs.indices {
          network.inputs[index].shape.height = side
          network.inputs[index].shape.width = side
        }
      }
      let chains = FusionChains(try network.analyze())
      for (_, segment) in chains.legalSegments(maxLength: 8, maxStages: 3) {
        #expect(segment.countBound != nil, "\(file) at \(side.map(String.init) ?? "its size"): \(segment.name)")
      }
    }
  }

  /// The bound holds: on small random segments it is at least every count of every schedule
  /// the exhaustive search visits (its bits and MACs).
  @Test func theBoundCoversTheModelsCounts() throws {
    let yaml = """
      input: [3, 9, 7]
      layers:
        - {op: conv, out: 4, kernel: 1}
        - {op: depthwise, kernel: 3, stride: 2, padding: 1}
        - {op: conv, out: 2, kernel: 1}
        - {op: depthwise, kernel: [3, 1], padding: [1, 0]}
      """
    for segment in try Self.segments(yaml) where segment.layers.count >= 2 {
      let bound = try #require(segment.countBound)
      let model = SegmentModel(segment: segment, psumWidth: 1)
      for rows in 1...segment.output.height {
        for columns in 1...segment.output.width {
          let tiling = SegmentTiling(
            rows: rows, columns: columns, scan: false, chunks: segment.stageChannels.map { _ in 1 },
            resident: segment.layers.map { _ in false }, lineBuffers: segment.layers.map { _ in false })
          guard let cost = try? model.cost(of: tiling) else { continue }
          #expect(cost.bits <= bound)
          #expect(cost.macs <= bound)
        }
      }
    }
  }

  /// Two 2047x2047 depthwise layers over a 4096x4096 image are within every limit, but a
  /// schedule with 1x1 tiles would recompute about 2^68 MACs: not fused, not a trap.
  @Test func hugeStackedKernelsAreNotFused() throws {
    let yaml = """
      input: [1, 4096, 4096]
      layers:
        - {op: depthwise, kernel: 1447, padding: 723}
        - {op: depthwise, kernel: 1447, padding: 723}
      """
    let segment = try #require(try Self.segments(yaml).first { $0.layers.count == 2 })
    #expect(segment.countBound == nil)
    #expect(try SegmentSearch.best(segment, buffer: Limits.bufferEntries) == nil)
    let tiling = SegmentTiling(
      rows: 1, columns: 1, scan: false, chunks: [1], resident: [true, true], lineBuffers: [false, false])
    #expect(throws: FusionError.self) { try SegmentModel(segment: segment, psumWidth: 1).cost(of: tiling) }
  }
}
