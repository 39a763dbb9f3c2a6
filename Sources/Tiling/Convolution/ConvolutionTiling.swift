/// How one convolution is tiled: tile sizes (output channels, input channels, output rows and
/// columns), the order of the tile loops (outer to inner) and which loops Scan.
public struct ConvolutionTiling: Hashable, Sendable, Codable, CustomStringConvertible {
  public var tile: [ConvolutionDimension: Int]
  public var order: [ConvolutionDimension]
  public var scan: Set<ConvolutionDimension>

  public init(tile: [ConvolutionDimension: Int], order: [ConvolutionDimension], scan: Set<ConvolutionDimension> = []) {
    self.tile = tile
    self.order = order
    self.scan = scan
  }

  /// Tile size along a dimension, clamped to the problem (a missing size means the whole extent).
  public func size(_ dimension: ConvolutionDimension, in problem: ConvolutionProblem) -> Int {
    let extent = problem.extent(of: dimension)
    return max(1, min(tile[dimension] ?? extent, extent))
  }

  public func validate(for problem: ConvolutionProblem) throws(TilingError) {
    guard order.count == problem.dimensions.count, Set(order) == Set(problem.dimensions) else {
      throw TilingError(
        "loop order \(order.map(\.rawValue).joined()) is not a permutation of \(problem.dimensions.map(\.rawValue).joined(separator: ", "))")
    }
    for (dimension, size) in tile where size < 1 {
      throw TilingError("tile size of \(dimension.rawValue) must be at least 1, found \(size)")
    }
  }

  public var description: String {
    let sizes = order.map { "\($0.rawValue)\(tile[$0].map(String.init) ?? "*")" }.joined(separator: " ")
    let scanned = order.filter { scan.contains($0) }.map(\.rawValue).joined(separator: ",")
    return "tile \(sizes) order \(order.map(\.rawValue).joined(separator: "-"))" + (scanned.isEmpty ? "" : " scan \(scanned)")
  }
}

/// A tiling that cannot be applied to its layer.
public struct TilingError: Error, Hashable, Sendable, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}
