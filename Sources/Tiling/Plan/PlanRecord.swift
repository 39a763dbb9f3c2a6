/// A plan with how it was made: which solver, and in how long.
public struct PlanRecord: Hashable, Sendable, Codable {
  /// The plan.
  public var plan: NetworkPlan
  /// What produced the plan: `per-layer search` (layerwise strategies), `greedy`, or the
  /// optimizer's `milp`, `milp-incumbent`, `dp`.
  public var solver: String
  /// Wall time of making the plan (searches and solver), in milliseconds.
  public var milliseconds: Int

  /// A plan made by `solver` in `milliseconds`.
  public init(plan: NetworkPlan, solver: String, milliseconds: Int) {
    self.plan = plan
    self.solver = solver
    self.milliseconds = milliseconds
  }
}
