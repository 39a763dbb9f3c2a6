import Networks

extension FusedSegment {
  /// Largest count a segment's schedules may form (2^62): bits moved, MACs with recompute.
  package static let largestCount = 1 << 62

  /// An upper bound on every count the segment's models form for any of its schedules (bits
  /// moved, MACs with halo and chunk recompute), or nil when that bound does not fit in
  /// `largestCount`. Segments within `Limits` can still exceed it: recompute multiplies a
  /// layer's work by its receptive field and by the chunk loops above it, so a deep stack of
  /// huge kernels could count past 2^63. Such a segment is not fused (`SegmentSearch` finds no
  /// schedule for it and its layers run alone), so that nothing in the models can overflow.
  ///
  /// The bound takes, on each axis, the rows a tensor's regions add up to over all tiles: at
  /// most every output row times the tensor's extent, and at most 4 x the output rows times the
  /// larger of the receptive field of one output row and the stride product (tiles of h rows
  /// need (h-1)*S + R rows each, ceil(H/h) tiles). An operand of stages a <= b (or a layer's
  /// computation in stage a) is repeated at most once per chunk of every later stage that it
  /// does not span, as the nests order chunk loops (`SegmentSearchCost.evaluate`): at most the
  /// product of those stages' channels. Widths are at most 16 bits.
  package var countBound: Int? {
    let reach = receptiveReach
    // Tiles are cut from the tiled tensor (a final global pool's input).
    let outputRows = tiledShape.height
    let outputColumns = tiledShape.width
    let channels = stageChannels
    let stages = stageOfTensor
    /// The most times an operand of stages `low` and `high` (or a computation in stage `low`)
    /// is repeated by the chunk loops of the stages after `low`.
    func repetitions(_ low: Int, _ high: Int) -> Int? {
      checkedProduct(channels.indices.filter { $0 > low && $0 != high }.map { channels[$0] })
    }
    /// All regions of tensor `tensor` over all tiles, in pixels.
    func regionTotal(_ tensor: Int) -> Int? {
      let shape = shape(ofTensor: tensor)
      guard
        let rows = checkedProduct([outputRows, min(shape.height, 4 * max(reach.rows[tensor], reach.rowStride[tensor]))]),
        let columns = checkedProduct([
          outputColumns, min(shape.width, 4 * max(reach.columns[tensor], reach.columnStride[tensor])),
        ])
      else { return nil }
      return checkedProduct([rows, columns])
    }
    let widest = Precision.validBits.upperBound
    guard let inputArea = regionTotal(0), let tiles = checkedProduct([outputRows, outputColumns]),
      let inputRepetitions = repetitions(0, 0),
      var total = checkedProduct([inputArea, input.channels, inputRepetitions, widest])
    else { return nil }
    for (index, layer) in layers.enumerated() {
      let stage = stages[index + 1]
      guard let area = regionTotal(index + 1), let repeated = repetitions(stage, stage),
        let weightRepeated = repetitions(stages[inputTensor(ofLayer: index)], stage),
        // Computed MACs, halo and chunk recompute, each at most this.
        let macs = checkedProduct([area, layer.output.channels, max(1, layer.macsPerOutput), repeated, 2]),
        let weights = checkedProduct([max(1, layer.weightCount), tiles, weightRepeated, widest]),
        let skips = checkedProduct([area, layer.output.channels, repeated, widest]),
        let sum = checkedSum([total, macs, weights, skips])
      else { return nil }
      total = sum
    }
    guard let outputBits = checkedProduct([output.channels, output.height, output.width, widest]),
      let sum = checkedSum([total, outputBits]), sum <= Self.largestCount
    else { return nil }
    return sum
  }

  /// Per tensor, the rows (and columns) of it one output row (column) of the segment depends
  /// on, and the product of the strides between it and the output; saturated at `Limits.extent`
  /// times 4 (beyond any tensor's extent, which clips them).
  private var receptiveReach: (rows: [Int], columns: [Int], rowStride: [Int], columnStride: [Int]) {
    let cap = 4 * Limits.extent
    var rows = Array(repeating: 1, count: tensorCount)
    var columns = rows
    var rowStride = rows
    var columnStride = rows
    for index in layers.indices.reversed() {
      let layer = layers[index]
      // A final global pool adds each tile of its input in: one of its rows is one input row.
      if layer.kind == .globalAveragePool { continue }
      // The largest over the tensor's readers (the segment input's include its branches).
      let input = inputTensor(ofLayer: index)
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
