import FixedPoint
import Networks

/// The naive oracle for binarized layers: the same layer computed with ±1 integers in plain
/// loops, padded positions contributing 0, no packing.
enum BinaryReference {
  static func sign(_ value: Float) -> Int { value >= 0 ? 1 : -1 }

  /// ±1 dot products of the whole output, [outputChannel][row][column].
  static func dots(input: [Float], weights: [Float], geometry g: BinaryGeometry) -> [Int32] {
    let output = g.output
    let perGroup = g.channelsPerGroup
    var result: [Int32] = []
    result.reserveCapacity(output.channels * output.height * output.width)
    for co in 0..<output.channels {
      let group = co / g.outputChannelsPerGroup
      for oy in 0..<output.height {
        for ox in 0..<output.width {
          var sum = 0
          for k in 0..<perGroup {
            let ci = group * perGroup + k
            for ky in 0..<g.kernel.height {
              for kx in 0..<g.kernel.width {
                let iy = oy * g.stride.height - g.padding.top + ky
                let ix = ox * g.stride.width - g.padding.left + kx
                let inside = iy >= 0 && iy < g.input.height && ix >= 0 && ix < g.input.width
                let a = inside ? sign(input[(ci * g.input.height + iy) * g.input.width + ix]) : 0
                let w = sign(weights[((co * perGroup + k) * g.kernel.height + ky) * g.kernel.width + kx])
                sum += a * w
              }
            }
          }
          result.append(Int32(sum))
        }
      }
    }
    return result
  }

  /// Mean |w| per filter, in Double.
  static func alpha(weights: [Float], geometry g: BinaryGeometry) -> [Double] {
    (0..<g.outputChannels).map { co in
      let filter = weights[co * g.filterLength..<(co + 1) * g.filterLength]
      return filter.reduce(0.0) { $0 + Double(abs($1)) } / Double(g.filterLength)
    }
  }

  /// The values of `region` cut out of a whole [channel][row][column] output.
  static func cut<T>(_ whole: [T], output: TensorShape, region: TensorRegion) -> [T] {
    var result: [T] = []
    for c in region.channels {
      for y in region.rows {
        for x in region.columns { result.append(whole[(c * output.height + y) * output.width + x]) }
      }
    }
    return result
  }

  static func randomValues(_ count: Int, using generator: inout SeededGenerator) -> [Float] {
    (0..<count).map { _ in Float.random(in: -1...1, using: &generator) }
  }
}
