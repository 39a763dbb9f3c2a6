/// Enumerates the steps of a loop nest in execution order: the reference the closed forms
/// are checked against. A scanned loop reverses direction each time it is restarted; the
/// outermost loop starts once.
package struct LoopNestWalk: Sendable {
  package let levels: [LoopLevel]

  package init(levels: [LoopLevel]) { self.levels = levels }

  /// Tile index of every loop (outer to inner) at every step.
  package func steps() -> [[Int]] {
    var steps: [[Int]] = []
    var forward = Array(repeating: true, count: levels.count)
    var started = Array(repeating: false, count: levels.count)
    var index = Array(repeating: 0, count: levels.count)
    func run(_ level: Int) {
      guard level < levels.count else { return steps.append(index) }
      let loop = levels[level]
      if loop.scanned && started[level] { forward[level].toggle() }
      started[level] = true
      for position in 0..<loop.count {
        index[level] = forward[level] ? position : loop.count - 1 - position
        run(level + 1)
      }
    }
    run(0)
    return steps
  }

  /// Entries an operand loads at each step: its region (one interval per loop) minus what it
  /// shares with the previous step's region, intersected explicitly.
  package func loads(axes: [AxisIntervals]) -> [Int] {
    var previous: [Int]?
    return steps().map { step in
      defer { previous = step }
      let size = step.indices.reduce(1) { $0 * axes[$1].length(step[$1]) }
      guard let previous else { return size }
      return size - step.indices.reduce(1) { $0 * axes[$1].overlap(previous[$1], step[$1]) }
    }
  }
}
