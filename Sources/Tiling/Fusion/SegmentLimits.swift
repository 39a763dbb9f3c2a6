/// How long a fused segment may grow by default, and the range every entry point accepts: one
/// place for the library, the CLI, the C ABI and the Python binding.
///
/// Seven channel stages hold three MobileNet blocks (expand, depthwise, project each start a
/// stage after the input's), two ResNet bottlenecks or a CP chain and its neighbours; twelve
/// layers hold them with their adds. The exact search stays in seconds per network because its
/// bounds rule out long segments that cannot win (docs/fusion-model.md, "Longer segments"; many
/// long segments are not searched at all for want of a count bound: docs/limits.md).
package enum SegmentLimits {
  /// Default longest fused segment, in layers.
  package static let defaultLength = 12
  /// Default most channel stages in a fused segment, the input's included.
  package static let defaultStages = 7
  /// What `maxLength` and `maxStages` may be: 1 (no fusion, one stage) to 16.
  package static let allowed = 1...16
}
