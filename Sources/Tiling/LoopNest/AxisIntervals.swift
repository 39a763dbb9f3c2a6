/// What one operand sees of one loop dimension: for each tile index along the loop, the
/// interval of the operand's coordinates that tile covers (inclusive, possibly empty).
///
/// A channel or GEMM dimension gives disjoint intervals (tile i covers [i*T, (i+1)*T-1]);
/// an input row dimension of a KxK convolution gives overlapping windows (the halo),
/// clipped to the tensor because padding is never read. A dimension the operand does not
/// depend on gives the same interval for every index.
public struct AxisIntervals: Hashable, Sendable {
  public let lower: [Int]
  public let upper: [Int]

  public init(lower: [Int], upper: [Int]) {
    self.lower = lower
    self.upper = upper
  }

  public var count: Int { lower.count }

  /// Entries covered by tile `index`.
  public func length(_ index: Int) -> Int { max(0, upper[index] - lower[index] + 1) }

  /// Entries two tiles have in common.
  public func overlap(_ a: Int, _ b: Int) -> Int {
    max(0, min(upper[a], upper[b]) - max(lower[a], lower[b]) + 1)
  }

  /// A dimension the operand does not depend on: every tile index selects the same single "entry".
  public static func irrelevant(count: Int) -> AxisIntervals {
    AxisIntervals(lower: Array(repeating: 0, count: count), upper: Array(repeating: 0, count: count))
  }

  /// Disjoint tiles of `size` over `extent` entries; the last one is a fragment when size does not divide extent.
  public static func tiles(extent: Int, size: Int) -> AxisIntervals {
    let size = max(1, min(size, extent))
    let count = (extent + size - 1) / size
    let lower = (0..<count).map { $0 * size }
    return AxisIntervals(lower: lower, upper: lower.map { min($0 + size, extent) - 1 })
  }

  /// Input windows of a sliding window over tiles of `size` outputs: output o reads inputs
  /// o*stride - padding ... o*stride - padding + kernel - 1, clipped to [0, inputExtent).
  public static func windows(
    outputExtent: Int, size: Int, stride: Int, kernel: Int, padding: Int, inputExtent: Int
  ) -> AxisIntervals {
    let outputs = tiles(extent: outputExtent, size: size)
    return AxisIntervals(
      lower: outputs.lower.map { max(0, $0 * stride - padding) },
      upper: outputs.upper.map { min(inputExtent - 1, $0 * stride - padding + kernel - 1) })
  }
}

/// The sums over one axis the closed form needs, computed once per axis in O(tiles along it).
struct AxisSummary: Hashable, Sendable {
  let count: Int
  /// Sum of lengths over tile indices of each parity (index 0: even, 1: odd).
  let lengthByParity: [Int]
  /// Sum of overlap(p, p+1) over p = 0 ... count-2, by the parity of p.
  let neighbourOverlapByParity: [Int]
  let firstLength: Int
  let lastLength: Int
  /// overlap(last, first): what a loop that restarts without Scan keeps.
  let restartOverlap: Int
  let maximumLength: Int

  init(_ axis: AxisIntervals) {
    count = axis.count
    var lengths = [0, 0]
    var overlaps = [0, 0]
    var maximum = 0
    for index in 0..<axis.count {
      let length = axis.length(index)
      lengths[index % 2] += length
      maximum = max(maximum, length)
      if index + 1 < axis.count { overlaps[index % 2] += axis.overlap(index, index + 1) }
    }
    lengthByParity = lengths
    neighbourOverlapByParity = overlaps
    firstLength = axis.count > 0 ? axis.length(0) : 0
    lastLength = axis.count > 0 ? axis.length(axis.count - 1) : 0
    restartOverlap = axis.count > 0 ? axis.overlap(axis.count - 1, 0) : 0
    maximumLength = maximum
  }

  var totalLength: Int { lengthByParity[0] + lengthByParity[1] }
}
