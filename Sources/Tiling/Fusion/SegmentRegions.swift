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
  let needed: [AxisIntervals]
  let computed: [AxisIntervals]
  /// Per tensor, the most coordinates a line buffer holds from earlier tiles (0 without one).
  let retained: [Int]
  /// The closed form's per-axis sums of `needed` and `computed`, computed once.
  let neededSummaries: [AxisSummary]
  let computedSummaries: [AxisSummary]
  /// Per tensor, the coordinates computed by at least one tile.
  let computedOnce: [Int]
  /// Per tensor, whether every tile's region of the segment input covers the tile's computed
  /// region of it (so an add of the segment input can find it in the input's buffer).
  let inputCovers: [Bool]

  /// `extent(tensor)` is the tensor's extent along the axis; `window(layer)` the layer's
  /// (kernel, stride, padding before) along it.
  init(
    segment: FusedSegment, tileSize: Int, outputExtent: Int, extent: (Int) -> Int,
    window: (Int) -> (kernel: Int, stride: Int, padding: Int), lineBuffers: [Bool]
  ) {
    let layers = segment.layers
    let tensorCount = segment.tensorCount
    let tiled = segment.tiledTensor
    let tiles = AxisIntervals.tiles(extent: outputExtent, size: tileSize).tiles
    var needed = Array(repeating: [[ClosedRange<Int>]](), count: tensorCount)
    var computed = needed
    var retained = Array(repeating: 0, count: tensorCount)
    var coveredBefore = Array(repeating: [ClosedRange<Int>](), count: tensorCount)
    for tile in tiles {
      var need = Array(repeating: [ClosedRange<Int>](), count: tensorCount)
      var compute = need
      compute[tiled] = tile
      need[tiled] = tile
      // A final global pool's one output coordinate is touched by every tile (it accumulates).
      for pooled in (tiled + 1)..<tensorCount {
        compute[pooled] = [0...0]
        need[pooled] = [0...0]
      }
      // Tensor t is read through their windows by the layers whose input it is (layer t, and for
      // the segment input the layers branching from it too) and by the adds reading it as their
      // skip; every reader has a higher number, so it is settled before t.
      for tensor in stride(from: tiled - 1, through: 0, by: -1) {
        var wanted: [ClosedRange<Int>] = []
        for layer in tensor..<tiled where segment.inputTensor(ofLayer: layer) == tensor {
          let (kernel, step, padding) = window(layer)
          wanted = RangeSet.union(
            wanted, RangeSet.window(compute[layer + 1], kernel: kernel, stride: step, padding: padding, extent: extent(tensor)))
        }
        for (consumer, other) in layers.enumerated() where consumer >= tensor {
          if case .layer(let source)? = other.skip, source == tensor - 1 {
            wanted = RangeSet.union(wanted, compute[consumer + 1])
          }
          // A line buffer on the segment input keeps the rows adds read as their skip.
          if tensor == 0 && lineBuffers[0] && other.skip == .segmentInput {
            wanted = RangeSet.union(wanted, compute[consumer + 1])
          }
        }
        need[tensor] = wanted
        if tensor >= 1 && lineBuffers[tensor] {
          let kept = RangeSet.intersection(wanted, coveredBefore[tensor])
          retained[tensor] = max(retained[tensor], RangeSet.count(kept))
          compute[tensor] = RangeSet.subtracting(wanted, coveredBefore[tensor])
        } else {
          compute[tensor] = wanted
        }
      }
      for tensor in 0..<tensorCount {
        coveredBefore[tensor] = RangeSet.union(coveredBefore[tensor], compute[tensor])
        needed[tensor].append(need[tensor])
        computed[tensor].append(compute[tensor])
      }
    }
    self.needed = needed.map(AxisIntervals.init(tiles:))
    self.computed = computed.map(AxisIntervals.init(tiles:))
    self.retained = retained
    neededSummaries = self.needed.map(AxisSummary.init)
    computedSummaries = self.computed.map(AxisSummary.init)
    computedOnce = coveredBefore.map(RangeSet.count)
    inputCovers = computed.map { tensor in
      zip(needed[0], tensor).allSatisfy { input, used in RangeSet.contains(input, used) }
    }
  }

  var tileCount: Int { neededSummaries[0].count }

  static func rows(_ segment: FusedSegment, tileSize: Int, lineBuffers: [Bool]) -> SegmentRegions {
    SegmentRegions(
      segment: segment, tileSize: tileSize, outputExtent: segment.tiledShape.height,
      extent: { segment.shape(ofTensor: $0).height },
      window: { index in
        let layer = segment.layers[index]
        return (layer.kernel.height, layer.stride.height, layer.padding.top)
      }, lineBuffers: lineBuffers)
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

  /// Whether every coordinate of `inner` is in `outer`.
  static func contains(_ outer: [ClosedRange<Int>], _ inner: [ClosedRange<Int>]) -> Bool {
    count(intersection(outer, inner)) == count(inner)
  }
}
