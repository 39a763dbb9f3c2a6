import Networks

/// The signs of a window of a CHW activation tensor, packed 64 per `UInt64` along channels.
///
/// Layout: `words[((row - rows.lowerBound) * columns.count + (column - columns.lowerBound))
/// * groups * wordsPerGroup + group * wordsPerGroup + word]`. Channel `c` of group `g`
/// (c = g * channelsPerGroup + k) is bit `k % 64` of word `k / 64`; the bit is 1 for
/// x >= 0 (+1) and 0 for x < 0 (-1). Bits past `channelsPerGroup` in a group's last word are
/// always 0, as they are in the packed weights, so their XOR is 0 and never counts.
///
/// Packing along channels (rather than along the whole ci x kh x kw patch) lets one packed
/// input tile serve every kernel position and every overlapping window, so the input is
/// packed once per tile instead of once per output pixel; the cost is a partly empty word when
/// a group has few channels (depthwise layers use 1 bit of each word).
package struct PackedActivations: Sendable {
  /// The whole tensor this window was cut from.
  package let shape: TensorShape
  package let groups: Int
  package let rows: Range<Int>
  package let columns: Range<Int>
  package private(set) var words: [UInt64]

  package var channelsPerGroup: Int { shape.channels / groups }
  package var wordsPerGroup: Int { (channelsPerGroup + 63) / 64 }

  /// Packs the signs of `values` (CHW, `shape`) inside `rows` x `columns`. `Value` is any
  /// signed number: Float activations or fixed-point integers (only the sign matters).
  package init<Value: Comparable & AdditiveArithmetic>(
    _ values: [Value], shape: TensorShape, groups: Int = 1, rows: Range<Int>? = nil, columns: Range<Int>? = nil
  ) {
    precondition(values.count == shape.channels * shape.height * shape.width, "values do not match the shape")
    precondition(groups >= 1 && shape.channels % groups == 0, "groups must divide the channels")
    let rows = rows ?? 0..<shape.height
    let columns = columns ?? 0..<shape.width
    precondition(rows.lowerBound >= 0 && rows.upperBound <= shape.height, "rows outside the tensor")
    precondition(columns.lowerBound >= 0 && columns.upperBound <= shape.width, "columns outside the tensor")
    self.shape = shape
    self.groups = groups
    self.rows = rows
    self.columns = columns
    let perGroup = shape.channels / groups
    let wordsPerGroup = (perGroup + 63) / 64
    let pixelStride = groups * wordsPerGroup
    var words = [UInt64](repeating: 0, count: rows.count * columns.count * pixelStride)
    words.withUnsafeMutableBufferPointer { packed in
      values.withUnsafeBufferPointer { source in
        // Channel-outer order reads the CHW source contiguously.
        for channel in 0..<shape.channels {
          let group = channel / perGroup
          let within = channel - group * perGroup
          let wordOffset = group * wordsPerGroup + (within >> 6)
          let bit = UInt64(1) << UInt64(within & 63)
          for row in rows {
            let sourceRow = (channel * shape.height + row) * shape.width
            let packedRow = (row - rows.lowerBound) * columns.count - columns.lowerBound
            for column in columns where source[sourceRow + column] >= .zero {
              packed[(packedRow + column) * pixelStride + wordOffset] |= bit
            }
          }
        }
      }
    }
    self.words = words
  }

  /// The signs of a flat vector (a fully connected layer's input, CHW-flattened).
  package init<Value: Comparable & AdditiveArithmetic>(vector values: [Value]) {
    self.init(values, shape: TensorShape(channels: values.count, height: 1, width: 1))
  }
}
