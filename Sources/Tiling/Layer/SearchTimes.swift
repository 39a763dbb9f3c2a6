/// Where a `SearchMemo`'s searches spent their time: seconds of wall time on the thread that
/// asked, for the searches it ran (a problem remembered from an earlier strategy or buffer size
/// costs nothing here; a segment's spatial tilings enumerated by another buffer size's thread
/// cost the wait).
public struct SearchTimes: Hashable, Sendable {
  /// Single-layer tiling searches (the layerwise strategies, and layers no segment covers).
  public var layerSearches: Double = 0
  /// Segments' spatial tilings: enumerated (regions, line-buffer choices, dominance; once per
  /// segment for every buffer size) or waited for, then kept if they fit this buffer.
  public var segmentSpatialTilings: Double = 0
  /// The rest of the segment searches: chunk counts, residency and their bounds.
  public var segmentSearches: Double = 0

  /// No time at all.
  public init() {}

  /// Phase by phase: the time of two sets of searches together.
  public static func + (a: SearchTimes, b: SearchTimes) -> SearchTimes {
    a.combined(with: b, +)
  }

  /// Phase by phase: the time from `earlier` to `later` of one memo.
  public static func - (later: SearchTimes, earlier: SearchTimes) -> SearchTimes {
    later.combined(with: earlier, -)
  }

  private func combined(with other: SearchTimes, _ operation: (Double, Double) -> Double) -> SearchTimes {
    var result = SearchTimes()
    result.layerSearches = operation(layerSearches, other.layerSearches)
    result.segmentSpatialTilings = operation(segmentSpatialTilings, other.segmentSpatialTilings)
    result.segmentSearches = operation(segmentSearches, other.segmentSearches)
    return result
  }

  /// Every phase together.
  public var total: Double { layerSearches + segmentSpatialTilings + segmentSearches }

  /// Seconds from `start` until now.
  static func seconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
  }
}
