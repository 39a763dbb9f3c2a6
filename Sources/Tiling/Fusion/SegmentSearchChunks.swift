/// The chunk and residency half of the segment search, for one spatial tiling.
///
/// Which stages are whole fixes the nests; once it is fixed, every part of the cost (each
/// operand's loads, each layer's MACs, each buffer) belongs to exactly one nest and depends
/// only on that nest's choices (its chunked stages' counts, its layers' residency). So each
/// nest's choices are enumerated on their own, reduced to those not dominated in (bits, extra
/// MACs, footprint), and the nests combined: a sum, where a joint enumeration would be a product.
extension SegmentSearchRun {
  private struct Option {
    var bits: Int
    var macs: Int
    var footprint: Int
    var chunks: [Int: Int]
    var resident: [Int: Bool]

    func dominates(_ other: Option) -> Bool {
      bits <= other.bits && macs <= other.macs && footprint <= other.footprint
    }
  }

  mutating func searchChunks(_ spatial: SegmentSearchSpatial) {
    let stages = model.stageChannels
    let layers = model.segment.layers
    let mustBeWhole = Set(
      layers.compactMap { layer -> Int? in
        if case .layer(let source)? = layer.skip { return model.stageOfTensor[source + 1] } else { return nil }
      })
    for mask in 0..<(1 << stages.count) {
      let chunked = stages.indices.filter { mask & (1 << $0) != 0 }
      guard chunked.allSatisfy({ stages[$0] >= 2 && !mustBeWhole.contains($0) }) else { continue }
      var reference = spatial.tiling
      var smallest = reference
      for stage in chunked { smallest.chunks[stage] = 1 }
      smallest.resident = smallest.resident.map { _ in false }
      guard model.cost(of: smallest, rows: spatial.rows, columns: spatial.columns).footprint <= buffer else { continue }
      for stage in chunked { reference.chunks[stage] = (stages[stage] + 1) / 2 }
      let base = model.cost(of: reference, rows: spatial.rows, columns: spatial.columns)
      // Two chunks and resident weights are this structure's cheapest: a bound for all of it.
      // (MACs too: more chunks only add recompute; residency changes no MAC.)
      if !promising(Self.key(base)) { continue }
      let nest = SegmentNest(tiling: reference, stageChannels: stages)
      let nestCount = nest.tops.count
      func nestIndex(_ stage: Int) -> Int { nest.tops.firstIndex { $0 >= stage } ?? nestCount - 1 }
      var stagesOfNest = Array(repeating: [Int](), count: nestCount)
      for stage in chunked { stagesOfNest[nestIndex(stage)].append(stage) }
      var layersOfNest = Array(repeating: [Int](), count: nestCount)
      for (index, layer) in layers.enumerated() where layer.kind != .add {
        layersOfNest[nestIndex(model.stageOfTensor[index + 1])].append(index)
      }
      var combined = [Option(bits: base.bits, macs: base.extraMACs, footprint: base.footprint, chunks: [:], resident: [:])]
      for index in 0..<nestCount {
        let options = nestOptions(
          stages: stagesOfNest[index], layers: layersOfNest[index], reference: reference, smallest: smallest, base: base,
          spatial: spatial)
        var next: [Option] = []
        for left in combined {
          for right in options {
            next.append(
              Option(
                bits: left.bits + right.bits, macs: left.macs + right.macs, footprint: left.footprint + right.footprint,
                chunks: left.chunks.merging(right.chunks) { $1 }, resident: left.resident.merging(right.resident) { $1 }))
          }
        }
        // Every other nest's option adds bits and MACs to the base, never less: an option
        // already over the MAC cap stays over it.
        combined = Self.undominated(next.filter { $0.macs <= maxExtraMACs })
      }
      for option in combined.sorted(by: { ($0.bits, $0.macs) < ($1.bits, $1.macs) }) where option.footprint <= buffer {
        var tiling = reference
        for (stage, size) in option.chunks { tiling.chunks[stage] = size }
        for (layer, resident) in option.resident { tiling.resident[layer] = resident }
        consider(tiling, rows: spatial.rows, columns: spatial.columns)
        break
      }
    }
  }

  /// A nest's choices as differences from the reference: every count of every chunked stage
  /// (one size per count, two chunks or more) and every residency of its layers' weights,
  /// except those that cannot matter (below).
  private func nestOptions(
    stages: [Int], layers: [Int], reference: SegmentTiling, smallest: SegmentTiling, base: SegmentCost,
    spatial: SegmentSearchSpatial
  ) -> [Option] {
    var options: [Option] = []
    var tiling = reference
    var least = smallest
    func visit(_ position: Int) {
      if position < stages.count {
        let stage = stages[position]
        let sizes = Self.chunkSizes(model.stageChannels[stage]).filter { $0 < model.stageChannels[stage] }
        // Counts whose smallest completion (deeper stages in chunks of 1, every weight
        // streamed, and the other nests so too) does not fit fit in no schedule: the footprint
        // only shrinks with more chunks, so they are the counts below the first that fits,
        // found by bisection.
        var low = 0
        var high = sizes.count
        while low < high {
          let middle = (low + high) / 2
          least.chunks[stage] = sizes[middle]
          if model.cost(of: least, rows: spatial.rows, columns: spatial.columns).footprint <= buffer {
            high = middle
          } else {
            low = middle + 1
          }
        }
        for size in sizes[low...] {
          tiling.chunks[stage] = size
          least.chunks[stage] = size
          // With the deeper stages at two chunks and the weights as in the reference, this is
          // the cheapest of what follows (bits and extra MACs); more chunks only cost more.
          var cheapest = tiling
          for deeper in stages[(position + 1)...] { cheapest.chunks[deeper] = reference.chunks[deeper] }
          cheapest.resident = reference.resident
          let bound = model.cost(of: cheapest, rows: spatial.rows, columns: spatial.columns)
          if !promising(Self.key(bound)) { break }
          visit(position + 1)
          // If that cheapest completion fits with the other nests at their reference (their
          // largest footprint), every schedule with more chunks here is matched by the same
          // schedule with this count: no more bits or MACs, and it fits, since its footprint
          // is at most this completion's. So no larger count is needed.
          if bound.footprint <= buffer { break }
        }
        tiling.chunks[stage] = reference.chunks[stage]
        least.chunks[stage] = smallest.chunks[stage]
        return
      }
      // A weight's residency changes only its own loads and its own buffer: cost the nest with
      // every weight that may be resident resident, then each one streamed alone, and add up.
      for layer in layers { tiling.resident[layer] = reference.resident[layer] }
      guard lineBuffersHold(tiling, stages: stages) else { return }
      let resident = model.cost(of: tiling, rows: spatial.rows, columns: spatial.columns)
      let switchable = layers.filter { reference.resident[$0] }
      let streaming = switchable.map { layer -> SegmentCost in
        tiling.resident[layer] = false
        defer { tiling.resident[layer] = true }
        return model.cost(of: tiling, rows: spatial.rows, columns: spatial.columns)
      }
      for mask in 0..<(1 << switchable.count) {
        var bits = resident.bits
        var footprint = resident.footprint
        var choice = Dictionary(uniqueKeysWithValues: layers.map { ($0, reference.resident[$0]) })
        for (bit, layer) in switchable.enumerated() where mask & (1 << bit) != 0 {
          bits += streaming[bit].bits - resident.bits
          footprint += streaming[bit].footprint - resident.footprint
          choice[layer] = false
        }
        // Other nests add nothing below their reference: an option as dear as the best is useless.
        if !promising((bits, resident.extraMACs)) { continue }
        options.append(
          Option(
            bits: bits - base.bits, macs: resident.extraMACs - base.extraMACs, footprint: footprint - base.footprint,
            chunks: Dictionary(uniqueKeysWithValues: stages.map { ($0, tiling.chunks[$0]) }), resident: choice))
      }
    }
    visit(0)
    return Self.undominated(options)
  }

  /// Line buffers need their input stage computed once per tile (the nest's own condition).
  private func lineBuffersHold(_ tiling: SegmentTiling, stages: [Int]) -> Bool {
    let nest = SegmentNest(tiling: tiling, stageChannels: model.stageChannels)
    for (index, kept) in tiling.lineBuffers.enumerated() where kept {
      let stage = model.stageOfTensor[index]
      if stages.contains(stage) && nest.repetitions(ofStage: stage) != 1 { return false }
    }
    return true
  }

  /// Options no other option matches or beats on all three counts (the first of equals kept).
  private static func undominated(_ options: [Option]) -> [Option] {
    let ordered = options.sorted { ($0.bits, $0.macs, $0.footprint) < ($1.bits, $1.macs, $1.footprint) }
    var kept: [Option] = []
    for option in ordered where !kept.contains(where: { $0.dominates(option) }) { kept.append(option) }
    return kept
  }
}
