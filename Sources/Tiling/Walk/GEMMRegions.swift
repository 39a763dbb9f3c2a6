/// Where a GEMM's tiles lie in the layer's tensors. A pointwise layer's m runs over the output
/// pixels in row-major order (output pixel (y, x) reads input pixel (y * stride, x * stride)) and
/// k over the input channels; a fully connected layer's k runs over its input flattened in
/// `c h w` order. n is the output channel either way; weights are `[n][k]` as `co ci kh kw`.
struct GEMMRegions {
  let shape: GEMMShape
  let axes: PerDimension<TileAxis>
  let tensors: LayerTensors
  let isFullyConnected: Bool

  init(shape: GEMMShape, tiling: GEMMTiling, tensors: LayerTensors, isFullyConnected: Bool) {
    self.shape = shape
    self.axes = tiling.axes(for: shape)
    self.tensors = tensors
    self.isFullyConnected = isFullyConnected
  }

  /// The boxes of an operand's tile, in `c h w` (input, output) or `co ci kh kw` (weights).
  func region(_ operand: Operand, _ tile: PerDimension<Int>) -> [CoordinateBox] {
    func span(_ dimension: GEMMDimension) -> ClosedRange<Int> {
      let start = tile[dimension] * axes[dimension].size
      return start...(start + axes[dimension].length(of: tile[dimension]) - 1)
    }
    switch operand {
    case .weight:
      return [CoordinateBox([[span(.n)], [span(.k)], [0...0], [0...0]])]
    case .input where isFullyConnected:
      let input = tensors.inputShapes[0]
      return Self.boxes(span(.k), extents: [input.channels, input.height, input.width]).map(CoordinateBox.init)
    case .input:
      let stride = tensors.stride
      return pixels(span(.m)).map { box in
        CoordinateBox([[span(.k)], Self.strided(box[0], stride.height), Self.strided(box[1], stride.width)])
      }
    case .output where isFullyConnected:
      return [CoordinateBox([[span(.n)], [0...0], [0...0]])]
    case .output:
      return pixels(span(.m)).map { CoordinateBox([[span(.n)]] + $0) }
    }
  }

  /// Output pixels `m` as (rows, columns) boxes of the output.
  private func pixels(_ m: ClosedRange<Int>) -> [[[ClosedRange<Int>]]] {
    let output = tensors.outputShape
    return Self.boxes(m, extents: [output.height, output.width])
  }

  /// Output coordinates `range` as the input coordinates they read at `stride` (1x1, no padding).
  static func strided(_ ranges: [ClosedRange<Int>], _ stride: Int) -> [ClosedRange<Int>] {
    guard stride > 1 else { return ranges }
    return ranges.flatMap { range in range.map { ($0 * stride)...($0 * stride) } }
  }

  /// A range of row-major flat indices over `extents` as disjoint boxes (at most two per axis
  /// beyond the first: a partial run at each end and whole runs between).
  static func boxes(_ flat: ClosedRange<Int>, extents: [Int]) -> [[[ClosedRange<Int>]]] {
    guard extents.count > 1 else { return [[[flat]]] }
    let rest = Array(extents.dropFirst())
    let inner = rest.reduce(1, *)
    let (first, last) = (flat.lowerBound / inner, flat.upperBound / inner)
    let (low, high) = (flat.lowerBound % inner, flat.upperBound % inner)
    if first == last { return boxes(low...high, extents: rest).map { [[first...first]] + $0 } }
    var result: [[[ClosedRange<Int>]]] = []
    var wholeFrom = first
    var wholeTo = last
    if low != 0 {
      result += boxes(low...(inner - 1), extents: rest).map { [[first...first]] + $0 }
      wholeFrom += 1
    }
    if high != inner - 1 { wholeTo -= 1 }
    if wholeFrom <= wholeTo { result.append([[wholeFrom...wholeTo]] + rest.map { [0...($0 - 1)] }) }
    if high != inner - 1 { result += boxes(0...high, extents: rest).map { [[last...last]] + $0 } }
    return result
  }
}
