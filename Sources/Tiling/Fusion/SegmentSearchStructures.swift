/// The structure half of the segment search, for one spatial tiling: which stages are chunked
/// (the others whole), each choice with its reference, its smallest schedule and a lower bound
/// on its cost, so that the chunk search (SegmentSearchChunks.swift) takes the structures
/// cheapest bound first and skips those that cannot win.
extension SegmentSearchRun {
  /// A choice of which stages are chunked (the others whole) for a spatial tiling, with its
  /// reference (chunked stages in two chunks, every weight that may be resident resident:
  /// the cheapest of the structure), its smallest (chunked stages at the smallest chunk sizes a
  /// legal schedule can have, every weight streamed: the least footprint) and a lower bound on
  /// its (bits, extra MACs).
  struct Structure {
    var chunked: [Int]
    var reference: SegmentTiling
    var smallest: SegmentTiling
    var bound: (Int, Int)
  }

  /// The structures of a spatial tiling that have a legal schedule that fits and may beat the
  /// incumbent, cheapest bound first. Whether the line buffers hold is a property of the
  /// structure (`Chunking.repeatedStages`), so a structure without it is dropped here, before any
  /// chunk count is enumerated.
  ///
  /// The bound puts each chunked stage at the fewest chunks with which the smallest schedule
  /// fits when only that stage's chunk grows back: every schedule of the structure has at
  /// least that many chunks there (its footprint is at least that smallest one's, which does
  /// not fit with fewer), and bits and extra MACs never decrease with more chunks or a weight
  /// streamed, so the reference with those counts costs no more than any schedule.
  func structures(
    of tiling: SegmentTiling, rows: SegmentRegions, columns: SegmentRegions, evaluator: SegmentSearchCost
  ) -> [Structure] {
    let lineBufferStages = lineBufferStages(tiling)
    var found: [Structure] = []
    // Chunked stages whose reference cannot beat the incumbent. Bits and extra MACs never
    // decrease with more chunks (a whole stage is one chunk), so a choice that chunks all of
    // these and more cannot either; choices come subsets first (by mask).
    var losing: [Int] = []
    for chunking in chunkings {
      let chunked = chunking.chunked
      if losing.contains(where: { $0 & chunking.mask == $0 }) { continue }
      // Line buffers need their input stage computed once per tile.
      guard chunking.repeatedStages & lineBufferStages == 0 else { continue }
      var reference = tiling
      reference.chunks = chunking.reference
      // The reference is the structure's cheapest schedule: if it cannot beat the incumbent,
      // which only falls, no schedule of the structure ever can (and the search would skip it).
      guard promising(evaluator.traffic(reference)) else {
        losing.append(chunking.mask)
        continue
      }
      var smallest = reference
      smallest.chunks = chunking.least
      smallest.resident = noneResident
      guard evaluator.footprint(smallest) <= buffer else { continue }
      var bounding = tiling
      for stage in chunked {
        // The smallest fits with its own size, one of the sizes: there is a first that fits.
        bounding.chunks[stage] = stageSizes[stage][firstFitting(smallest, stage: stage, evaluator: evaluator)]
      }
      // Every schedule of the structure has at least `bounding`'s chunk counts: if those are
      // not counted exactly, none is (`SegmentCountBound`), and none is legal.
      guard model.counts.holds(chunks: bounding.chunks),
        let bound = residencyBound(bounding, least: smallest, evaluator: evaluator), promising(bound)
      else { continue }
      found.append(Structure(chunked: chunked, reference: reference, smallest: smallest, bound: bound))
    }
    return found.sorted { $0.bound < $1.bound }
  }

  /// A choice of which stages are chunked, apart from the spatial tiling: the chunks of its
  /// reference (each chunked stage in two chunks, the others whole) and the smallest chunk
  /// sizes a legal schedule with it can have.
  struct Chunking {
    var chunked: [Int]
    /// `chunked` as bits (stage s: bit s).
    var mask: Int
    var reference: [Int]
    var least: [Int]
    /// The stages computed more than once per spatial tile, as bits: a chunk loop of a later
    /// stage of its nest wraps them. Which loops there are depends on which stages are chunked
    /// (each in two chunks or more), not on the counts, so this holds for every schedule of the
    /// choice; a line buffer on a repeated stage's tensor is not legal.
    var repeatedStages: Int
    /// The chunks of the choice's footprint floor: its chunked stages at one channel, the
    /// others whole (`mayHaveStructure`).
    var floor: [Int]
  }

  /// Every choice of chunked stages (two channels or more, none that must stay whole) with a
  /// legal schedule. A stage's size is smallest when every other chunked stage is in two
  /// chunks, the fewest: more chunks anywhere never make a schedule legal (`SegmentCountBound`).
  /// So every legal schedule of the choice has at least `least`'s sizes, and no less footprint.
  static func chunkings(model: SegmentModel, stageSizes: [[Int]], mustBeWhole: Set<Int>) -> [Chunking] {
    let stages = model.stageChannels
    var found: [Chunking] = []
    for mask in 0..<(1 << stages.count) {
      let chunked = stages.indices.filter { mask & (1 << $0) != 0 }
      guard chunked.allSatisfy({ stages[$0] >= 2 && !mustBeWhole.contains($0) }) else { continue }
      var reference = stages
      for stage in chunked { reference[stage] = (stages[stage] + 1) / 2 }
      guard model.counts.holds(chunks: reference) else { continue }
      var least = reference
      var probe = reference
      for stage in chunked {
        let sizes = stageSizes[stage]
        // The last of the sizes (fewest chunks first) with which the reference stays legal.
        var low = 0
        var high = sizes.count - 1
        if model.counts.everyScheduleFits { low = high }
        while low < high {
          let middle = (low + high + 1) / 2
          probe[stage] = sizes[middle]
          if model.counts.holds(chunks: probe) { low = middle } else { high = middle - 1 }
        }
        probe[stage] = reference[stage]
        least[stage] = sizes[low]
      }
      let nest = SegmentNest(chunks: reference, stageChannels: stages)
      let repeatedStages = stages.indices.reduce(0) { nest.repetitions(ofStage: $1) != 1 ? $0 | 1 << $1 : $0 }
      var floor = stages
      for stage in chunked { floor[stage] = 1 }
      found.append(
        Chunking(chunked: chunked, mask: mask, reference: reference, least: least, repeatedStages: repeatedStages, floor: floor))
    }
    return found
  }

  /// The stages whose tensors keep a line buffer in `tiling`, as bits.
  private func lineBufferStages(_ tiling: SegmentTiling) -> Int {
    tiling.lineBuffers.indices.reduce(0) { tiling.lineBuffers[$1] ? $0 | 1 << model.stageOfTensor[$1] : $0 }
  }

  /// `chunkings`' positions, most chunked stages first (in mask order among equals): a choice's
  /// footprint floor bounds every choice inside it, so `mayHaveStructure` visits the large first.
  static func outermostFirst(_ chunkings: [Chunking]) -> [Int] {
    chunkings.indices.sorted { a, b in
      let (left, right) = (chunkings[a].chunked.count, chunkings[b].chunked.count)
      return left != right ? left > right : a < b
    }
  }

  /// False only when `structures` would find nothing for the spatial tiling (no choice of
  /// chunked stages legal with its line buffers, promising and fitting), decided with a few
  /// footprints rather than a traffic and a footprint per choice: the long segments that lose
  /// to shorter ones end here for almost every spatial tiling.
  ///
  /// Why it is exact. (1) A choice's reference moves at least the whole reference's bits with
  /// the segment input's loads replaced by the choice's own: every other operand loads no less
  /// under more chunk loops (a loop it depends on multiplies its spatial total, which is at
  /// least its spatial loads, by the channels it had whole; others multiply by their counts),
  /// and the whole reference's extra MACs are the halo's, the least of all. A choice whose
  /// bound is not promising has no structure. (2) A choice's smallest has its chunked stages at
  /// their least sizes, at least one, and every other stage whole, with nothing resident; the
  /// footprint only grows with the chunks, so it is at least the footprint floor (`floor`
  /// chunks, no buffer for a skip of the segment input: one with stage 0 whole needs none) of
  /// any choice that chunks those stages and more. Once a floor is over the buffer, no choice
  /// inside it fits.
  func mayHaveStructure(_ tiling: SegmentTiling, evaluator: SegmentSearchCost) -> Bool {
    let lineBufferStages = lineBufferStages(tiling)
    var probe = tiling
    probe.chunks = model.stageChannels
    let whole = evaluator.traffic(probe)
    let otherBits = whole.bits - evaluator.inputBits(chunks: probe.chunks)
    probe.resident = noneResident
    // The masks whose floor is over the buffer, on the stack: this runs for every spatial tiling.
    return withUnsafeTemporaryAllocation(of: Int.self, capacity: chunkings.count) { overBuffer in
      var count = 0
      for position in outermostFirst {
        let chunking = chunkings[position]
        guard chunking.repeatedStages & lineBufferStages == 0,
          !overBuffer[..<count].contains(where: { chunking.mask & $0 == chunking.mask }),
          promising((otherBits + evaluator.inputBits(chunks: chunking.reference), whole.extraMACs))
        else { continue }
        probe.chunks = chunking.floor
        guard evaluator.footprintFloor(probe) > buffer else { return true }
        overBuffer[count] = chunking.mask
        count += 1
      }
      return false
    }
  }

  /// A lower bound on (bits, extra MACs) of every schedule that has at least `bounding`'s
  /// chunk counts and at least `least`'s chunk sizes, whole stages where `least` has them (as
  /// in one structure), and that keeps resident only weights `bounding` has resident; nil when
  /// no such schedule fits the buffer.
  ///
  /// Why it holds. Bits and extra MACs never decrease with more chunks, and a weight's bits and
  /// buffer are its own terms: a schedule costs at least `bounding` plus, for each weight it
  /// streams, what streaming it adds at `bounding`'s counts. Its footprint is at least `least`'s
  /// plus, for each weight it keeps resident, the whole weight less its streamed tile at
  /// `least`'s sizes. Which weights fit resident together is then a knapsack: the most that
  /// keeping weights resident can save within the room `least` leaves bounds the bits from below.
  func residencyBound(_ bounding: SegmentTiling, least: SegmentTiling, evaluator: SegmentSearchCost) -> (Int, Int)? {
    withResidencyItems(bounding, least: least, evaluator: evaluator) { cost, streamingAll, items, room in
      (cost.bits + streamingAll - Knapsack(items, capacity: room).most(), cost.extraMACs)
    }
  }

  /// Whether `limit` admits `residencyBound(bounding, least:, evaluator:)` (false when that is
  /// nil), deciding only as much of the knapsack as that needs: the chunk search asks this of
  /// every count it tries, and needs no more.
  func residencyAdmits(_ bounding: SegmentTiling, least: SegmentTiling, evaluator: SegmentSearchCost, limit: Limit) -> Bool {
    withResidencyItems(bounding, least: least, evaluator: evaluator) { cost, streamingAll, items, room in
      guard cost.extraMACs <= limit.maxExtraMACs else { return false }
      guard let below = limit.below else { return true }
      // (bits + streamingAll - saved, MACs) < below exactly when saved reaches this.
      let (excess, overflow) = (cost.bits + streamingAll).subtractingReportingOverflow(below.0)
      guard !overflow else { return false }  // below.0 is far below zero: nothing is admitted.
      return Self.reaches(items, capacity: room, value: cost.extraMACs < below.1 ? excess : excess + 1)
    } ?? false
  }

  /// A weight kept resident as a knapsack item: the bits it saves and the entries it adds.
  typealias ResidencyItem = (value: Int, size: Int)

  /// `body` with the bounding schedule's (bits, extra MACs), the bits of streaming every weight
  /// it may keep resident, each such weight as an item, and the room `least` leaves; nil when
  /// `least` does not fit. The items live on the stack: this runs for every count tried.
  private func withResidencyItems<Result>(
    _ bounding: SegmentTiling, least: SegmentTiling, evaluator: SegmentSearchCost,
    _ body: ((bits: Int, extraMACs: Int), Int, UnsafeMutableBufferPointer<ResidencyItem>, Int) -> Result
  ) -> Result? {
    let room = buffer - evaluator.footprint(least)
    guard room >= 0 else { return nil }
    return withUnsafeTemporaryAllocation(of: ResidencyItem.self, capacity: bounding.resident.count) { items in
      let (bits, extraMACs, count) = evaluator.residencyItems(bounding, least: least, into: items)
      let chosen = UnsafeMutableBufferPointer(rebasing: items[..<count])
      return body((bits, extraMACs), chosen.reduce(0) { $0 + $1.value }, chosen, room)
    }
  }

  /// The 0/1 knapsack's best total value (exact): depth first, items by value per entry, a
  /// branch dropped when even the fractional rest cannot beat the best found.
  static func mostValue(_ items: [ResidencyItem], capacity: Int) -> Int {
    var items = items
    return items.withUnsafeMutableBufferPointer { Knapsack($0, capacity: capacity).most() }
  }

  /// Whether `mostValue(items, capacity:)` is at least `value`, stopping as soon as a choice
  /// reaches it or nothing can (on items it may reorder).
  static func reaches(_ items: UnsafeMutableBufferPointer<ResidencyItem>, capacity: Int, value: Int) -> Bool {
    guard value > 0 else { return true }
    return Knapsack(items, capacity: capacity).most(reaching: value) >= value
  }

  /// A 0/1 knapsack over items held in a caller's buffer, reordered in place.
  private struct Knapsack {
    /// Items of no size (always taken): their total value.
    let free: Int
    /// The items with a size within the capacity and some value, by value per entry, highest first.
    let sized: UnsafeMutableBufferPointer<ResidencyItem>
    let capacity: Int

    init(_ items: UnsafeMutableBufferPointer<ResidencyItem>, capacity: Int) {
      // Items of no size are always taken; items worth nothing never help.
      var free = 0
      var count = 0
      for item in items where item.value > 0 {
        if item.size <= 0 {
          free += item.value
        } else if item.size <= capacity {
          items[count] = item
          count += 1
        }
      }
      let sized = UnsafeMutableBufferPointer(rebasing: items[..<count])
      // Value per entry, highest first, compared exactly as cross products: an insertion sort,
      // in place (a segment has a few dozen weights at most).
      func before(_ a: ResidencyItem, _ b: ResidencyItem) -> Bool {
        let (left, leftOverflow) = a.value.multipliedReportingOverflow(by: b.size)
        let (right, rightOverflow) = b.value.multipliedReportingOverflow(by: a.size)
        guard !leftOverflow && !rightOverflow else { return Double(a.value) / Double(a.size) > Double(b.value) / Double(b.size) }
        return left > right
      }
      for index in sized.indices.dropFirst() {
        let item = sized[index]
        var position = index
        while position > 0 && before(item, sized[position - 1]) {
          sized[position] = sized[position - 1]
          position -= 1
        }
        sized[position] = item
      }
      self.free = free
      self.sized = sized
      self.capacity = capacity
    }

    /// The best total value; given a `target`, the value of the first choice found worth at
    /// least that, if any is (so the result reaches the target exactly when the best does).
    func most(reaching target: Int? = nil) -> Int {
      var total = 0
      var size = 0
      for item in sized {
        total += item.value
        size += item.size
      }
      if size <= capacity { return free + total }
      // What the sized items must add to reach the target (none: nothing short of the best).
      let goal = target.map { $0 - free } ?? Int.max
      if goal <= 0 { return free }
      var best = 0
      /// The fractional bound from item `next` on: whole items while they fit, then the part of
      /// the next that fits, rounded up (on overflow, all of it).
      func upper(_ next: Int, _ room: Int) -> Int {
        var total = 0
        var room = room
        for item in sized[next...] {
          if item.size <= room {
            total += item.value
            room -= item.size
          } else {
            let (product, overflow) = item.value.multipliedReportingOverflow(by: room)
            return total + (overflow ? item.value : (product + item.size - 1) / item.size)
          }
        }
        return total
      }
      func visit(_ next: Int, _ room: Int, _ value: Int) {
        best = max(best, value)
        // With a target, a branch that cannot reach it is dropped too.
        guard best < goal, next < sized.count, value + upper(next, room) > (target == nil ? best : max(best, goal - 1))
        else { return }
        let item = sized[next]
        if item.size <= room { visit(next + 1, room - item.size, value + item.value) }
        visit(next + 1, room, value)
      }
      visit(0, capacity, 0)
      return free + best
    }
  }

  /// The index of the first of `stage`'s sizes (fewest chunks first) with which `tiling` fits
  /// (`stageSizes[stage].count` if none): the footprint only shrinks with more chunks.
  func firstFitting(_ tiling: SegmentTiling, stage: Int, evaluator: SegmentSearchCost) -> Int {
    let sizes = stageSizes[stage]
    var tiling = tiling
    var low = 0
    var high = sizes.count
    while low < high {
      let middle = (low + high) / 2
      tiling.chunks[stage] = sizes[middle]
      if evaluator.footprint(tiling) <= buffer {
        high = middle
      } else {
        low = middle + 1
      }
    }
    return low
  }
}
