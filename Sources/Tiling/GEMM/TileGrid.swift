/// The tiles along one dimension: `count` tiles of `size`, the last one a fragment when
/// the tile size does not divide the dimension. Fragments are counted with their real size.
struct TileAxis: Hashable, Sendable {
  let extent: Int
  let size: Int

  init(extent: Int, tileSize: Int) {
    self.extent = extent
    self.size = min(tileSize, extent)
  }

  var count: Int { (extent + size - 1) / size }

  /// Entries along this axis covered by tile `index`.
  func length(of index: Int) -> Int { min(size, extent - index * size) }

  var first: Int { length(of: 0) }
  var last: Int { length(of: count - 1) }

  /// Sum of the tile lengths at even indices (0, 2, 4, ...).
  var evenSum: Int {
    let evens = (count + 1) / 2
    return count % 2 == 1 ? (evens - 1) * size + last : evens * size
  }

  var oddSum: Int { extent - evenSum }
}

extension GEMMTiling {
  func axes(for shape: GEMMShape) -> PerDimension<TileAxis> {
    PerDimension(
      m: TileAxis(extent: shape.m, tileSize: tile.m), k: TileAxis(extent: shape.k, tileSize: tile.k),
      n: TileAxis(extent: shape.n, tileSize: tile.n))
  }
}
