/// The accelerator's buffer during one layer's execution: for each operand slot ("input",
/// "weights", "input 2", ...), the elements it holds (by flat index into the operand's tensor)
/// and their values, within a capacity of B entries. Reading an element that was never loaded,
/// or holding more than B entries, is a failure, not a crash: it names the step, the tile and
/// the operand.
struct OnChipBuffer {
  /// One operand's resident elements: values and presence indexed like the operand's tensor (so
  /// a lookup is an array access), and the list of what is held (so a step replaces it in time
  /// proportional to the tiles, not the tensor).
  private struct Slot {
    var values: [Int32]
    var present: [Bool]
    var held: [Int] = []
    /// Marks of the elements the current step needs.
    var mark: [UInt32]
    var generation: UInt32 = 0

    init(size: Int) {
      values = Array(repeating: 0, count: size)
      present = Array(repeating: false, count: size)
      mark = Array(repeating: 0, count: size)
    }

    func isPresent(_ index: Int) -> Bool { index < present.count && present[index] }

    /// Makes `needed` the resident set; returns the indices that were not already held.
    mutating func hold(_ needed: [Int], from source: [Int32]) -> [Int] {
      generation &+= 1
      var loaded: [Int] = []
      var kept: [Int] = []
      kept.reserveCapacity(needed.count)
      for index in needed where index >= 0 && index < source.count && mark[index] != generation {
        mark[index] = generation
        kept.append(index)
        if !present[index] {
          present[index] = true
          values[index] = source[index]
          loaded.append(index)
        }
      }
      for index in held where mark[index] != generation { present[index] = false }
      held = kept
      return loaded
    }
  }

  /// Per operand, marks of the elements the current transfer moves.
  private struct MovedMarks {
    var mark: [UInt32]
    var generation: UInt32 = 0
    init(size: Int) { mark = Array(repeating: 0, count: size) }
  }

  let capacity: Int
  private var slots: [String: Slot] = [:]
  private var movedMarks: [String: MovedMarks] = [:]
  /// The static split, as the cost models assume it: each region (an operand, an output tile, an
  /// on-chip tensor) sized for the most it ever holds; the sum of those must fit the capacity.
  private var peaks: [String: Int] = [:]
  private(set) var splitEntries = 0

  init(capacity: Int) { self.capacity = capacity }

  /// Records that `region` holds `entries` now. Returns nil while the split fits, else why not.
  mutating func occupy(_ region: String, _ entries: Int) -> String? {
    let peak = peaks[region] ?? 0
    guard entries > peak else { return nil }
    peaks[region] = entries
    splitEntries += entries - peak
    guard splitEntries > capacity else { return nil }
    let regions = peaks.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: " + ")
    return "the buffer split needs \(splitEntries) entries (\(regions)), more than the \(capacity) it has"
  }

  /// Records what an operand's slot holds now (`occupy` with its count).
  mutating func occupyHeld(_ operand: String) -> String? { occupy(operand, count(operand)) }

  /// Entries one operand holds.
  func count(_ operand: String) -> Int { slots[operand]?.held.count ?? 0 }

  /// Makes `tile` the operand's resident set for a transfer of the walk's stream (keeps what is
  /// already there, loads the rest from `source`, drops what is no longer needed) and checks that
  /// what the buffer lacked is exactly `moved` (each element once). Returns how many elements
  /// were loaded, or why the stream and the buffer disagree: an element moved that the buffer
  /// already held, or one the tile keeps that never came.
  mutating func load(_ operand: String, tile: [Int], moved: [Int], from source: [Int32]) -> Result<Int, StreamMismatch> {
    // The slot and the marks are taken out of their dictionaries for the whole transfer: one
    // lookup per transfer, not per element, and no copy of their arrays on write.
    var slot = slots.removeValue(forKey: operand) ?? Slot(size: source.count)
    var expected = movedMarks.removeValue(forKey: operand) ?? MovedMarks(size: source.count)
    defer {
      slots[operand] = slot
      movedMarks[operand] = expected
    }
    expected.generation &+= 1
    for index in moved {
      guard index >= 0, index < source.count else {
        return .failure(StreamMismatch("moves element \(index), outside the \(source.count)-element tensor"))
      }
      guard !slot.isPresent(index) else {
        return .failure(StreamMismatch("moves element \(index), which the buffer already holds"))
      }
      expected.mark[index] = expected.generation
    }
    let loaded = slot.hold(tile, from: source)
    if let stray = loaded.first(where: { expected.mark[$0] != expected.generation }) {
      return .failure(StreamMismatch("keeps element \(stray) in its tile, but never moved it"))
    }
    guard loaded.count == moved.count else {
      return .failure(StreamMismatch("moves \(moved.count) elements, of which the tile loads \(loaded.count)"))
    }
    return .success(loaded.count)
  }

  /// What one operand holds, to read many elements with one lookup of the operand.
  struct Held {
    fileprivate let values: [Int32]
    fileprivate let present: [Bool]

    /// The value of a held element, or nil when it is not in the buffer.
    func value(_ index: Int) -> Int32? {
      guard index >= 0, index < present.count, present[index] else { return nil }
      return values[index]
    }
  }

  func held(_ operand: String) -> Held {
    guard let slot = slots[operand] else { return Held(values: [], present: []) }
    return Held(values: slot.values, present: slot.present)
  }
}

/// A transfer of the walk's stream that does not match what the buffer holds.
struct StreamMismatch: Error {
  var message: String
  init(_ message: String) { self.message = message }
}

/// Why an execution failed: where, and what.
package struct ExecutionFailure: Error, Hashable, Sendable, CustomStringConvertible {
  /// The layer or segment.
  package var unit: String
  /// The step (0-based) and its tile indices, as the schedule's loops name them.
  package var step: Int
  package var tile: String
  package var operand: String
  package var message: String

  package var description: String { "\(unit): step \(step), tile \(tile), \(operand): \(message)" }
}
