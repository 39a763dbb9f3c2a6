import Networks

/// The searches of one network at one buffer size, remembered so that each distinct problem is
/// searched once: a layer alone (the layerwise strategies, which fused-greedy and the optimizer
/// also fall back to) and a fused segment (fused-greedy and the optimizer's candidates).
///
/// Problems are keyed by what the models see, not by layer names or positions: a search's
/// result is a pure function of the layer's workload and bit widths (or of the segment's shapes,
/// kernels, skips and widths), the buffer, the psum width and Scan. So the copies of a repeated
/// layer or block, and the strategies of a sweep job, share one search, and a network of 10,000
/// identical layers costs about as much as one. Remembering changes nothing but time. A
/// reference type: one memo is shared by the strategies of one sweep job, on one thread.
public final class SearchMemo {
  public let buffer: Int
  public let psumWidth: Int
  /// Segments' spatial tilings, which memos of the same network at other buffer sizes may share.
  public let spatialCache: SegmentSpatialCache
  /// Single layers' optima, which memos of the same network at other buffer sizes may share.
  public let layerOptima: LayerOptimaCache
  /// The exact best of a segment (by `anonymous` key), nil when nothing fits.
  private var best: [FusedSegment: SegmentSchedule?] = [:]
  /// Segments known to have no schedule moving fewer bits than this.
  private var noneBelow: [FusedSegment: Int] = [:]
  /// Single layers' optima here, by what the search sees (the psum width is the memo's).
  private var layers: [LayerOptimaCache.Key: LayerSchedule] = [:]
  /// Where the searches this memo ran spent their time, so far.
  public private(set) var times = SearchTimes()

  /// A memo for searches at `buffer` entries with partial sums `psumWidth` entries wide, sharing
  /// segments' spatial tilings through `spatialCache` and single layers' optima through
  /// `layerOptima` with other buffer sizes (by default its own).
  public init(
    buffer: Int, psumWidth: Int = 1, spatialCache: SegmentSpatialCache = SegmentSpatialCache(),
    layerOptima: LayerOptimaCache = LayerOptimaCache()
  ) {
    self.buffer = buffer
    self.psumWidth = psumWidth
    self.spatialCache = spatialCache
    self.layerOptima = layerOptima
  }

  /// `SegmentSearch.best(segment, below: cutoff)`, with Scan allowed; `layers` is the range
  /// of network layers the segment covers (kept for callers; the key is the segment's content).
  public func best(_ segment: FusedSegment, layers: Range<Int>, below cutoff: Int? = nil) throws(FusionError)
    -> SegmentSchedule?
  {
    let key = segment.anonymous
    if let known = best[key] {
      guard var known, cutoff.map({ known.cost.bits < $0 }) ?? true else { return nil }
      known.segment = segment
      return known
    }
    if let cutoff, let bound = noneBelow[key], bound >= cutoff { return nil }
    let started = ContinuousClock.now
    let (found, spatialSeconds) = try SegmentSearch.timedBest(
      segment, buffer: buffer, psumWidth: psumWidth, below: cutoff, spatialCache: spatialCache)
    times.segmentSpatialTilings += spatialSeconds
    times.segmentSearches += SearchTimes.seconds(since: started) - spatialSeconds
    // Found under a cut-off, it is still the best of all; not found, only the cut-off is learnt.
    if found != nil || cutoff == nil {
      best[key] = .some(found)
    } else if let cutoff {
      noneBelow[key] = max(noneBelow[key] ?? 0, cutoff)
    }
    return found
  }

  /// The layer's least-bits schedule alone (layerwise-scan).
  public func alone(_ index: Int, in analysis: NetworkAnalysis) throws(PlanningError) -> LayerSchedule {
    try schedule(index, in: analysis, scan: .allowed)
  }

  /// The layer's least-bits schedule alone, with or without Scan.
  public func schedule(_ index: Int, in analysis: NetworkAnalysis, scan: ScanOption) throws(PlanningError)
    -> LayerSchedule
  {
    let layer = analysis.layers[index]
    let bits = OperandBits(layer, in: analysis, psumWidth: psumWidth)
    let workload: LayerWorkload
    do {
      workload = try LayerWorkload(layer)
    } catch {
      throw PlanningError(layer: layer.name, buffer: buffer, reason: "\(error)")
    }
    let key = LayerOptimaCache.Key(layer, workload: workload, bits: bits, scan: scan, psumWidth: psumWidth)
    var known: LayerSchedule
    if let here = layers[key] {
      known = here
    } else if let larger = layerOptima.optimum(key, buffer: buffer) {
      known = larger
      layers[key] = larger
    } else {
      let started = ContinuousClock.now
      defer { times.layerSearches += SearchTimes.seconds(since: started) }
      let found = try LayerPlanner.schedules(for: layer, in: analysis, buffer: buffer, scan: scan, psumWidth: psumWidth)
      guard let schedule = found.first else { throw PlanningError(layer: layer.name, buffer: buffer, reason: "no schedule fits") }
      layers[key] = schedule
      layerOptima.record(key, buffer: buffer, schedule: schedule)
      return schedule
    }
    // Another layer of the same shape, or the same at a larger size: its schedule, on this
    // layer's tensors.
    known.layer = layer.name
    known.tensors = LayerTensors(layer)
    return known
  }
}

extension FusedSegment {
  /// The segment without its names (segment, input, layers, external skip tensors): what the
  /// models see, so that two segments with equal keys have the same schedules and costs.
  var anonymous: FusedSegment {
    var copy = self
    copy.name = ""
    copy.inputName = ""
    for index in copy.layers.indices {
      copy.layers[index].name = ""
      if case .external(_, let bits)? = copy.layers[index].skip { copy.layers[index].skip = .external(name: "", bits: bits) }
    }
    return copy
  }
}
