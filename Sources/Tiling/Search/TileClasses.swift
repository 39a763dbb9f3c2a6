/// The tile sizes of one dimension grouped by tile count.
///
/// Traffic depends on a tile size T only through its count ceil(D/T) and the lengths of the
/// first and last tile, so the search walks count classes instead of all T in 1...D: there
/// are fewer than 2*sqrt(D) of them.
struct TileClass: Hashable, Sendable {
  /// ceil(D/T) for every T in the class.
  let count: Int
  /// The smallest tile size with this count: the one with the smallest footprint.
  let smallest: Int
  /// The largest tile size with this count.
  let largest: Int

  /// Every class of a dimension of `extent` entries, largest tiles (count 1) first.
  static func classes(of extent: Int) -> [TileClass] {
    var classes: [TileClass] = []
    var size = 1
    while size <= extent {
      let count = (extent + size - 1) / size
      // The largest T with ceil(D/T) == count is ceil(D/(count-1)) - 1.
      let largest = count == 1 ? extent : (extent + count - 2) / (count - 1) - 1
      classes.append(TileClass(count: count, smallest: size, largest: largest))
      size = largest + 1
    }
    return classes.reversed()
  }
}
