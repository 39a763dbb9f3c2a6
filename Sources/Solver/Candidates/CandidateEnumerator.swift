import Networks
import Tiling

/// What the candidate enumeration tries.
package struct CandidateOptions: Hashable, Sendable {
  /// `pruneLosingAbove` that leaves out every losing segment.
  package static let everyLosing = 0
  /// `pruneLosingAbove` for a coupled objective: every segment of up to 3 stages (the longest
  /// fused before segments spanned blocks) searched in full, longer ones only where they save bits.
  package static let forCoupledObjectives = 3
  /// Longest fused chain, in layers, and most channel stages in one (docs/fusion-model.md).
  package var maxLength: Int
  package var maxStages: Int
  package var psumWidth: Int
  /// Leave out a segment of more than this many channel stages when it cannot move fewer bits
  /// than some cover of the same layers by shorter candidates (it is searched with that cover's
  /// bits as a cut-off); segments of at most this many stages are searched in full.
  ///
  /// 0 (`everyLosing`) is exact for the least-bits (energy) objective without coupling
  /// constraints, which can always use the cover instead. A segment cap, a latency budget or
  /// another objective may need a segment that loses on bits; `Int.max` keeps every one, and
  /// `forCoupledObjectives` every one of up to 3 stages (their full search takes milliseconds,
  /// a longer one's grows steeply with its stages: docs/fusion-model.md, "Coupled objectives").
  package var pruneLosingAbove: Int
  /// Besides each segment's least-bits schedule, its least-bits schedule that recomputes
  /// nothing (when that differs): the other end of the (bits, MACs) trade-off, for a latency budget.
  package var recomputeFree: Bool

  package init(
    maxLength: Int = SegmentLimits.defaultLength, maxStages: Int = SegmentLimits.defaultStages, psumWidth: Int = 1,
    pruneLosingAbove: Int = CandidateOptions.everyLosing, recomputeFree: Bool = false
  ) {
    self.maxLength = maxLength
    self.maxStages = maxStages
    self.psumWidth = psumWidth
    self.pruneLosingAbove = pruneLosingAbove
    self.recomputeFree = recomputeFree
  }
}

/// Finds the candidates of a network at one buffer size: each layer alone (its least-bits
/// schedule, Scan allowed, which is at least as good as row-major) and each legal fused chain
/// within the limits (its least-bits schedule, fewest extra MACs among equals; and optionally
/// its recompute-free one). A single layer's schedules differ only in bits, so one is its whole
/// Pareto set; footprint is not an axis because every candidate already fits the buffer.
package enum CandidateEnumerator {
  package static func candidates(
    _ analysis: NetworkAnalysis, buffer: Int, options: CandidateOptions = .init(), memo: SearchMemo? = nil,
    progress: (_ searched: Int, _ total: Int) -> Void = { _, _ in }
  ) throws(PlanningError) -> CandidateSet {
    let memo = memo ?? SearchMemo(buffer: buffer, psumWidth: options.psumWidth)
    let layerCount = analysis.layers.count
    var found: [PlanCandidate] = []
    // cover[i][length]: least bits of covering layers i..<(i + length) with the candidates found so far.
    let longest = max(1, options.maxLength)
    var cover = Array(repeating: Array(repeating: Double.infinity, count: longest + 1), count: layerCount)
    for (index, layer) in analysis.layers.enumerated() {
      let best = try memo.alone(index, in: analysis)
      let candidate = PlanCandidate(
        layers: index..<(index + 1), unit: .layer(best), macs: layer.macs, in: analysis, psumWidth: options.psumWidth)
      found.append(candidate)
      cover[index][1] = Double(candidate.figures.bits)
    }
    let chains = FusionChains(analysis)
    let segments = Dictionary(
      uniqueKeysWithValues: chains.legalSegments(maxLength: options.maxLength, maxStages: options.maxStages).map {
        ($0.layers, $0.segment)
      })
    var searched = 0
    // Shortest first: the covers of a range's parts are known when it is searched.
    for length in stride(from: 2, through: longest, by: 1) {
      for start in 0..<max(0, layerCount - length + 1) {
        let range = start..<(start + length)
        var shorter = Double.infinity
        for split in 1..<length { shorter = min(shorter, cover[start][split] + cover[start + split][length - split]) }
        cover[start][length] = shorter
        guard let segment = segments[range] else { continue }
        let prunable = segment.stageChannels.count > options.pruneLosingAbove
        let cutoff = prunable && shorter.isFinite ? Int(shorter.rounded(.up)) : nil
        for schedule in try search(segment, layers: range, memo: memo, options: options, cutoff: cutoff) {
          let candidate = PlanCandidate(
            layers: range, unit: .segment(schedule), macs: schedule.cost.macs, in: analysis, psumWidth: options.psumWidth)
          found.append(candidate)
          cover[start][length] = min(cover[start][length], Double(candidate.figures.bits))
        }
        searched += 1
        progress(searched, segments.count)
      }
    }
    return CandidateSet(
      analysis: analysis, buffer: buffer, psumWidth: options.psumWidth, candidates: found,
      prunedAbove: options.pruneLosingAbove)
  }

  /// The segment's least-bits schedule under the cut-off, and its recompute-free one when asked
  /// for and different.
  private static func search(
    _ segment: FusedSegment, layers: Range<Int>, memo: SearchMemo, options: CandidateOptions, cutoff: Int?
  ) throws(PlanningError) -> [SegmentSchedule] {
    do {
      guard let best = try memo.best(segment, layers: layers, below: cutoff) else { return [] }
      guard options.recomputeFree, best.cost.extraMACs > 0,
        let frugal = try SegmentSearch.best(
          segment, buffer: memo.buffer, psumWidth: options.psumWidth, scan: .allowed, below: cutoff, maxExtraMACs: 0,
          spatialCache: memo.spatialCache)
      else { return [best] }
      return [best, frugal]
    } catch {
      throw PlanningError(layer: segment.name, buffer: memo.buffer, reason: "\(error)")
    }
  }
}
