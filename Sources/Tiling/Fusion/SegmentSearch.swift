import Networks

/// A fused segment's schedule at one buffer size, with its cost and floor.
public struct SegmentSchedule: Hashable, Sendable, Codable {
  public var segment: FusedSegment
  public var tiling: SegmentTiling
  public var cost: SegmentCost
  /// Compulsory traffic in entries and in bits.
  public var floor: Int
  public var floorBits: Int
  /// Width of a partial sum in buffer entries the schedule was made for (its buffer split and
  /// its walk depend on it).
  public var psumWidth: Int

  /// A schedule of `segment` priced by `model`.
  public init(segment: FusedSegment, tiling: SegmentTiling, cost: SegmentCost, model: SegmentModel) {
    self.segment = segment
    self.tiling = tiling
    self.cost = cost
    self.floor = model.floor.entries
    self.floorBits = model.floor.bits
    self.psumWidth = model.psumWidth
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
  /// `below`: only schedules moving strictly fewer than `cutoff` bits count (nil when none does);
  /// the search starts with it as its incumbent bound, so a segment that cannot beat a known
  /// alternative is cheap to rule out. `maxExtraMACs`: only schedules whose extra MACs (halo
  /// plus chunk recompute) are at most this count (0: recompute-free). `spatialCache`: where
  /// searches of the same segment at other buffer sizes share its spatial tilings.
  public static func best(
    _ segment: FusedSegment, buffer: Int, psumWidth: Int = 1, scan: ScanOption = .allowed, below cutoff: Int? = nil,
    maxExtraMACs: Int? = nil, spatialCache: SegmentSpatialCache? = nil
  ) throws(FusionError) -> SegmentSchedule? {
    try timedBest(
      segment, buffer: buffer, psumWidth: psumWidth, scan: scan, below: cutoff, maxExtraMACs: maxExtraMACs,
      spatialCache: spatialCache
    ).schedule
  }

  /// `best`, with the seconds its spatial tilings took (`SearchTimes.segmentSpatialTilings`).
  static func timedBest(
    _ segment: FusedSegment, buffer: Int, psumWidth: Int, scan: ScanOption = .allowed, below cutoff: Int?,
    maxExtraMACs: Int? = nil, spatialCache: SegmentSpatialCache?
  ) throws(FusionError) -> (schedule: SegmentSchedule?, spatialSeconds: Double) {
    try segment.validate()
    if let reason = Limits.bufferProblem(buffer) { throw FusionError(segment: segment.name, reason: reason) }
    guard (0...Limits.psumWidth).contains(psumWidth) else {
      throw FusionError(segment: segment.name, reason: "psum width \(psumWidth) is outside 0...\(Limits.psumWidth)")
    }
    return timedBest(
      SegmentModel(segment: segment, psumWidth: psumWidth), buffer: buffer, scan: scan, below: cutoff,
      maxExtraMACs: maxExtraMACs, spatialCache: spatialCache)
  }

  /// `best` for a model already built (tests build one with a lower count limit); the segment
  /// and its parameters are valid.
  static func best(
    _ model: SegmentModel, buffer: Int, scan: ScanOption, below cutoff: Int?, maxExtraMACs: Int?,
    spatialCache: SegmentSpatialCache? = nil
  ) -> SegmentSchedule? {
    timedBest(model, buffer: buffer, scan: scan, below: cutoff, maxExtraMACs: maxExtraMACs, spatialCache: spatialCache)
      .schedule
  }

  private static func timedBest(
    _ model: SegmentModel, buffer: Int, scan: ScanOption, below cutoff: Int?, maxExtraMACs: Int?,
    spatialCache: SegmentSpatialCache?
  ) -> (schedule: SegmentSchedule?, spatialSeconds: Double) {
    // Not even the schedules with every stage whole are counted exactly: the segment is not fused.
    guard model.counts.holds(chunks: model.stageChannels) else { return (nil, 0) }
    var run = SegmentSearchRun(
      model: model, buffer: buffer, scan: scan, below: cutoff, maxExtraMACs: maxExtraMACs, spatialCache: spatialCache)
    run.search()
    guard let found = run.best else { return (nil, run.spatialSeconds) }
    return (SegmentSchedule(segment: model.segment, tiling: found.tiling, cost: found.cost, model: model), run.spatialSeconds)
  }

  /// Every legal tiling, every size (not just one per chunk count): the test oracle for small segments.
  public static func bruteForce(
    _ segment: FusedSegment, buffer: Int, psumWidth: Int = 1, scan: ScanOption = .allowed, below cutoff: Int? = nil,
    maxExtraMACs: Int? = nil
  ) throws(FusionError) -> SegmentSchedule? {
    try segment.validate()
    return bruteForce(
      SegmentModel(segment: segment, psumWidth: psumWidth), buffer: buffer, scan: scan, below: cutoff,
      maxExtraMACs: maxExtraMACs)
  }

  /// `bruteForce` for a model already built.
  static func bruteForce(
    _ model: SegmentModel, buffer: Int, scan: ScanOption, below cutoff: Int?, maxExtraMACs: Int?
  ) -> SegmentSchedule? {
    let segment = model.segment
    let stages = model.stageChannels
    let layers = segment.layers
    var best: (tiling: SegmentTiling, cost: SegmentCost)?
    let chunkChoices = stages.reduce([[Int]]([[]])) { partial, channels in
      partial.flatMap { prefix in (1...channels).map { prefix + [$0] } }
    }
    let flagChoices = (0..<(1 << layers.count)).map { mask in layers.indices.map { mask & (1 << $0) != 0 } }
    for rows in 1...segment.tiledShape.height {
      for columns in 1...segment.tiledShape.width {
        for scanned in scan == .allowed ? [false, true] : [false] {
          for chunks in chunkChoices {
            for resident in flagChoices {
              for lines in flagChoices {
                let tiling = SegmentTiling(
                  rows: rows, columns: columns, scan: scanned, chunks: chunks, resident: resident, lineBuffers: lines)
                guard let cost = try? model.cost(of: tiling), cost.footprint <= buffer,
                  cost.bits < cutoff ?? Int.max, cost.extraMACs <= maxExtraMACs ?? Int.max
                else { continue }
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
    return SegmentSchedule(segment: segment, tiling: best.tiling, cost: best.cost, model: model)
  }
}

/// One search: spatial tilings in order of their cheapest possible cost, and for each a
/// depth-first choice of chunk counts and weight residency, pruned by bounds.
struct SegmentSearchRun {
  let model: SegmentModel
  let buffer: Int
  let scan: ScanOption
  /// The extra-MAC cap (Int.max: none).
  let maxExtraMACs: Int
  var best: (tiling: SegmentTiling, cost: SegmentCost)?
  /// What a schedule must beat (strictly): the best's key, or before one is found the
  /// caller's cutoff as (cutoff, Int.min), which exactly the keys with fewer bits are below.
  private(set) var incumbent: (Int, Int)?
  /// Per stage, one chunk size per count of two chunks or more, fewest chunks first.
  let stageSizes: [[Int]]
  /// The seconds `search` spent on its spatial tilings (enumerated or found in the cache, then
  /// kept if they fit).
  private(set) var spatialSeconds = 0.0
  /// Stages that must stay whole (`FusedSegment.wholeStages`).
  let mustBeWhole: Set<Int>
  /// The choices of chunked stages a schedule can make, whatever its spatial tiling.
  let chunkings: [Chunking]
  /// `chunkings`' positions, most chunked stages first (`outermostFirst`).
  let outermostFirst: [Int]
  /// Per layer, false: the residency of a structure's smallest schedule.
  let noneResident: [Bool]
  /// Where the segment's spatial tilings are shared with other searches (nil: enumerated here).
  let spatialCache: SegmentSpatialCache?
  /// What every spatial tiling's evaluator needs of the segment.
  let costConstants: SegmentSearchCost.Constants

  init(
    model: SegmentModel, buffer: Int, scan: ScanOption, below cutoff: Int? = nil, maxExtraMACs: Int? = nil,
    spatialCache: SegmentSpatialCache? = nil
  ) {
    self.model = model
    self.spatialCache = spatialCache
    self.buffer = buffer
    self.scan = scan
    self.maxExtraMACs = maxExtraMACs ?? Int.max
    incumbent = cutoff.map { ($0, Int.min) }
    stageSizes = model.stageChannels.map { channels in Self.chunkSizes(channels).filter { $0 < channels } }
    mustBeWhole = model.segment.wholeStages
    chunkings = Self.chunkings(model: model, stageSizes: stageSizes, mustBeWhole: mustBeWhole)
    outermostFirst = Self.outermostFirst(chunkings)
    noneResident = Array(repeating: false, count: model.segment.layers.count)
    costConstants = SegmentSearchCost.Constants(model: model)
  }

  /// Whether a cost bound (bits, extra MACs) can still lead to an acceptable schedule: below
  /// the incumbent, within the MAC cap. Every bound the search uses is a lower bound on both
  /// the bits and the extra MACs of what it prunes, so failing either test prunes exactly.
  func promising(_ bound: (Int, Int)) -> Bool {
    Limit(below: incumbent, maxExtraMACs: maxExtraMACs).admits(bound)
  }

  /// The objective: bits moved, then extra MACs.
  static func key(_ cost: SegmentCost) -> (Int, Int) { (cost.bits, cost.extraMACs) }

  private var segment: FusedSegment { model.segment }

  typealias Spatial = SegmentSearchSpatial

  mutating func search() {
    let started = ContinuousClock.now
    let candidates = spatialCandidates()
    spatialSeconds = SearchTimes.seconds(since: started)
    // Candidates come cheapest first by their simple bound; each one's structures give a
    // stronger bound, computed only when the candidate comes up, and the candidate goes back
    // into the queue with it. What comes up with a stronger bound is searched; once the
    // least bound in the queue cannot beat the incumbent, nothing can.
    var next = 0
    var ready: [SegmentSearchSpatial] = []  // stronger bounds, dearest first
    while true {
      let take: SegmentSearchSpatial
      if let last = ready.last, next == candidates.count || !(candidates[next].bound < last.bound) {
        take = ready.removeLast()
      } else if next < candidates.count {
        take = candidates[next]
        next += 1
      } else {
        break
      }
      if let incumbent, !(take.bound < incumbent) { break }
      if take.structures.isEmpty {
        var refined = take
        let evaluator = SegmentSearchCost(constants: costConstants, scan: take.tiling.scan, rows: take.rows, columns: take.columns)
        refined.evaluator = evaluator
        guard mayHaveStructure(take.tiling, evaluator: evaluator) else { continue }
        refined.structures = structures(of: take.tiling, rows: take.rows, columns: take.columns, evaluator: evaluator)
        guard let cheapest = refined.structures.first else { continue }
        refined.bound = cheapest.bound
        let position = ready.firstIndex { $0.bound < refined.bound } ?? ready.count
        ready.insert(refined, at: position)
        continue
      }
      searchChunks(take)
    }
  }

  /// Every spatial tiling (sizes, Scan, line buffers) that can fit at all and that no other
  /// dominates (`SegmentSpatialTilings`), cheapest bound first.
  private func spatialCandidates() -> [Spatial] {
    let tilings = spatialCache?.tilings(model: model, scan: scan) ?? SegmentSpatialTilings.undominated(model: model, scan: scan)
    var found: [Spatial] = []
    for spatial in tilings where spatial.frugal <= buffer {
      var tiling = spatial.tiling
      // A weight that cannot be resident even with everything else at its smallest is
      // streamed in every schedule of this spatial tiling: the bound may count it so.
      tiling.resident = segment.layers.map { layer in
        let window = layer.kernel.height * layer.kernel.width
        return !layer.hasWeights || spatial.frugal - window + layer.weightCount <= buffer
      }
      tiling.chunks = model.stageChannels
      // The ideal: every stage whole, every weight resident that can be. Halo MACs depend on
      // the spatial tiling alone and chunk recompute is never negative: its extra MACs are the
      // least of any schedule of this tiling.
      guard spatial.haloMACs <= maxExtraMACs else { continue }
      var bits = spatial.wholeBits
      for (resident, streaming) in zip(tiling.resident, spatial.streamingBits) where !resident { bits += streaming }
      found.append(
        Spatial(tiling: tiling, rows: spatial.rows, columns: spatial.columns, bound: (bits, spatial.haloMACs), structures: []))
    }
    // Stable: equal bounds keep enumeration order, so the result is deterministic. (Indices are
    // sorted rather than the candidates, which are costly to move.)
    let bounds = found.map(\.bound)
    return found.indices.sorted { a, b in bounds[a] != bounds[b] ? bounds[a] < bounds[b] : a < b }.map { found[$0] }
  }

  mutating func consider(_ tiling: SegmentTiling, rows: SegmentRegions, columns: SegmentRegions) {
    guard (try? model.validate(tiling)) != nil, model.counts.holds(chunks: tiling.chunks) else { return }
    let cost = model.cost(of: tiling, rows: rows, columns: columns)
    guard cost.footprint <= buffer, promising(Self.key(cost)) else { return }
    best = (tiling, cost)
    incumbent = Self.key(cost)
  }

  /// The smallest chunk size of each chunk count, fewest chunks first.
  static func chunkSizes(_ channels: Int) -> [Int] {
    (1...channels).compactMap { count in
      let size = (channels + count - 1) / count
      return (channels + size - 1) / size == count ? size : nil
    }
  }
}

/// A spatial tiling the search considers, with its regions, cost bound and features.
struct SegmentSearchSpatial {
  var tiling: SegmentTiling
  var rows: SegmentRegions
  var columns: SegmentRegions
  var bound: (Int, Int)
  /// Empty until the search refines the bound (a refined candidate has at least one).
  var structures: [SegmentSearchRun.Structure]
  var evaluator: SegmentSearchCost? = nil
}
