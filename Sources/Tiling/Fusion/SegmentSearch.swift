/// A fused segment's schedule at one buffer size, with its cost and floor.
public struct SegmentSchedule: Hashable, Sendable {
  public var segment: FusedSegment
  public var tiling: SegmentTiling
  public var cost: SegmentCost
  /// Compulsory traffic in entries and in bits.
  public var floor: Int
  public var floorBits: Int

  public init(segment: FusedSegment, tiling: SegmentTiling, cost: SegmentCost, floor: (entries: Int, bits: Int)) {
    self.segment = segment
    self.tiling = tiling
    self.cost = cost
    self.floor = floor.entries
    self.floorBits = floor.bits
  }

  public var ratioToFloor: Double { floor > 0 ? Double(cost.traffic.total) / Double(floor) : 1 }
}

/// The best schedule of a fused segment at a buffer size: least bits moved, then fewest extra
/// MACs. Exact over the schedule space of docs/fusion-model.md (tests: brute force).
///
/// Why the search may look at one chunk size per chunk count: with forward chunk loops, every
/// operand's traffic and every recomputation depend on a stage's chunk size only through its
/// number of chunks (a chunk loop sweeps all channels each time, and disjoint chunks share
/// nothing at a restart), while the footprint grows with the size; so the smallest size with a
/// given count is best. Traffic and extra MACs never decrease, and the footprint never grows,
/// when a stage gets more chunks or a weight stops being resident; the search prunes on that:
/// a partial choice with the rest at their cheapest (whole stages, resident weights) bounds
/// the cost from below, and with the rest at their smallest it bounds the footprint.
public enum SegmentSearch {
  public static func best(
    _ segment: FusedSegment, buffer: Int, psumWidth: Int = 1, scan: ScanOption = .allowed
  ) throws(FusionError) -> SegmentSchedule? {
    try segment.validate()
    let model = SegmentModel(segment: segment, psumWidth: psumWidth)
    var run = SegmentSearchRun(model: model, buffer: buffer, scan: scan)
    run.search()
    guard let found = run.best else { return nil }
    return SegmentSchedule(segment: segment, tiling: found.tiling, cost: found.cost, floor: model.floor)
  }

  /// Every legal tiling, every size (not just one per chunk count): the test oracle for small segments.
  public static func bruteForce(
    _ segment: FusedSegment, buffer: Int, psumWidth: Int = 1, scan: ScanOption = .allowed
  ) throws(FusionError) -> SegmentSchedule? {
    try segment.validate()
    let model = SegmentModel(segment: segment, psumWidth: psumWidth)
    let stages = model.stageChannels
    let layers = segment.layers
    var best: (tiling: SegmentTiling, cost: SegmentCost)?
    let chunkChoices = stages.reduce([[Int]]([[]])) { partial, channels in
      partial.flatMap { prefix in (1...channels).map { prefix + [$0] } }
    }
    let flagChoices = (0..<(1 << layers.count)).map { mask in layers.indices.map { mask & (1 << $0) != 0 } }
    for rows in 1...segment.output.height {
      for columns in 1...segment.output.width {
        for scanned in scan == .allowed ? [false, true] : [false] {
          for chunks in chunkChoices {
            for resident in flagChoices {
              for lines in flagChoices {
                let tiling = SegmentTiling(
                  rows: rows, columns: columns, scan: scanned, chunks: chunks, resident: resident, lineBuffers: lines)
                guard let cost = try? model.cost(of: tiling), cost.footprint <= buffer else { continue }
                if best.map({ SegmentSearchRun.key(cost) < SegmentSearchRun.key($0.cost) }) ?? true {
                  best = (tiling, cost)
                }
              }
            }
          }
        }
      }
    }
    guard let best else { return nil }
    return SegmentSchedule(segment: segment, tiling: best.tiling, cost: best.cost, floor: model.floor)
  }
}

/// One search: spatial tilings in order of their cheapest possible cost, and for each a
/// depth-first choice of chunk counts and weight residency, pruned by bounds.
struct SegmentSearchRun {
  let model: SegmentModel
  let buffer: Int
  let scan: ScanOption
  private(set) var best: (tiling: SegmentTiling, cost: SegmentCost)?
  private var rowRegions: [[Bool]: [Int: SegmentRegions]] = [:]
  private var columnRegions: [Int: SegmentRegions] = [:]

  init(model: SegmentModel, buffer: Int, scan: ScanOption) {
    self.model = model
    self.buffer = buffer
    self.scan = scan
  }

  /// The objective: bits moved, then extra MACs.
  static func key(_ cost: SegmentCost) -> (Int, Int) { (cost.bits, cost.extraMACs) }

  private var segment: FusedSegment { model.segment }

  /// Layers whose input may be kept in a line buffer: on-chip inputs with overlapping windows.
  private var lineBufferCandidates: [Int] {
    let skipSources = segment.skipSources
    return segment.layers.indices.filter { index in
      let layer = segment.layers[index]
      return index >= 1 && layer.kind != .add && layer.kernel.height > layer.stride.height
        && !skipSources.contains(index - 1)
    }
  }

  private struct Spatial {
    var tiling: SegmentTiling
    var rows: SegmentRegions
    var columns: SegmentRegions
    var bound: (Int, Int)
  }

  mutating func search() {
    for spatial in spatialCandidates() {
      if let best, !(spatial.bound < Self.key(best.cost)) { break }
      var tiling = spatial.tiling
      chooseResidency(layer: 0, tiling: &tiling, rows: spatial.rows, columns: spatial.columns)
    }
  }

  /// Every spatial tiling (sizes, Scan, line buffers) that can fit at all, cheapest bound first.
  private mutating func spatialCandidates() -> [Spatial] {
    let height = segment.output.height
    let width = segment.output.width
    let layerCount = segment.layers.count
    let candidates = lineBufferCandidates
    var lineChoices: [[Bool]] = []
    for mask in 0..<(1 << candidates.count) {
      var flags = Array(repeating: false, count: layerCount)
      for (bit, layer) in candidates.enumerated() where mask & (1 << bit) != 0 { flags[layer] = true }
      lineChoices.append(flags)
    }
    var found: [Spatial] = []
    for lines in lineChoices {
      let usesLines = lines.contains(true)
      for rows in 1...height {
        let rowRegion = regions(rows: rows, lines: lines)
        for columns in usesLines ? width...width : 1...width {
          let columnRegion = regions(columns: columns)
          for scanned in scan == .allowed && columns < width ? [false, true] : [false] {
            var tiling = SegmentTiling(
              rows: rows, columns: columns, scan: scanned, chunks: model.stageChannels,
              resident: Array(repeating: true, count: layerCount), lineBuffers: lines)
            let ideal = model.cost(of: tiling, rows: rowRegion, columns: columnRegion)
            tiling.chunks = Array(repeating: 1, count: model.stageChannels.count)
            tiling.resident = Array(repeating: false, count: layerCount)
            let frugal = model.cost(of: tiling, rows: rowRegion, columns: columnRegion, inputSkipsFree: true)
            guard frugal.footprint <= buffer else { continue }
            tiling.chunks = model.stageChannels
            tiling.resident = Array(repeating: true, count: layerCount)
            found.append(Spatial(tiling: tiling, rows: rowRegion, columns: columnRegion, bound: Self.key(ideal)))
          }
        }
      }
    }
    // Stable: equal bounds keep enumeration order, so the result is deterministic.
    return found.enumerated().sorted { a, b in
      a.element.bound != b.element.bound ? a.element.bound < b.element.bound : a.offset < b.offset
    }.map(\.element)
  }

  private mutating func regions(rows: Int, lines: [Bool]) -> SegmentRegions {
    if let cached = rowRegions[lines]?[rows] { return cached }
    let computed = SegmentRegions.rows(segment, tileSize: rows, lineBuffers: lines)
    rowRegions[lines, default: [:]][rows] = computed
    return computed
  }

  private mutating func regions(columns: Int) -> SegmentRegions {
    if let cached = columnRegions[columns] { return cached }
    let computed = SegmentRegions.columns(segment, tileSize: columns)
    columnRegions[columns] = computed
    return computed
  }

  /// Chooses each weight's residency (resident first: it never costs more), then the chunks.
  private mutating func chooseResidency(layer: Int, tiling: inout SegmentTiling, rows: SegmentRegions, columns: SegmentRegions) {
    let layers = segment.layers
    guard layer < layers.count else { return choose(stage: 0, tiling: &tiling, rows: rows, columns: columns) }
    guard layers[layer].kind != .add else {
      return chooseResidency(layer: layer + 1, tiling: &tiling, rows: rows, columns: columns)
    }
    for resident in [true, false] {
      tiling.resident[layer] = resident
      if admissible(tiling, firstOpenStage: 0, firstOpenLayer: layer + 1, rows: rows, columns: columns) {
        chooseResidency(layer: layer + 1, tiling: &tiling, rows: rows, columns: columns)
      }
    }
    tiling.resident[layer] = true
  }

  /// Chooses the chunk count of `stage` (one size per count: the smallest), fewest chunks
  /// first; stages not chosen yet sit at their bound values. The last stage takes the fewest
  /// chunks that fit: more cannot cost less, nor make an illegal tiling legal.
  private mutating func choose(stage: Int, tiling: inout SegmentTiling, rows: SegmentRegions, columns: SegmentRegions) {
    let channels = model.stageChannels[stage]
    let sizes = Self.chunkSizes(channels)
    defer { tiling.chunks[stage] = channels }
    if stage == model.stageChannels.count - 1 {
      var low = 0
      var high = sizes.count - 1
      tiling.chunks[stage] = sizes[high]
      guard model.cost(of: tiling, rows: rows, columns: columns).footprint <= buffer else { return }
      while low < high {
        let middle = (low + high) / 2
        tiling.chunks[stage] = sizes[middle]
        if model.cost(of: tiling, rows: rows, columns: columns).footprint <= buffer { high = middle } else { low = middle + 1 }
      }
      tiling.chunks[stage] = sizes[low]
      return consider(tiling, rows: rows, columns: columns)
    }
    for size in sizes {
      tiling.chunks[stage] = size
      if let best, !(lowerBound(tiling, firstOpenStage: stage + 1, firstOpenLayer: tiling.resident.count, rows: rows, columns: columns) < Self.key(best.cost)) {
        break
      }
      if admissible(tiling, firstOpenStage: stage + 1, firstOpenLayer: tiling.resident.count, rows: rows, columns: columns) {
        choose(stage: stage + 1, tiling: &tiling, rows: rows, columns: columns)
      }
    }
  }

  /// The smallest chunk size of each chunk count, fewest chunks first.
  static func chunkSizes(_ channels: Int) -> [Int] {
    (1...channels).compactMap { count in
      let size = (channels + count - 1) / count
      return (channels + size - 1) / size == count ? size : nil
    }
  }

  /// Whether a partial choice may still lead to a better schedule: its cost bound beats the best
  /// so far and its smallest completion fits.
  private func admissible(
    _ tiling: SegmentTiling, firstOpenStage: Int, firstOpenLayer: Int, rows: SegmentRegions, columns: SegmentRegions
  ) -> Bool {
    if let best, !(lowerBound(tiling, firstOpenStage: firstOpenStage, firstOpenLayer: firstOpenLayer, rows: rows, columns: columns) < Self.key(best.cost)) {
      return false
    }
    var smallest = tiling
    for stage in firstOpenStage..<smallest.chunks.count { smallest.chunks[stage] = 1 }
    for layer in firstOpenLayer..<smallest.resident.count { smallest.resident[layer] = false }
    return model.cost(of: smallest, rows: rows, columns: columns, inputSkipsFree: firstOpenStage <= 0).footprint <= buffer
  }

  private func lowerBound(
    _ tiling: SegmentTiling, firstOpenStage: Int, firstOpenLayer: Int, rows: SegmentRegions, columns: SegmentRegions
  ) -> (Int, Int) {
    var cheapest = tiling
    for stage in firstOpenStage..<cheapest.chunks.count { cheapest.chunks[stage] = model.stageChannels[stage] }
    for layer in firstOpenLayer..<cheapest.resident.count { cheapest.resident[layer] = true }
    return Self.key(model.cost(of: cheapest, rows: rows, columns: columns))
  }

  private mutating func consider(_ tiling: SegmentTiling, rows: SegmentRegions, columns: SegmentRegions) {
    guard (try? model.validate(tiling)) != nil else { return }
    let cost = model.cost(of: tiling, rows: rows, columns: columns)
    guard cost.footprint <= buffer else { return }
    if best.map({ Self.key(cost) < Self.key($0.cost) }) ?? true { best = (tiling, cost) }
  }
}
