import Networks

/// The `fused-greedy` strategy: walking the network in order, each unit starts at the next
/// layer and grows into the longest legal chain (up to `maxLength` layers and `maxStages`
/// channel stages, i.e. `maxStages - 1` mixing layers) whose fused schedule fits the buffer and
/// moves no more bits than the unit so far plus the added layers run alone (Scan allowed
/// everywhere). Layers that join no chain run alone with their `layerwise-scan` schedule.
/// A simple rule, not the best partition: choosing that is the optimizer's job.
///
/// Each chain is searched below what the unit so far and the added layers alone move, so that
/// the bounds rule out a long chain that cannot win before its tilings are enumerated; this is
/// what keeps the default limits (`SegmentLimits`: three MobileNet blocks) affordable.
package enum FusedGreedyPlanner {
  package static func plan(
    _ analysis: NetworkAnalysis, buffer: Int, psumWidth: Int = 1,
    maxLength: Int = SegmentLimits.defaultLength, maxStages: Int = SegmentLimits.defaultStages, memo: SearchMemo? = nil,
    progress: (_ layersDone: Int, _ layerCount: Int) -> Void = { _, _ in }
  ) throws(PlanningError) -> NetworkPlan {
    let memo = memo ?? SearchMemo(buffer: buffer, psumWidth: psumWidth)
    let chains = Dictionary(
      grouping: FusionChains(analysis).legalSegments(maxLength: maxLength, maxStages: maxStages), by: \.layers.lowerBound)
    func single(_ index: Int) throws(PlanningError) -> PlanUnit { .layer(try memo.alone(index, in: analysis)) }
    var units: [PlanUnit] = []
    var start = 0
    while start < analysis.layers.count {
      var unit = try single(start)
      var length = 1
      for (layers, segment) in chains[start, default: []] {
        // The chain replaces the unit if it moves no more bits than the unit and the added
        // layers alone: searched below that (plus one), it is ruled out fast when it cannot.
        var alternative: Int? = unit.bits
        for index in (start + length)..<layers.upperBound {
          let alone = try single(index).bits
          alternative = alternative.flatMap { sum in
            let (total, overflow) = sum.addingReportingOverflow(alone)
            return overflow ? nil : total
          }
        }
        let cutoff = alternative.flatMap { $0 < Int.max ? $0 + 1 : nil }
        let found: SegmentSchedule?
        do {
          found = try memo.best(segment, layers: layers, below: cutoff)
        } catch {
          throw PlanningError(layer: segment.name, buffer: buffer, reason: "\(error)")
        }
        guard let found else { continue }
        unit = .segment(found)
        length = layers.count
      }
      units.append(unit)
      start += length
      progress(start, analysis.layers.count)
    }
    return NetworkPlan(network: analysis.network.name, buffer: buffer, strategy: .fusedGreedy, units: units)
  }
}
