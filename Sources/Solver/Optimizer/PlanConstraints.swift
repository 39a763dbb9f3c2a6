import Tiling

extension Objective {
  /// The candidate's contribution to the objective.
  package func cost(_ candidate: CandidateFigures, energy model: EnergyModel) -> Double {
    switch self {
    case .energy: return Double(candidate.bits) / 8 * model.dramPicojoulesPerByte
    case .traffic: return Double(candidate.traffic)
    }
  }
}

/// Constraints that couple the candidates of a plan, making the choice more than a shortest
/// path (docs/optimizer.md). Each is optional.
package struct PlanConstraints: Hashable, Sendable {
  /// Sum over the plan of each candidate's roofline cycles (`PlanCandidate.cycles`).
  package var maxLatencyCycles: Double?
  /// Most units (single layers and fused segments) in the plan.
  package var maxSegments: Int?
  /// Per-layer bit widths within a quantization-error budget.
  package var widths: WidthChoices?

  package init(maxLatencyCycles: Double? = nil, maxSegments: Int? = nil, widths: WidthChoices? = nil) {
    self.maxLatencyCycles = maxLatencyCycles
    self.maxSegments = maxSegments
    self.widths = widths
  }

  package static let none = PlanConstraints()

  package var isCoupled: Bool { maxLatencyCycles != nil || maxSegments != nil || widths != nil }
}
