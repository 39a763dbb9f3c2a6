import Synchronization

/// A spatial tiling of a segment (tile sizes, Scan, line buffers) apart from any buffer size:
/// its regions and its least footprint (every chunk a single channel, every weight streamed).
struct SegmentSpatialTiling: Sendable {
  /// Chunks of one channel, nothing resident: the tiling of the least footprint.
  var tiling: SegmentTiling
  var rows: SegmentRegions
  var columns: SegmentRegions
  /// The least footprint of any schedule with this spatial tiling, in entries.
  var frugal: Int
  /// Bits moved with every stage whole and every weight resident: the least of any schedule.
  var wholeBits: Int = 0
  /// Per layer, the bits that streaming its weights adds with every stage whole (0 without
  /// weights); a weight's residency changes only its own loads.
  var streamingBits: [Int] = []
  /// Extra MACs with every stage whole: the halo's recompute, the least of any schedule (chunk
  /// recompute is never negative).
  var haloMACs: Int = 0
}

/// The spatial tilings the segment search starts from, which do not depend on the buffer size.
///
/// Every spatial tiling is enumerated once and those whose features another's match or beat
/// (`SegmentSpatialFeatures`) are dropped. That drops exactly what the search would drop at any
/// buffer size: a tiling that dominates another has no more footprint, bits or extra MACs in
/// any schedule, so it fits (and passes an extra-MAC cap) whenever the other does, and
/// dominance is transitive; among equals the first enumerated is kept, as at one size. What is
/// left at a buffer size is the tilings here whose least footprint fits, in this order.
enum SegmentSpatialTilings {
  /// The undominated spatial tilings of `model` with Scan as `scan` allows, in enumeration order
  /// (rows, then line buffers, then columns, then Scan).
  static func undominated(model: SegmentModel, scan: ScanOption) -> [SegmentSpatialTiling] {
    let segment = model.segment
    let height = segment.tiledShape.height
    let width = segment.tiledShape.width
    let layerCount = segment.layers.count
    var columnRegions: [Int: SegmentRegions] = [:]
    func regions(columns: Int) -> SegmentRegions {
      if let cached = columnRegions[columns] { return cached }
      let computed = SegmentRegions.columns(segment, tileSize: columns)
      columnRegions[columns] = computed
      return computed
    }
    // Every tiling admitted, with whether it is still undominated; per group, the undominated
    // ones' features and places in `found`.
    var found: [(spatial: SegmentSpatialTiling, undominated: Bool)] = []
    var kept: [SegmentSpatialFeatures.Group: [(features: SegmentSpatialFeatures, index: Int)]] = [:]
    let candidates = lineBufferCandidates(segment)
    let constants = SegmentSearchCost.Constants(model: model)
    // Made once and shared by every tiling (most tilings are dominated and never made at all).
    let singleChannelChunks = Array(repeating: 1, count: model.stageChannels.count)
    let nothingResident = Array(repeating: false, count: layerCount)
    for rows in 1...height {
      for (lines, rowRegion) in SegmentRegions.rowChoices(segment, tileSize: rows, candidates: candidates) {
        let usesLines = lines.contains(true)
        for columns in usesLines ? width...width : 1...width {
          let columnRegion = regions(columns: columns)
          for scanned in scan == .allowed && columns < width ? [false, true] : [false] {
            let group = SegmentSpatialFeatures.Group(rowTiles: rowRegion.tileCount, columnTiles: columnRegion.tileCount, scan: scanned)
            let features = SegmentSpatialFeatures(
              model: model, constants: constants, group: group, lineBuffers: lines, rows: rowRegion, columns: columnRegion)
            guard let dropped = admit(features, as: found.count, among: &kept[group, default: []]) else { continue }
            for index in dropped { found[index].undominated = false }
            let tiling = SegmentTiling(
              rows: rows, columns: columns, scan: scanned, chunks: singleChannelChunks, resident: nothingResident,
              lineBuffers: lines)
            found.append((SegmentSpatialTiling(tiling: tiling, rows: rowRegion, columns: columnRegion, frugal: 0), true))
          }
        }
      }
    }
    return found.filter(\.undominated).map { found in
      var spatial = found.spatial
      spatial.frugal = model.footprint(of: spatial.tiling, rows: spatial.rows, columns: spatial.columns, inputSkipsFree: true)
      return withWholeCost(spatial, model: model, constants: constants)
    }
  }

  /// Adds `features` (to be found at `index`) to `peers` (the undominated of its group so far)
  /// unless one of them dominates it, dropping those it dominates; returns the places of those
  /// dropped, or nil when it was not added. `peers` is the group's entry, changed in place (one
  /// lookup, no copy).
  private static func admit(
    _ features: SegmentSpatialFeatures, as index: Int, among peers: inout [(features: SegmentSpatialFeatures, index: Int)]
  ) -> [Int]? {
    if peers.contains(where: { $0.features.dominates(features) }) { return nil }
    var dropped: [Int] = []
    peers.removeAll { peer in
      guard features.dominates(peer.features) else { return false }
      dropped.append(peer.index)
      return true
    }
    peers.append((features, index))
    return dropped
  }

  /// `spatial` with the cost of its schedules with every stage whole, which bounds every
  /// schedule of it at any buffer size (`SegmentSearchRun.spatialCandidates`).
  private static func withWholeCost(
    _ spatial: SegmentSpatialTiling, model: SegmentModel, constants: SegmentSearchCost.Constants
  ) -> SegmentSpatialTiling {
    var spatial = spatial
    var whole = spatial.tiling
    whole.chunks = model.stageChannels
    whole.resident = Array(repeating: true, count: whole.resident.count)
    let evaluator = SegmentSearchCost(constants: constants, scan: whole.scan, rows: spatial.rows, columns: spatial.columns)
    let cost = evaluator.evaluate(whole)
    spatial.wholeBits = cost.bits
    spatial.haloMACs = cost.extraMACs
    spatial.streamingBits = whole.resident.indices.map { layer in
      evaluator.weightBits(whole, layer: layer, resident: false) - evaluator.weightBits(whole, layer: layer, resident: true)
    }
    return spatial
  }

  /// The layers whose input may be kept in a line buffer: every on-chip input a convolution or
  /// pool reads (neighbouring row bands can both need its rows: through overlapping windows, a
  /// later layer's halo, or an add that reads it as its skip after the layer computed a band
  /// ahead), and layer 0 when an add reads the segment input (its line buffer keeps the rows the
  /// add reads). These are exactly the flags `SegmentModel.validate` accepts, so every legal
  /// subset is a choice; those that change no region are left out where they come up
  /// (`SegmentRegions.rowChoices`), which keeps the enumeration small.
  static func lineBufferCandidates(_ segment: FusedSegment) -> Set<Int> {
    let branchSources = segment.branchSources
    var candidates = Set(
      segment.layers.indices.filter { index in
        let layer = segment.layers[index]
        return index >= 1 && layer.readsWindow && layer.branchFrom == nil && !branchSources.contains(index)
      })
    if segment.addsReadInput { candidates.insert(0) }
    return candidates
  }
}

/// The undominated spatial tilings of the segments searched, shared by the searches of one
/// network at every buffer size and with every strategy (they do not depend on either), so
/// that each segment's spatial tilings are enumerated once. Safe to share between threads.
public final class SegmentSpatialCache: Sendable {
  private struct Key: Hashable {
    var segment: FusedSegment
    var psumWidth: Int
    var scan: ScanOption
  }

  /// One segment's tilings, enumerated by the first thread that asks while later ones wait for
  /// its lock (rather than enumerate them again).
  private final class Entry: Sendable {
    let tilings = Mutex<[SegmentSpatialTiling]?>(nil)
  }

  private let entries = Mutex<[Key: Entry]>([:])

  /// An empty cache.
  public init() {}

  /// The undominated spatial tilings of `model`'s segment, enumerated on the first request.
  func tilings(model: SegmentModel, scan: ScanOption) -> [SegmentSpatialTiling] {
    let key = Key(segment: model.segment.anonymous, psumWidth: model.psumWidth, scan: scan)
    let entry = entries.withLock { entries in
      if let known = entries[key] { return known }
      let made = Entry()
      entries[key] = made
      return made
    }
    return entry.tilings.withLock { tilings in
      if let known = tilings { return known }
      let computed = SegmentSpatialTilings.undominated(model: model, scan: scan)
      tilings = computed
      return computed
    }
  }
}
