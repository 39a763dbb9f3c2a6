import Networks

/// A box of a CHW tensor in tensor coordinates: a channel range, a row range and a column range
/// (half-open). Tiles, accumulator blocks and input windows are all regions.
package struct TensorRegion: Hashable, Sendable, CustomStringConvertible {
  package var channels: Range<Int>
  package var rows: Range<Int>
  package var columns: Range<Int>

  package init(channels: Range<Int>, rows: Range<Int>, columns: Range<Int>) {
    self.channels = channels
    self.rows = rows
    self.columns = columns
  }

  /// The whole tensor.
  package init(_ shape: TensorShape) {
    self.init(channels: 0..<shape.channels, rows: 0..<shape.height, columns: 0..<shape.width)
  }

  /// Elements in the box.
  package var count: Int { channels.count * rows.count * columns.count }
  package var isEmpty: Bool { count == 0 }

  /// Whether `other` lies inside this box (an empty box lies inside any box).
  package func contains(_ other: TensorRegion) -> Bool {
    other.isEmpty
      || (channels.contains(other.channels) && rows.contains(other.rows) && columns.contains(other.columns))
  }

  /// Index of element (channel, row, column), in tensor coordinates, in a dense CHW block of this box.
  @inlinable
  package func offset(channel: Int, row: Int, column: Int) -> Int {
    ((channel - channels.lowerBound) * rows.count + (row - rows.lowerBound)) * columns.count
      + (column - columns.lowerBound)
  }

  package var description: String {
    "c\(channels.lowerBound)..<\(channels.upperBound) y\(rows.lowerBound)..<\(rows.upperBound) "
      + "x\(columns.lowerBound)..<\(columns.upperBound)"
  }
}

extension Range where Bound == Int {
  /// Whether every element of `other` is in this range (an empty range is in every range).
  func contains(_ other: Range<Int>) -> Bool {
    other.isEmpty || (lowerBound <= other.lowerBound && other.upperBound <= upperBound)
  }
}

/// A dense block of a CHW tensor: `values` holds the elements of `region` in CHW order
/// (`region.offset(channel:row:column:)`). The whole tensor is the block whose region is the
/// whole shape. Integer blocks store fixed-point integers range-limited to their format's width
/// in `Int32`; accumulator blocks hold 32-bit partial sums.
package struct TensorBlock<Scalar: Sendable>: Sendable {
  package var region: TensorRegion
  package var values: [Scalar]

  package init(region: TensorRegion, values: [Scalar]) {
    precondition(values.count == region.count, "a block of \(region) holds \(region.count) values, found \(values.count)")
    self.region = region
    self.values = values
  }

  /// A block of `region` filled with `value` (zero for a fresh accumulator).
  package init(region: TensorRegion, repeating value: Scalar) {
    self.region = region
    self.values = Array(repeating: value, count: region.count)
  }

  /// A whole tensor.
  package init(shape: TensorShape, values: [Scalar]) { self.init(region: TensorRegion(shape), values: values) }

  /// The element at tensor coordinates (channel, row, column), which must be in the block.
  package subscript(channel: Int, row: Int, column: Int) -> Scalar {
    get { values[region.offset(channel: channel, row: row, column: column)] }
    set { values[region.offset(channel: channel, row: row, column: column)] = newValue }
  }

  /// The part of this block inside `subregion`, as a dense block of its own.
  package func cropped(to subregion: TensorRegion) -> TensorBlock {
    precondition(region.contains(subregion), "\(subregion) is not inside the block \(region)")
    var result: [Scalar] = []
    result.reserveCapacity(subregion.count)
    for channel in subregion.channels {
      for row in subregion.rows {
        let start = region.offset(channel: channel, row: row, column: subregion.columns.lowerBound)
        result.append(contentsOf: values[start..<(start + subregion.columns.count)])
      }
    }
    return TensorBlock(region: subregion, values: result)
  }

  /// Copies `block` into the part of this block it covers.
  package mutating func paste(_ block: TensorBlock) {
    precondition(region.contains(block.region), "\(block.region) is not inside the block \(region)")
    let width = block.region.columns.count
    guard width > 0 else { return }
    var source = 0
    for channel in block.region.channels {
      for row in block.region.rows {
        let start = region.offset(channel: channel, row: row, column: block.region.columns.lowerBound)
        values.replaceSubrange(start..<(start + width), with: block.values[source..<(source + width)])
        source += width
      }
    }
  }
}

/// Integer tensors and accumulators.
package typealias IntegerBlock = TensorBlock<Int32>
/// Float tensors (the reference).
package typealias FloatBlock = TensorBlock<Float>
