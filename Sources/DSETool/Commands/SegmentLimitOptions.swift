import ArgumentParser
import DSE

/// How long a fused segment may grow, in layers and in channel stages: every command that makes
/// a plan (`sweep`, `verify`, `trace`, `bench`). The defaults are `PlanContext`'s.
struct SegmentLimitOptions: ParsableArguments {
  @Option(help: "Longest fused segment, in layers (1 = no fusion).")
  var maxSegmentLength: Int = 8

  @Option(help: "Most channel stages in a fused segment, the input's included (each layer that mixes channels starts one): 3 holds one MobileNet block, 5 two; more is slower.")
  var maxStages: Int = 3

  func validate() throws {
    guard (1...16).contains(maxSegmentLength) else {
      throw ValidationError("--max-segment-length \(maxSegmentLength): expected 1 to 16")
    }
    guard (1...16).contains(maxStages) else { throw ValidationError("--max-stages \(maxStages): expected 1 to 16") }
  }
}
