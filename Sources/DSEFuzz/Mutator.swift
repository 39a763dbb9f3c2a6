import Networks

/// Applies a few random mutations (byte-level, line-level and format-aware) to a seed file.
enum Mutator {
  /// Mutated files are cut to this size, so that repeated lines cannot grow without bound.
  static let maximumBytes = 4 << 20

  /// `bytes` after one to four mutations, and the mutations' names for the case summary.
  static func mutate(_ bytes: [UInt8], format: String, _ g: inout SeededGenerator) -> ([UInt8], [String]) {
    var result = bytes
    var applied: [String] = []
    for _ in 0..<g.weighted([(5, 1), (3, 2), (2, 3), (1, 4)]) {
      let kind = g.weighted([
        (3, "flip"), (2, "delete"), (2, "insert"), (1, "truncate"), (3, "lines"),
        (6, "number"), (3, "key"), (4, "name"),
      ])
      switch kind {
      case "flip": ByteMutations.flip(&result, &g)
      case "delete": ByteMutations.delete(&result, &g)
      case "insert": ByteMutations.insert(&result, &g)
      case "truncate": ByteMutations.truncate(&result, &g)
      case "lines": ByteMutations.lines(&result, &g)
      case "number": TextMutations.number(&result, &g)
      case "key": TextMutations.key(&result, format: format, &g)
      default: TextMutations.name(&result, format: format, &g)
      }
      applied.append(kind)
      if result.count > maximumBytes { result.removeSubrange(maximumBytes..<result.count) }
    }
    return (result, applied)
  }
}
