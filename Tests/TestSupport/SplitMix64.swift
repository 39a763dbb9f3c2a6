import Networks

/// SplitMix64, the seeded generator of the weights (`Networks.SeededGenerator`), so that every
/// property test sees the same cases on every run.
public typealias SplitMix64 = SeededGenerator
