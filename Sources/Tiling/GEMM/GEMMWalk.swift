/// One DRAM transfer of a schedule's walk.
package struct Transfer: Hashable, Sendable, Codable {
  package enum Kind: String, Hashable, Sendable, Codable {
    /// An input or weight tile read into the buffer.
    case read
    /// A partial-sum output tile read back on a revisit.
    case psumRead
    /// An output tile written back before its reduction is complete.
    case psumWrite
    /// An output tile written once, complete.
    case write
  }

  package var operand: Operand
  package var kind: Kind
  /// Tile indices along m, k, n (the operand's irrelevant dimension is 0).
  package var tile: PerDimension<Int>
  /// Entries moved.
  package var entries: Int
  /// Index of the step that made the transfer (an output tile left is written at the step that leaves it).
  package var step: Int = 0
}

/// Enumerates the tile steps of a GEMM tiling in execution order and the transfers they
/// cause. This is the reference the closed form is checked against: it models nothing
/// but "one resident tile per operand, load on index change, write an output tile when
/// it is left".
package struct GEMMWalk: Sendable {
  package let shape: GEMMShape
  package let tiling: GEMMTiling

  package init(shape: GEMMShape, tiling: GEMMTiling) {
    self.shape = shape
    self.tiling = tiling
  }

  /// The tile indices (m, k, n) of every step, in order. Scanned loops reverse
  /// direction each time they are restarted; the outermost loop starts only once.
  package func steps() -> [PerDimension<Int>] {
    let axes = tiling.axes(for: shape)
    let levels = tiling.order.outerToInner
    var steps: [PerDimension<Int>] = []
    var forward = [true, true, true]
    var started = [false, false, false]
    var index = PerDimension(m: 0, k: 0, n: 0)
    func run(_ level: Int) {
      guard level < 3 else { return steps.append(index) }
      let dimension = levels[level]
      if tiling.scan[dimension] && started[level] { forward[level].toggle() }
      started[level] = true
      let count = axes[dimension].count
      for position in 0..<count {
        index[dimension] = forward[level] ? position : count - 1 - position
        run(level + 1)
      }
    }
    run(0)
    return steps
  }

  /// Every DRAM transfer, in order.
  package func transfers() -> [Transfer] {
    let axes = tiling.axes(for: shape)
    let steps = steps()
    var transfers: [Transfer] = []
    var reductionDone: [PerDimension<Int>: Int] = [:]
    func entries(_ operand: Operand, _ index: PerDimension<Int>) -> Int {
      let (a, b) = operand.dimensions
      return axes[a].length(of: index[a]) * axes[b].length(of: index[b])
    }
    func key(_ operand: Operand, _ index: PerDimension<Int>) -> PerDimension<Int> {
      var key = index
      key[operand.irrelevantDimension] = 0
      return key
    }
    func leave(_ output: PerDimension<Int>, at number: Int) {
      let complete = reductionDone[output, default: 0] == axes.k.count
      transfers.append(
        Transfer(
          operand: .output, kind: complete ? .write : .psumWrite, tile: output, entries: entries(.output, output),
          step: number))
    }
    var previous: PerDimension<Int>?
    for (number, step) in steps.enumerated() {
      for operand in [Operand.input, .weight] where previous.map({ key(operand, $0) }) != key(operand, step) {
        transfers.append(
          Transfer(operand: operand, kind: .read, tile: key(operand, step), entries: entries(operand, step), step: number))
      }
      let output = key(.output, step)
      if let previous, key(.output, previous) != output { leave(key(.output, previous), at: number) }
      if previous.map({ key(.output, $0) }) != output, reductionDone[output] != nil {
        transfers.append(
          Transfer(operand: .output, kind: .psumRead, tile: output, entries: entries(.output, output), step: number))
      }
      reductionDone[output, default: 0] += 1
      previous = step
    }
    if let previous { leave(key(.output, previous), at: max(0, steps.count - 1)) }
    return transfers
  }

  /// The walk's transfers summed per operand and kind.
  package func traffic() -> Traffic {
    transfers().reduce(into: Traffic.zero) { $0.record($1.operand, $1.kind, entries: $1.entries) }
  }
}

extension Traffic {
  /// Adds one transfer of a walk: input and weight transfers are reads; an output transfer is
  /// a final write, a partial-sum write, or a partial-sum read (an output is only ever read back
  /// as a partial sum).
  package mutating func record(_ operand: Operand, _ kind: Transfer.Kind, entries: Int) {
    switch (operand, kind) {
    case (.input, _): inputReads += entries
    case (.weight, _): weightReads += entries
    case (.output, .write): outputWrites += entries
    case (.output, .psumWrite): psumWrites += entries
    case (.output, .psumRead), (.output, .read): psumReads += entries
    }
  }
}
