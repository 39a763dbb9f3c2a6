import ArgumentParser
import DSE

/// How long a fused segment may grow, in layers and in channel stages: every command that makes
/// a plan (`sweep`, `verify`, `trace`, `bench`). The defaults and the range are `PlanContext`'s.
struct SegmentLimitOptions: ParsableArguments {
  @Option(help: "Longest fused segment, in layers (1 = no fusion).")
  var maxSegmentLength: Int = PlanContext.defaultMaxSegmentLength

  @Option(help: "Most channel stages in a fused segment, the input's included (each layer that mixes channels starts one): 3 hold one MobileNet block, 5 two, 7 three; fewer is faster.")
  var maxStages: Int = PlanContext.defaultMaxStages

  func validate() throws {
    let limits = PlanContext.allowedSegmentLimits
    guard limits.contains(maxSegmentLength) else {
      throw ValidationError("--max-segment-length \(maxSegmentLength): expected \(limits.lowerBound) to \(limits.upperBound)")
    }
    guard limits.contains(maxStages) else {
      throw ValidationError("--max-stages \(maxStages): expected \(limits.lowerBound) to \(limits.upperBound)")
    }
  }
}
