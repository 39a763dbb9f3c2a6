/// The coordinates of every tensor of a segment that each spatial tile touches, along one axis
/// (rows or columns).
///
/// Going backwards from the tile of the tiled tensor (the output, or a final global pool's
/// input, whose 1x1 output every tile touches): a layer needs, of its input, the window of what it
/// computes (clipped: padding is never read); an add needs the same coordinates of its skip
/// operand, and an on-chip skip source is computed over them too. What a layer computes of
/// its output is what it needs, except behind a line buffer: a layer whose input is kept in a
/// line buffer has that input computed only on coordinates no earlier tile computed. A line
/// buffer on the segment input (layer 0's flag) makes its region cover the rows of it that adds
/// read as their skip.
struct SegmentRegions: Sendable {
  /// needed[tensor] and computed[tensor]: per tile index, the coordinates as sorted ranges.
  var needed: [AxisIntervals] { storage.needed }
  var computed: [AxisIntervals] { storage.computed }
  /// Per tensor, the most coordinates a line buffer holds from earlier tiles (0 without one).
  var retained: [Int] { storage.retained }
  /// The closed form's per-axis sums of `needed` and `computed`, computed once.
  var neededSummaries: [AxisSummary] { storage.neededSummaries }
  var computedSummaries: [AxisSummary] { storage.computedSummaries }
  /// Per tensor, the coordinates computed by at least one tile.
  var computedOnce: [Int] { storage.computedOnce }
  /// Per tensor, whether every tile's region of the segment input covers the tile's computed
  /// region of it (so an add of the segment input can find it in the input's buffer).
  var inputCovers: [Bool] { storage.inputCovers }

  /// The arrays above, behind one reference: the searches copy a segment's regions with every
  /// spatial tiling they pass around, and one retain per copy is cheaper than seven.
  private final class Storage: Sendable {
    let needed: [AxisIntervals]
    let computed: [AxisIntervals]
    let retained: [Int]
    let neededSummaries: [AxisSummary]
    let computedSummaries: [AxisSummary]
    let computedOnce: [Int]
    let inputCovers: [Bool]

    init(_ builder: Builder) {
      needed = builder.needed.map(AxisIntervals.init(tiles:))
      computed = builder.computed.map(AxisIntervals.init(tiles:))
      retained = builder.retained
      neededSummaries = builder.neededSummaries
      computedSummaries = builder.computedSummaries
      computedOnce = builder.computedOnce
      let input = builder.needed[0]
      inputCovers = builder.computed.map { tensor in
        zip(input, tensor).allSatisfy { input, used in RangeSet.contains(input, used) }
      }
    }
  }

  private let storage: Storage

  /// `extent(tensor)` is the tensor's extent along the axis; `window(layer)` the layer's
  /// (kernel, stride, padding before) along it.
  init(
    segment: FusedSegment, tileSize: Int, outputExtent: Int, extent: @escaping (Int) -> Int,
    window: @escaping (Int) -> (kernel: Int, stride: Int, padding: Int), lineBuffers: [Bool]
  ) {
    var builder = Builder(segment: segment, tileSize: tileSize, outputExtent: outputExtent, extent: extent, window: window)
    for tensor in stride(from: segment.tiledTensor - 1, through: 0, by: -1) {
      builder.settle(tensor, lineBuffer: lineBuffers[tensor])
    }
    self.init(builder)
  }

  private init(_ builder: Builder) { storage = Storage(builder) }

  /// The regions tensor by tensor, from the tiled tensor down: a tensor's regions in every tile
  /// follow from its readers' (higher tensors) and, behind a line buffer, from what its own
  /// earlier tiles computed.
  private struct Builder {
    let segment: FusedSegment
    let extent: (Int) -> Int
    let window: (Int) -> (kernel: Int, stride: Int, padding: Int)
    /// [tensor][tile]: sorted disjoint coordinates.
    var needed: [[[ClosedRange<Int>]]]
    var computed: [[[ClosedRange<Int>]]]
    var retained: [Int]
    var computedOnce: [Int]
    /// The summaries of `needed` and `computed`, made as each tensor settles (the search
    /// settles a tensor once for many choices of line buffers below it).
    var neededSummaries: [AxisSummary]
    var computedSummaries: [AxisSummary]

    init(
      segment: FusedSegment, tileSize: Int, outputExtent: Int, extent: @escaping (Int) -> Int,
      window: @escaping (Int) -> (kernel: Int, stride: Int, padding: Int)
    ) {
      self.segment = segment
      self.extent = extent
      self.window = window
      let tiles = AxisIntervals.tiles(extent: outputExtent, size: tileSize).tiles
      let tensorCount = segment.tensorCount
      let tiled = segment.tiledTensor
      needed = Array(repeating: [], count: tensorCount)
      needed[tiled] = tiles
      // A final global pool's one output coordinate is touched by every tile (it accumulates).
      for pooled in (tiled + 1)..<tensorCount { needed[pooled] = Array(repeating: [0...0], count: tiles.count) }
      computed = needed
      retained = Array(repeating: 0, count: tensorCount)
      computedOnce = needed.map { RangeSet.count($0.reduce([]) { RangeSet.union($0, $1) }) }
      // Tensors below the tiled one get theirs when they settle.
      neededSummaries = needed.map { AxisSummary(AxisIntervals(tiles: $0)) }
      computedSummaries = neededSummaries
    }

    /// Per tile, the coordinates of `tensor` that its readers need: layer `tensor` (and for the
    /// segment input the layers branching from it) through their windows, and adds reading it
    /// as their skip, on the coordinates they compute. Every reader has a higher number.
    func wanted(_ tensor: Int) -> [[ClosedRange<Int>]] {
      let layers = segment.layers
      if let identity = identityReader(tensor) { return computed[identity + 1] }
      var wanted = Array(repeating: [ClosedRange<Int>](), count: computed[segment.tiledTensor].count)
      for layer in tensor..<segment.tiledTensor where readsThroughWindow(layer, tensor) {
        let (kernel, step, padding) = window(layer)
        let upsamples = layers[layer].kind == .upsample
        for tile in wanted.indices {
          let produced = computed[layer + 1][tile]
          wanted[tile] = RangeSet.union(
            wanted[tile],
            upsamples
              ? RangeSet.upsampled(produced, factor: step)
              : RangeSet.window(produced, kernel: kernel, stride: step, padding: padding, extent: extent(tensor)))
        }
      }
      for consumer in tensor..<layers.count where readsAsSkip(consumer, tensor) {
        for tile in wanted.indices { wanted[tile] = RangeSet.union(wanted[tile], computed[consumer + 1][tile]) }
      }
      return wanted
    }

    /// Whether `layer` reads `tensor` through its window: layer `tensor` does, and for the
    /// segment input the layers branching from it.
    private func readsThroughWindow(_ layer: Int, _ tensor: Int) -> Bool { segment.inputTensor(ofLayer: layer) == tensor }

    /// Whether layer `consumer` (an add or a concat) reads `tensor`, a layer's output, as its skip.
    private func readsAsSkip(_ consumer: Int, _ tensor: Int) -> Bool {
      guard case .layer(let source)? = segment.layers[consumer].skip else { return false }
      return source == tensor - 1
    }

    /// The one layer that reads `tensor`, when it reads each coordinate it computes and nothing
    /// else (a 1x1 window with stride 1 and no padding, over a tensor of the same extent) and no
    /// add reads `tensor` as its skip: then `tensor` is wanted exactly where that layer
    /// computes, and the regions share that layer's arrays instead of building equal ones.
    private func identityReader(_ tensor: Int) -> Int? {
      var reader: Int?
      for layer in tensor..<segment.tiledTensor where readsThroughWindow(layer, tensor) {
        guard reader == nil else { return nil }
        reader = layer
      }
      guard let reader, segment.layers[reader].kind != .upsample,
        !(tensor..<segment.layers.count).contains(where: { readsAsSkip($0, tensor) })
      else { return nil }
      let (kernel, step, padding) = window(reader)
      guard kernel == 1, step == 1, padding == 0, extent(tensor) == extent(reader + 1) else { return nil }
      return reader
    }

    /// The segment input's `wanted` with the coordinates adds read of it as their skip (what its
    /// line buffer keeps).
    func withInputSkips(_ wanted: [[ClosedRange<Int>]]) -> [[ClosedRange<Int>]] {
      var wanted = wanted
      for (consumer, other) in segment.layers.enumerated() where other.skip == .segmentInput {
        for tile in wanted.indices { wanted[tile] = RangeSet.union(wanted[tile], computed[consumer + 1][tile]) }
      }
      return wanted
    }

    /// Settles `tensor` once its readers are: what it needs, and what it computes (all of it,
    /// or behind a line buffer what no earlier tile computed).
    mutating func settle(_ tensor: Int, lineBuffer: Bool) {
      let wanted = self.wanted(tensor)
      settle(tensor, wanted: tensor == 0 && lineBuffer ? withInputSkips(wanted) : wanted, lineBuffer: lineBuffer)
    }

    mutating func settle(_ tensor: Int, wanted: [[ClosedRange<Int>]], lineBuffer: Bool) {
      needed[tensor] = wanted
      // The builder may have settled this tensor before, for another choice.
      retained[tensor] = 0
      var covered: [ClosedRange<Int>] = []
      if tensor >= 1 && lineBuffer {
        var compute: [[ClosedRange<Int>]] = []
        compute.reserveCapacity(wanted.count)
        for rows in wanted {
          retained[tensor] = max(retained[tensor], RangeSet.count(RangeSet.intersection(rows, covered)))
          let new = RangeSet.subtracting(rows, covered)
          RangeSet.formUnion(&covered, new)
          compute.append(new)
        }
        computed[tensor] = compute
      } else {
        computed[tensor] = wanted
        for rows in wanted { RangeSet.formUnion(&covered, rows) }
      }
      computedOnce[tensor] = RangeSet.count(covered)
      neededSummaries[tensor] = AxisSummary(AxisIntervals(tiles: needed[tensor]))
      computedSummaries[tensor] = tensor >= 1 && lineBuffer ? AxisSummary(AxisIntervals(tiles: computed[tensor])) : neededSummaries[tensor]
    }
  }

  /// The row regions of a segment in bands of `tileSize` rows for every choice of line
  /// buffers among `candidates` (layer indices; 0 is the segment input's) that changes them,
  /// with the flags per layer: a line buffer on a tensor no two bands need rows of in common
  /// keeps nothing, and one on the segment input whose adds read no row outside its region
  /// adds nothing, so those choices are left out (they equal the choice without that flag).
  static func rowChoices(_ segment: FusedSegment, tileSize: Int, candidates: Set<Int>) -> [(lineBuffers: [Bool], regions: SegmentRegions)] {
    var choices: [(lineBuffers: [Bool], regions: SegmentRegions)] = []
    // One builder, settled in place: each level settles its tensor without a line buffer and
    // descends, then (where one may change something) with one and descends again. A tensor's
    // regions follow from the higher tensors' alone, which stay as they are below it, and
    // every tensor below is settled again before it is read: no branch copies the builder.
    func descend(_ tensor: Int, _ builder: inout Builder, _ flags: inout [Bool]) {
      guard tensor >= 0 else {
        choices.append((flags, SegmentRegions(builder)))
        return
      }
      let wanted = builder.wanted(tensor)
      builder.settle(tensor, wanted: wanted, lineBuffer: false)
      descend(tensor - 1, &builder, &flags)
      guard candidates.contains(tensor) else { return }
      if tensor == 0 {
        let kept = builder.withInputSkips(wanted)
        guard kept != wanted else { return }
        builder.settle(0, wanted: kept, lineBuffer: true)
      } else {
        builder.settle(tensor, wanted: wanted, lineBuffer: true)
        guard builder.retained[tensor] > 0 else { return }
      }
      flags[tensor] = true
      descend(tensor - 1, &builder, &flags)
      flags[tensor] = false
    }
    var builder = Builder(
      segment: segment, tileSize: tileSize, outputExtent: segment.tiledShape.height, extent: { segment.shape(ofTensor: $0).height },
      window: rowWindow(segment))
    var flags = Array(repeating: false, count: segment.layers.count)
    descend(segment.tiledTensor - 1, &builder, &flags)
    return choices
  }

  private static func rowWindow(_ segment: FusedSegment) -> (Int) -> (kernel: Int, stride: Int, padding: Int) {
    { index in
      let layer = segment.layers[index]
      return (layer.kernel.height, layer.stride.height, layer.padding.top)
    }
  }

  var tileCount: Int { neededSummaries[0].count }

  static func rows(_ segment: FusedSegment, tileSize: Int, lineBuffers: [Bool]) -> SegmentRegions {
    SegmentRegions(
      segment: segment, tileSize: tileSize, outputExtent: segment.tiledShape.height,
      extent: { segment.shape(ofTensor: $0).height }, window: rowWindow(segment), lineBuffers: lineBuffers)
  }

  static func columns(_ segment: FusedSegment, tileSize: Int) -> SegmentRegions {
    SegmentRegions(
      segment: segment, tileSize: tileSize, outputExtent: segment.tiledShape.width,
      extent: { segment.shape(ofTensor: $0).width },
      window: { index in
        let layer = segment.layers[index]
        return (layer.kernel.width, layer.stride.width, layer.padding.left)
      }, lineBuffers: Array(repeating: false, count: segment.layers.count))
  }
}

/// Sorted disjoint inclusive ranges of coordinates, as plain arrays.
enum RangeSet {
  static func count(_ set: [ClosedRange<Int>]) -> Int { set.reduce(0) { $0 + $1.count } }

  /// Input coordinates read by outputs `produced` of a window: output o reads
  /// o*stride - padding ... o*stride - padding + kernel - 1, clipped to [0, extent).
  static func window(_ produced: [ClosedRange<Int>], kernel: Int, stride: Int, padding: Int, extent: Int) -> [ClosedRange<Int>] {
    var blocks: [ClosedRange<Int>] = []
    func add(_ low: Int, _ high: Int) {
      let low = max(0, low)
      let high = min(extent - 1, high)
      guard low <= high else { return }
      if let last = blocks.last, low <= last.upperBound + 1 {
        blocks[blocks.count - 1] = last.lowerBound...max(last.upperBound, high)
      } else {
        blocks.append(low...high)
      }
    }
    for range in produced {
      if kernel >= stride {
        add(range.lowerBound * stride - padding, range.upperBound * stride - padding + kernel - 1)
      } else {
        for output in range { add(output * stride - padding, output * stride - padding + kernel - 1) }
      }
    }
    return blocks
  }

  /// Input coordinates read by outputs `produced` of an upsampling by `factor`: output o reads
  /// o / factor.
  static func upsampled(_ produced: [ClosedRange<Int>], factor: Int) -> [ClosedRange<Int>] {
    union(produced.map { ($0.lowerBound / factor)...($0.upperBound / factor) }, [])
  }

  /// Sorted, disjoint and not touching: what every operation here returns.
  static func isCanonical(_ set: [ClosedRange<Int>]) -> Bool {
    zip(set, set.dropFirst()).allSatisfy { $0.upperBound + 1 < $1.lowerBound }
  }

  static func union(_ a: [ClosedRange<Int>], _ b: [ClosedRange<Int>]) -> [ClosedRange<Int>] {
    // The regions' unions mostly add to nothing, or merge two sets already in order: those
    // without sorting (the same coalesced result: it does not depend on the order of ranges
    // with equal lower bounds).
    if a.isEmpty && isCanonical(b) { return b }
    if b.isEmpty && isCanonical(a) { return a }
    var merged: [ClosedRange<Int>] = []
    merged.reserveCapacity(a.count + b.count)
    func add(_ range: ClosedRange<Int>) {
      if let last = merged.last, range.lowerBound <= last.upperBound + 1 {
        merged[merged.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
      } else {
        merged.append(range)
      }
    }
    let ordered = { (set: [ClosedRange<Int>]) in zip(set, set.dropFirst()).allSatisfy { $0.lowerBound <= $1.lowerBound } }
    guard ordered(a) && ordered(b) else {
      for range in (a + b).sorted(by: { $0.lowerBound < $1.lowerBound }) { add(range) }
      return merged
    }
    var (i, j) = (0, 0)
    while i < a.count || j < b.count {
      if j == b.count || (i < a.count && a[i].lowerBound <= b[j].lowerBound) {
        add(a[i])
        i += 1
      } else {
        add(b[j])
        j += 1
      }
    }
    return merged
  }

  static func intersection(_ a: [ClosedRange<Int>], _ b: [ClosedRange<Int>]) -> [ClosedRange<Int>] {
    // Canonical sets (what the regions hold) in one merge pass, which returns them canonical.
    if isCanonical(a) && isCanonical(b) { return CoordinateBox.intersection(a, b) }
    var result: [ClosedRange<Int>] = []
    for x in a {
      for y in b {
        let low = max(x.lowerBound, y.lowerBound)
        let high = min(x.upperBound, y.upperBound)
        if low <= high { result.append(low...high) }
      }
    }
    return union(result, [])
  }

  static func subtracting(_ a: [ClosedRange<Int>], _ b: [ClosedRange<Int>]) -> [ClosedRange<Int>] {
    // Canonical sets in one merge pass: the pieces of a range of `a` are separated by the
    // ranges of `b` that cut it, so the result is canonical too.
    if isCanonical(a) && isCanonical(b) { return CoordinateBox.subtracting(a, b) }
    var result: [ClosedRange<Int>] = []
    for range in a {
      var pieces = [range]
      for cut in b {
        pieces = pieces.flatMap { piece -> [ClosedRange<Int>] in
          var kept: [ClosedRange<Int>] = []
          if piece.lowerBound < cut.lowerBound { kept.append(piece.lowerBound...min(piece.upperBound, cut.lowerBound - 1)) }
          if piece.upperBound > cut.upperBound { kept.append(max(piece.lowerBound, cut.upperBound + 1)...piece.upperBound) }
          return kept
        }
      }
      result += pieces
    }
    return union(result, [])
  }

  /// `set = union(set, other)`, in place when `other` starts at or after `set`'s last range (as
  /// the tiles of a band, taken in order, do): no new array.
  static func formUnion(_ set: inout [ClosedRange<Int>], _ other: [ClosedRange<Int>]) {
    guard let last = set.last, let first = other.first, first.lowerBound >= last.lowerBound, isCanonical(other) else {
      set = union(set, other)
      return
    }
    for range in other {
      if let tail = set.last, range.lowerBound <= tail.upperBound + 1 {
        set[set.count - 1] = tail.lowerBound...max(tail.upperBound, range.upperBound)
      } else {
        set.append(range)
      }
    }
  }

  /// Whether every coordinate of `inner` is in `outer` (both canonical: each range of `inner`
  /// then lies within one of `outer`'s).
  static func contains(_ outer: [ClosedRange<Int>], _ inner: [ClosedRange<Int>]) -> Bool {
    var index = 0
    for range in inner {
      while index < outer.count && outer[index].upperBound < range.lowerBound { index += 1 }
      guard index < outer.count, outer[index].lowerBound <= range.lowerBound, range.upperBound <= outer[index].upperBound
      else { return false }
    }
    return true
  }
}
