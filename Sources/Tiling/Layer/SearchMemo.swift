import Networks

/// The searches of one network at one buffer size, remembered so that strategies planning the
/// same things search each once: layers alone (layerwise-scan, which fused-greedy and the
/// optimizer also fall back to) and fused segments (fused-greedy and the optimizer's candidates).
///
/// Results of `SegmentSearch.best` are a pure function of (segment, buffer, psum width, Scan),
/// so remembering them changes nothing but time. A reference type: one memo is shared by the
/// strategies of one sweep job, on one thread.
public final class SearchMemo {
  public let buffer: Int
  public let psumWidth: Int
  /// The exact best of a layer range, nil when nothing fits.
  private var best: [Range<Int>: SegmentSchedule?] = [:]
  /// Ranges known to have no schedule moving fewer bits than this.
  private var noneBelow: [Range<Int>: Int] = [:]
  private var alone: [Int: LayerSchedule] = [:]

  public init(buffer: Int, psumWidth: Int = 1) {
    self.buffer = buffer
    self.psumWidth = psumWidth
  }

  /// `SegmentSearch.best(segment, below: cutoff)` for the layers `layers`, with Scan allowed.
  public func best(_ segment: FusedSegment, layers: Range<Int>, below cutoff: Int? = nil) throws(FusionError)
    -> SegmentSchedule?
  {
    if let known = best[layers] {
      guard let known, cutoff.map({ known.cost.bits < $0 }) ?? true else { return nil }
      return known
    }
    if let cutoff, let bound = noneBelow[layers], bound >= cutoff { return nil }
    let found = try SegmentSearch.best(segment, buffer: buffer, psumWidth: psumWidth, scan: .allowed, below: cutoff)
    // Found under a cut-off, it is still the best of all; not found, only the cut-off is learnt.
    if found != nil || cutoff == nil {
      best[layers] = .some(found)
    } else if let cutoff {
      noneBelow[layers] = max(noneBelow[layers] ?? 0, cutoff)
    }
    return found
  }

  /// The layer's least-bits schedule alone (layerwise-scan).
  public func alone(_ index: Int, in analysis: NetworkAnalysis) throws(PlanningError) -> LayerSchedule {
    if let known = alone[index] { return known }
    let layer = analysis.layers[index]
    let found = try LayerPlanner.schedules(for: layer, in: analysis, buffer: buffer, strategy: .scan, psumWidth: psumWidth)
    guard let schedule = found.first else { throw PlanningError(layer: layer.name, buffer: buffer, reason: "no schedule fits") }
    alone[index] = schedule
    return schedule
  }
}
