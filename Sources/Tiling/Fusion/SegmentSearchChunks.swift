/// The chunk and residency half of the segment search, for one spatial tiling.
///
/// Which stages are whole fixes the nests; once it is fixed, every part of the cost (each
/// operand's loads, each layer's MACs, each buffer) belongs to exactly one nest and depends
/// only on that nest's choices (its chunked stages' counts, its layers' residency). So each
/// nest's choices are enumerated on their own, reduced to those not dominated in (bits, extra
/// MACs, footprint), and the nests combined: a sum, where a joint enumeration would be a product.
///
/// Options are plain numbers (what they add to the reference's bits, extra MACs and footprint,
/// and where their choice is recorded), so that the millions the small buffers produce are
/// sorted and combined without copying arrays. Combining nest by nest, a partial combination is
/// dropped when even the cheapest and the smallest option of every remaining nest cannot make it
/// beat the incumbent or fit: nothing it leads to could be chosen.
///
/// Without a cut-off (a coupled objective's segments of up to 3 stages) the first structure
/// has no incumbent, and a long nest has millions of count choices. So each option, once found,
/// is also completed into whole schedules (the nests enumerated before it at their least-bits or
/// their least-footprint option, the others at the reference): one that fits is a schedule, and
/// what cannot beat it is pruned from then on (`Limit`).
extension SegmentSearchRun {
  private struct Option {
    var bits: Int
    var macs: Int
    var footprint: Int
    /// In a nest's options: which of the nest's recorded chunk choices, and the bit mask of its
    /// weight layers (in the nest's order) streamed although the reference has them resident.
    /// In a combination: the combination of the previous nests it extends and the option of
    /// this nest it adds.
    var first: Int
    var second: Int

    /// The counts of both together (where they are recorded is not kept).
    func adding(_ other: Option) -> Option {
      Option(bits: bits + other.bits, macs: macs + other.macs, footprint: footprint + other.footprint, first: -1, second: -1)
    }

    func dominates(_ other: Option) -> Bool {
      bits <= other.bits && macs <= other.macs && footprint <= other.footprint
    }
  }

  /// A nest's options and the chunk choices they point to (each the whole tiling's chunks).
  private struct NestOptions {
    var options: [Option]
    var chunks: [[Int]]
  }

  /// What a structure's options must beat: the incumbent, or (bits, extra MACs + 1) of the best
  /// whole schedule met while enumerating it. Such a schedule is pruned against as a strict
  /// bound only (what it prunes is worse than it), not chosen: the structure's pick among equal
  /// keys stays the one its combination makes, so the plans do not depend on what was met first.
  /// With the incumbent alone it is the search's test (`promising`).
  struct Limit {
    var below: (Int, Int)?
    let maxExtraMACs: Int

    func admits(_ bound: (Int, Int)) -> Bool { bound.1 <= maxExtraMACs && (below.map { bound < $0 } ?? true) }

    /// Tightens the limit with a whole schedule's cost (bits, extra MACs).
    mutating func met(bits: Int, macs: Int) {
      guard macs <= maxExtraMACs else { return }
      let key = (bits, macs + 1)
      if below.map({ key < $0 }) ?? true { below = key }
    }
  }

  mutating func searchChunks(_ spatial: SegmentSearchSpatial) {
    let layers = model.segment.layers
    for structure in spatial.structures {
      if !promising(structure.bound) { continue }
      let reference = structure.reference
      let chunked = structure.chunked
      let nest = SegmentNest(tiling: reference, stageChannels: model.stageChannels)
      let nestCount = nest.tops.count
      func nestIndex(_ stage: Int) -> Int { nest.tops.firstIndex { $0 >= stage } ?? nestCount - 1 }
      var stagesOfNest = Array(repeating: [Int](), count: nestCount)
      for stage in chunked { stagesOfNest[nestIndex(stage)].append(stage) }
      var layersOfNest = Array(repeating: [Int](), count: nestCount)
      for (index, layer) in layers.enumerated() where layer.hasWeights {
        layersOfNest[nestIndex(model.stageOfTensor[index + 1])].append(index)
      }
      let base = spatial.evaluator!.evaluate(reference)
      var limit = Limit(below: incumbent, maxExtraMACs: maxExtraMACs)
      // Nests with fewer chunked stages first: they are cheap, and what they add completes the
      // long nest's options into whole schedules that tighten the limit early.
      let order = (0..<nestCount).sorted { (stagesOfNest[$0].count, $0) < (stagesOfNest[$1].count, $1) }
      var found = [NestOptions?](repeating: nil, count: nestCount)
      // The nests enumerated so far, each at its least-bits option, and each at its
      // least-footprint option: two choices of theirs that a new option completes.
      var leastBits = Option(bits: 0, macs: 0, footprint: 0, first: -1, second: -1)
      var leastFootprint = leastBits
      for index in order {
        let options = nestOptions(
          stages: stagesOfNest[index], layers: layersOfNest[index], reference: reference, smallest: structure.smallest,
          base: base, spatial: spatial, completions: [leastBits, leastFootprint], limit: &limit)
        // A nest with no option that fits leaves the structure without a schedule.
        guard let cheapest = options.options.first,
          let smallest = options.options.min(by: { ($0.footprint, $0.bits, $0.macs) < ($1.footprint, $1.bits, $1.macs) })
        else { break }
        found[index] = options
        leastBits = leastBits.adding(cheapest)
        leastFootprint = leastFootprint.adding(smallest)
      }
      let nests = found.compactMap { $0 }
      if nests.count < nestCount { continue }
      // What the nests from each one on add at the least, each count on its own.
      var restBits = Array(repeating: 0, count: nestCount + 1)
      var restMACs = restBits
      var restFootprint = restBits
      for index in stride(from: nestCount - 1, through: 0, by: -1) {
        let options = nests[index].options
        restBits[index] = restBits[index + 1] + options.reduce(Int.max) { min($0, $1.bits) }
        restMACs[index] = restMACs[index + 1] + options.reduce(Int.max) { min($0, $1.macs) }
        restFootprint[index] = restFootprint[index + 1] + options.reduce(Int.max) { min($0, $1.footprint) }
      }
      var levels: [[Option]] = []
      var combined = [Option(bits: base.bits, macs: base.extraMACs, footprint: base.footprint, first: -1, second: -1)]
      for index in 0..<nestCount {
        var next: [Option] = []
        for (leftIndex, left) in combined.enumerated() {
          for (rightIndex, right) in nests[index].options.enumerated() {
            let merged = Option(
              bits: left.bits + right.bits, macs: left.macs + right.macs, footprint: left.footprint + right.footprint,
              first: leftIndex, second: rightIndex)
            // Every other nest's option adds bits and MACs to the base, never less: an option
            // already over the MAC cap stays over it; and the remaining nests add at least
            // their least bits, MACs and footprint.
            guard merged.macs <= maxExtraMACs,
              limit.admits((merged.bits + restBits[index + 1], merged.macs + restMACs[index + 1])),
              merged.footprint + restFootprint[index + 1] <= buffer
            else { continue }
            next.append(merged)
          }
        }
        levels.append(combined)
        combined = Self.undominated(next)
      }
      for option in combined.sorted(by: { ($0.bits, $0.macs) < ($1.bits, $1.macs) }) where option.footprint <= buffer {
        // Back from the last nest to the first, each nest's choice into the reference.
        var tiling = reference
        var current = option
        for index in stride(from: nestCount - 1, through: 0, by: -1) {
          let choice = nests[index].options[current.second]
          let chunks = nests[index].chunks[choice.first]
          for stage in stagesOfNest[index] { tiling.chunks[stage] = chunks[stage] }
          for (bit, layer) in layersOfNest[index].enumerated() {
            tiling.resident[layer] = reference.resident[layer] && choice.second & (1 << bit) == 0
          }
          current = levels[index][current.first]
        }
        consider(tiling, rows: spatial.rows, columns: spatial.columns)
        break
      }
    }
  }

  /// A nest's choices as differences from the reference: every count of every chunked stage
  /// (one size per count, two chunks or more) and every residency of its layers' weights,
  /// except those that cannot matter (below). Each option kept is also completed by each of
  /// `completions` (what other nests' options add) into a whole schedule that tightens `limit`
  /// when it fits.
  private func nestOptions(
    stages: [Int], layers: [Int], reference: SegmentTiling, smallest: SegmentTiling, base: (bits: Int, extraMACs: Int, footprint: Int),
    spatial: SegmentSearchSpatial, completions: [Option], limit: inout Limit
  ) -> NestOptions {
    var options: [Option] = []
    var compactAt = 1 << 16
    var chunkChoices: [[Int]] = []
    let evaluator = spatial.evaluator!
    // The choice being built: the reference with the counts chosen so far. Its residency stays
    // the reference's (an option's streamed weights are a mask), so copies of it need none set.
    var tiling = reference
    var least = smallest
    func visit(_ position: Int) {
      if position < stages.count {
        let stage = stages[position]
        let sizes = stageSizes[stage]
        let deeper = stages[(position + 1)...]
        // Counts whose smallest completion (deeper stages at their least legal sizes, every
        // weight streamed, and the other nests so too) does not fit fit in no schedule: those
        // below the first that fits.
        let first = firstFitting(least, stage: stage, evaluator: evaluator)
        // Whatever this stage's count, each deeper stage needs at least as many chunks as it
        // needs with this stage at its least legal size, and the weights kept resident fit
        // beside that: a bound that grows with this count.
        var floorTiling = tiling
        let loosest = least
        for next in deeper {
          let index = firstFitting(loosest, stage: next, evaluator: evaluator)
          floorTiling.chunks[next] = index < stageSizes[next].count ? stageSizes[next][index] : 1
        }
        var bounding = tiling
        for size in sizes[first...] {
          tiling.chunks[stage] = size
          least.chunks[stage] = size
          floorTiling.chunks[stage] = size
          // A lower bound on bits and extra MACs for all that follows, and for every larger
          // count here: more chunks only cost more.
          // (And if those counts are not legal, neither is anything that follows.)
          guard model.counts.holds(chunks: floorTiling.chunks),
            residencyAdmits(floorTiling, least: loosest, evaluator: evaluator, limit: limit)
          else { break }
          // For this count alone: each deeper stage at the fewest chunks that fit with the
          // others at chunks of one, and the weights that fit resident beside that.
          bounding.chunks[stage] = size
          var feasible = true
          for next in deeper {
            let index = firstFitting(least, stage: next, evaluator: evaluator)
            guard index < stageSizes[next].count else {
              feasible = false
              break
            }
            bounding.chunks[next] = stageSizes[next][index]
          }
          guard feasible, model.counts.holds(chunks: bounding.chunks),
            residencyAdmits(bounding, least: least, evaluator: evaluator, limit: limit)
          else { continue }
          visit(position + 1)
          // If the cheapest completion (deeper stages in two chunks, the weights as in the
          // reference) fits with the other nests at their reference (their largest footprint),
          // every schedule with more chunks here is matched by the same schedule with this
          // count: no more bits or MACs, and it fits, its footprint being at most that
          // completion's. So no larger count is needed. (That completion is `tiling` itself:
          // the deeper stages are back at the reference.)
          if evaluator.footprint(tiling) <= buffer { break }
        }
        tiling.chunks[stage] = reference.chunks[stage]
        least.chunks[stage] = smallest.chunks[stage]
        return
      }
      // A weight's residency changes only its own loads and its own buffer: cost the nest with
      // every weight that may be resident resident, then each one streamed alone (its own
      // terms swapped), and add up.
      // The other nests are at the reference, whose counts the structure's bound found legal:
      // this tests this nest's own terms, so any combination of the options stays legal.
      guard model.counts.holds(chunks: tiling.chunks) else { return }
      let resident = evaluator.evaluate(tiling)
      let switchable = layers.filter { reference.resident[$0] }
      let streaming = switchable.map { layer -> (bits: Int, extraMACs: Int, footprint: Int) in
        let bits =
          resident.bits - evaluator.weightBits(tiling, layer: layer, resident: true)
          + evaluator.weightBits(tiling, layer: layer, resident: false)
        let footprint =
          resident.footprint - evaluator.weightFootprint(tiling, layer: layer, resident: true)
          + evaluator.weightFootprint(tiling, layer: layer, resident: false)
        return (bits, resident.extraMACs, footprint)
      }
      // The least footprint of any schedule with this nest's chunks, whatever the other nests
      // do (at their smallest) and with every weight of this nest streamed; a resident weight
      // adds what it adds here.
      let leastFootprint = evaluator.footprint(least)
      let allStreamed = zip(streaming, switchable).reduce(resident.footprint) { $0 + $1.0.footprint - resident.footprint }
      let bitOfLayer = switchable.map { layer in layers.firstIndex(of: layer) ?? 0 }
      var recorded = false
      for mask in 0..<(1 << switchable.count) {
        var bits = resident.bits
        var footprint = resident.footprint
        var streamed = 0
        for bit in switchable.indices where mask & (1 << bit) != 0 {
          bits += streaming[bit].bits - resident.bits
          footprint += streaming[bit].footprint - resident.footprint
          streamed |= 1 << bitOfLayer[bit]
        }
        // Other nests add nothing below their reference: an option as dear as the best is useless.
        if !limit.admits((bits, resident.extraMACs)) { continue }
        // Nor one that fits with no choice of the other nests.
        if leastFootprint + footprint - allStreamed > buffer { continue }
        if !recorded {
          chunkChoices.append(tiling.chunks)
          recorded = true
        }
        options.append(
          Option(
            bits: bits - base.bits, macs: resident.extraMACs - base.extraMACs, footprint: footprint - base.footprint,
            first: chunkChoices.count - 1, second: streamed))
        for other in completions where footprint + other.footprint <= buffer {
          limit.met(bits: bits + other.bits, macs: resident.extraMACs + other.macs)
        }
        // Dominated options go as they pile up, so that memory stays with the undominated
        // ones: keeping the first of equals, this keeps exactly what one reduction at the end
        // would (dominance is transitive, and the kept ones stay ahead of what comes later).
        if options.count >= compactAt {
          options = Self.undominated(options)
          compactAt = max(compactAt, 2 * options.count)
        }
      }
    }
    visit(0)
    return NestOptions(options: Self.undominated(options), chunks: chunkChoices)
  }

  /// Options no other option matches or beats on all three counts (the first of equals kept).
  private static func undominated(_ options: [Option]) -> [Option] {
    let ordered = options.sorted { ($0.bits, $0.macs, $0.footprint) < ($1.bits, $1.macs, $1.footprint) }
    var kept: [Option] = []
    for option in ordered where !kept.contains(where: { $0.dominates(option) }) { kept.append(option) }
    return kept
  }
}
