import Networks
import Testing

@testable import Tiling

/// `SearchMemo` keys searches by content: copies of a repeated layer or block share one search,
/// and each gets back its own names with exactly what a search of its own would find.
@Suite struct SearchMemoTests {
  static let yaml = """
    input: [8, 12, 12]
    blocks:
      block:
        layers:
          - {name: expand, op: conv, out: 16, kernel: 1}
          - {name: dw, op: depthwise, kernel: 3, padding: 1}
          - {name: project, op: conv, out: 8, kernel: 1}
          - {name: add, op: add, inputs: [input, project]}
    layers:
      - {block: block, repeat: 3}
      - {op: conv, out: 8, kernel: 3, padding: 1, repeat: 3}
    """

  @Test(arguments: ScanOption.allCases)
  func repeatedLayersGetTheirOwnSearchesResults(scan: ScanOption) throws {
    let analysis = try NetworkFormat.yaml.parse(Self.yaml, file: "memo.yaml").analyze()
    let plan = try LayerPlanner.plan(analysis, buffer: 2048, scan: scan)
    for (schedule, layer) in zip(plan.layers, analysis.layers) {
      let own = try #require(
        try LayerPlanner.schedules(for: layer, in: analysis, buffer: 2048, scan: scan).first)
      #expect(schedule == own, "\(layer.name)")
    }
  }

  /// Memos of one network sharing a `LayerOptimaCache`, planned from the largest buffer down as
  /// a sweep does (16K down to 1K), give every layer exactly what its own search at that size finds (floor and
  /// tie-breaks included), though most of those searches are skipped.
  /// ResNet-50-CP at 16x16 has adds of 512x2x2 and 2048x1x1, equal in counts: each keeps the
  /// buffer split of its own shapes.
  @Test(arguments: [("mobilenetv2.yaml", 16), ("resnet50-cp.yaml", 16), ("vgg16-cifar10.yaml", 32)], ScanOption.allCases)
  func layerOptimaSharedAcrossBufferSizesAreEachSizesOwn(network: (file: String, side: Int), scan: ScanOption) throws {
    let analysis = try FusedGreedyPlannerTests.analysis(network.file, side: network.side)
    let cache = LayerOptimaCache()
    var previous: NetworkPlan?
    var reused = 0
    for buffer in [16, 8, 4, 2, 1].map({ $0 * 1024 }) {
      let memo = SearchMemo(buffer: buffer, layerOptima: cache)
      let plan = try LayerPlanner.plan(analysis, buffer: buffer, scan: scan, memo: memo)
      for (index, (schedule, layer)) in zip(plan.layers, analysis.layers).enumerated() {
        let own = try #require(try LayerPlanner.schedules(for: layer, in: analysis, buffer: buffer, scan: scan).first)
        #expect(schedule == own, "\(layer.name) at \(buffer)")
        if let larger = previous?.layers[index], larger.footprint <= buffer, layer.gemm != nil { reused += 1 }
      }
      previous = plan
    }
    #expect(reused >= 5, "\(reused) searches served by a larger size")
  }

  @Test func repeatedSegmentsGetTheirOwnNames() throws {
    let analysis = try NetworkFormat.yaml.parse(Self.yaml, file: "memo.yaml").analyze()
    let chains = FusionChains(analysis)
    let memo = SearchMemo(buffer: 2048)
    for (layers, segment) in chains.legalSegments(maxLength: 4, maxStages: 3) {
      let direct = try SegmentSearch.best(segment, buffer: 2048, scan: .allowed)
      let remembered = try memo.best(segment, layers: layers)
      #expect(remembered == direct, "\(segment.name)")
    }
  }
}
