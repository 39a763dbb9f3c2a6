import Tiling

/// The accelerator's buffer during one layer's execution: for each operand slot ("input",
/// "weights", "input 2", ...), the elements it holds (by flat index into the operand's tensor)
/// and their values, within a capacity of B entries. Reading an element that was never loaded, or holding more than B entries, is a
/// failure, not a crash: it names the step, the tile and the operand.
struct OnChipBuffer {
  let capacity: Int
  /// Held elements of each operand slot, flat index -> value.
  private(set) var held: [String: [Int: Int32]] = [:]
  /// Entries one held output element occupies (a partial sum may be wider than an output).
  let outputWidth: Int

  init(capacity: Int, outputWidth: Int) {
    self.capacity = capacity
    self.outputWidth = outputWidth
  }

  var occupied: Int {
    held.reduce(0) { total, entry in total + entry.value.count * (entry.key == "output" ? outputWidth : 1) }
  }

  /// Makes `needed` the operand's resident set: keeps what is already there, loads the rest with
  /// `load`, drops what is no longer needed. Returns how many elements were loaded.
  mutating func hold(_ operand: String, _ needed: [Int], load: (Int) -> Int32) -> Int {
    let previous = held[operand] ?? [:]
    var next: [Int: Int32] = [:]
    next.reserveCapacity(needed.count)
    var loaded = 0
    for index in needed {
      if let value = previous[index] {
        next[index] = value
      } else if next[index] == nil {
        next[index] = load(index)
        loaded += 1
      }
    }
    held[operand] = next
    return loaded
  }

  /// The value of a held element, or nil when it is not in the buffer.
  func value(_ operand: String, _ index: Int) -> Int32? { held[operand]?[index] }
}

/// Why an execution failed: where, and what.
public struct ExecutionFailure: Error, Hashable, Sendable, CustomStringConvertible {
  /// The layer or segment.
  public var unit: String
  /// The step (0-based) and its tile indices, as the schedule's loops name them.
  public var step: Int
  public var tile: String
  public var operand: String
  public var message: String

  public var description: String { "\(unit): step \(step), tile \(tile), \(operand): \(message)" }
}
