import Networks

/// Which schedules of a segment the models can count exactly in 64 bits.
///
/// Recompute multiplies a layer's work by its receptive field and by the chunk loops around
/// it, so a segment within `Limits` can have schedules whose counts pass 2^63: huge kernels
/// stacked over huge tensors, or many stages each cut into single channels. Such schedules are
/// not legal. The test is a bound per term of the cost (each operand's bits moved, each layer's
/// MACs with recompute), and a schedule is legal when every term's bound is at most
/// `termLimit`: the totals are sums of at most `2 + 3 x layers` terms, so they stay within
/// `largestCount` (2^62), and so does every intermediate the models form, which is never
/// larger than the term it builds.
///
/// A term's bound is a base that no tiling changes (below) times the counts of the chunk loops
/// of its nest over stages it does not depend on: `LoopNestTraffic` multiplies the operand's
/// region total by every loop's length (channels for a stage it depends on, which the base
/// already holds, the count of chunks for another) before it subtracts what neighbouring
/// steps share; a layer's MACs are repeated once per chunk of the loops outside its stage.
/// More chunks never lower a bound, so the legal choices of one stage's count are a prefix of
/// its counts, and whole families of schedules are ruled out at once (`SegmentSearchRun`).
/// Each term lives in exactly one nest, so whether a schedule is legal is decided nest by nest.
///
/// Bases, from the segment alone: an operand's region total (on each axis, at most every
/// output row times the tensor's extent, and at most 4 x the output rows times the larger of
/// the receptive field of one output row and the stride product: tiles of h rows need
/// (h-1)*S + R rows each, ceil(H/h) tiles), times its channels and 16 bits; streamed weights
/// are the whole weight tensor once per spatial tile; residency is ignored (streamed is the
/// larger).
struct SegmentCountBound: Sendable {
  /// The largest total a legal schedule's counts may reach (bits moved, MACs with recompute).
  static let largestCount = 1 << 62

  /// One term of the cost: its base, the stage whose nest it lives in and the stages it
  /// depends on (-1: none).
  private struct Term {
    var base: Int
    var stage: Int
    var first: Int
    var second: Int
  }

  private let terms: [Term]
  private let stageChannels: [Int]
  /// The most any one term may reach: `limit` over the number of terms.
  let termLimit: Int
  /// Whether every term's base fits: false when no schedule, not even the untiled one with
  /// every stage whole, is legal (the segment is not fused).
  let basesFit: Bool
  /// Whether every schedule is legal: each term fits with every other stage looping over
  /// single channels (no check per schedule needed).
  let everyScheduleFits: Bool
  /// The terms that do not fit so with some chunks: the only ones a schedule's test looks at.
  /// Of terms in the same nest over the same stages (which multiply their bases by the same
  /// counts) only the one with the largest base, which fits whenever it does.
  private let riskyTerms: [Term]
  /// The largest base of those terms (0 when there are none).
  private let largestRiskyBase: Int

  /// `limit` replaces `largestCount` in tests, to make the bound bind on small segments.
  init(segment: FusedSegment, limit: Int = largestCount) {
    let reach = Self.receptiveReach(segment)
    let tiled = segment.tiledShape
    let stages = segment.stageOfTensor
    stageChannels = segment.stageChannels
    let widest = Precision.validBits.upperBound
    /// All regions of tensor `tensor` over all tiles, in pixels.
    func regionTotal(_ tensor: Int) -> Int? {
      let shape = segment.shape(ofTensor: tensor)
      return checkedProduct([
        tiled.height, min(shape.height, 4 * max(reach.rows[tensor], reach.rowStride[tensor])),
        tiled.width, min(shape.width, 4 * max(reach.columns[tensor], reach.columnStride[tensor])),
      ])
    }
    // An overflowing base is out of every limit.
    func base(_ factors: [Int?]) -> Int {
      let known = factors.compactMap { $0 }
      guard known.count == factors.count else { return Int.max }
      return checkedProduct(known) ?? Int.max
    }
    var terms = [Term(base: base([regionTotal(0), segment.input.channels, widest]), stage: 0, first: 0, second: -1)]
    for (index, layer) in segment.layers.enumerated() {
      let stage = stages[index + 1]
      let inputStage = stages[segment.inputTensor(ofLayer: index)]
      let channels = layer.output.channels
      if layer.hasWeights {
        // MACs over the computed regions, repeated per chunk of the loops outside the stage.
        terms.append(
          Term(base: base([regionTotal(index + 1), channels, max(1, layer.macsPerOutput)]), stage: stage, first: stage, second: -1))
        // Streamed weights: window x the channels they depend on is the weight tensor.
        terms.append(
          Term(
            base: base([max(1, layer.weightCount), tiled.height, tiled.width, widest]), stage: stage, first: stage,
            second: layer.kind == .mixing ? inputStage : -1))
      }
      if layer.skip != nil {
        terms.append(Term(base: base([regionTotal(index + 1), channels, widest]), stage: stage, first: stage, second: -1))
      }
    }
    let output = segment.output
    terms.append(Term(base: base([output.channels, output.height, output.width, widest]), stage: -1, first: -1, second: -1))
    self.terms = terms
    let termLimit = limit / (2 + 3 * segment.layers.count)
    self.termLimit = termLimit
    let basesFit = terms.allSatisfy { $0.base <= termLimit }
    self.basesFit = basesFit
    // With every stage a loop over single channels: each term's largest possible bound.
    let channels = segment.stageChannels
    let risky = terms.filter { term in
      let others = channels.indices.filter { $0 != term.first && $0 != term.second }.map { channels[$0] }
      return term.stage >= 0 && !(checkedProduct([term.base] + others).map { $0 <= termLimit } ?? false)
    }
    var largestOfKind: [Term] = []
    for term in risky {
      if let index = largestOfKind.firstIndex(where: { ($0.stage, $0.first, $0.second) == (term.stage, term.first, term.second) }) {
        largestOfKind[index].base = max(largestOfKind[index].base, term.base)
      } else {
        largestOfKind.append(term)
      }
    }
    riskyTerms = largestOfKind
    largestRiskyBase = riskyTerms.map(\.base).max() ?? 0
    everyScheduleFits = basesFit && riskyTerms.isEmpty
  }

  /// Whether a schedule with these chunk sizes (per stage, as in `SegmentTiling.chunks`) is legal.
  /// Only the terms that could pass the limit are tested, without building the nest: the
  /// searches ask this for every choice of chunks they cost.
  func holds(chunks: [Int]) -> Bool {
    guard basesFit else { return false }
    // Each term's bound is its base times the counts of some chunked stages, so at most the
    // largest base times the counts of all of them: when that is within the limit, every term
    // is, and the usual case is decided without finding any nest.
    var largest = largestRiskyBase
    var withinLimit = true
    for stage in stageChannels.indices where chunks[stage] < stageChannels[stage] {
      let chunk = chunks[stage]
      let (next, overflow) = largest.multipliedReportingOverflow(by: (stageChannels[stage] + chunk - 1) / chunk)
      guard !overflow, next <= termLimit else {
        withinLimit = false
        break
      }
      largest = next
    }
    if withinLimit { return true }
    let last = stageChannels.count - 1
    @inline(__always) func whole(_ stage: Int) -> Bool { chunks[stage] >= stageChannels[stage] }
    for term in riskyTerms {
      // The nest of the term's stage: up to the first whole stage from 1 on (or the last), down
      // to just above the whole stage before it; its loops are the stages in it that are not whole.
      var high = term.stage
      while high < last && !(high >= 1 && whole(high)) { high += 1 }
      var low = term.stage
      while low > 0 && !(low - 1 >= 1 && whole(low - 1)) { low -= 1 }
      var product = term.base
      for loop in low...high where !whole(loop) && loop != term.first && loop != term.second {
        let chunk = chunks[loop]
        let (next, overflow) = product.multipliedReportingOverflow(by: (stageChannels[loop] + chunk - 1) / chunk)
        guard !overflow, next <= termLimit else { return false }
        product = next
      }
    }
    return true
  }

  /// The sum of the terms' bounds for these chunk sizes: at least every count the models form
  /// for any schedule with them; nil when a term passes `termLimit` (the schedules are illegal).
  func bound(chunks: [Int]) -> Int? {
    termBounds(chunks: chunks)?.reduce(0, +)
  }

  /// Each term's bound for these chunk sizes, nil when one passes `termLimit`.
  func termBounds(chunks: [Int]) -> [Int]? {
    guard basesFit else { return nil }
    let nest = SegmentNest(chunks: chunks, stageChannels: stageChannels)
    var bounds: [Int] = []
    for term in terms {
      var product = term.base
      if term.stage >= 0 {
        for loop in nest.loops(ofStage: term.stage) where loop != term.first && loop != term.second {
          let (next, overflow) = product.multipliedReportingOverflow(by: nest.count(ofStage: loop))
          guard !overflow, next <= termLimit else { return nil }
          product = next
        }
      }
      bounds.append(product)
    }
    return bounds
  }

  /// Per tensor, the rows (and columns) of it one output row (column) of the segment depends
  /// on, and the product of the strides between it and the output; saturated at `Limits.extent`
  /// times 4 (beyond any tensor's extent, which clips them).
  private static func receptiveReach(
    _ segment: FusedSegment
  ) -> (rows: [Int], columns: [Int], rowStride: [Int], columnStride: [Int]) {
    let cap = 4 * Limits.extent
    var rows = Array(repeating: 1, count: segment.tensorCount)
    var columns = rows
    var rowStride = rows
    var columnStride = rows
    for index in segment.layers.indices.reversed() {
      let layer = segment.layers[index]
      // A final global pool adds each tile of its input in: one of its rows is one input row.
      if layer.kind == .globalAveragePool { continue }
      // The largest over the tensor's readers (the segment input's include its branches).
      let input = segment.inputTensor(ofLayer: index)
      rows[input] = max(rows[input], min(cap, (rows[index + 1] - 1) * layer.stride.height + layer.kernel.height))
      columns[input] = max(columns[input], min(cap, (columns[index + 1] - 1) * layer.stride.width + layer.kernel.width))
      rowStride[input] = max(rowStride[input], min(cap, rowStride[index + 1] * layer.stride.height))
      columnStride[input] = max(columnStride[input], min(cap, columnStride[index + 1] * layer.stride.width))
      // An add's skip source is read over the add's own coordinates (before a branch, by nothing else).
      if case .layer(let source)? = layer.skip {
        rows[source + 1] = max(rows[source + 1], rows[index + 1])
        columns[source + 1] = max(columns[source + 1], columns[index + 1])
        rowStride[source + 1] = max(rowStride[source + 1], rowStride[index + 1])
        columnStride[source + 1] = max(columnStride[source + 1], columnStride[index + 1])
      }
    }
    return (rows, columns, rowStride, columnStride)
  }
}
