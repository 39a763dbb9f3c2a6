import Networks

/// An intermediate tensor of a fused segment while it is on chip: which of its elements the
/// buffer holds, as finished values or as partial sums still accumulating, and how many entries
/// they take. Nothing of it is in DRAM: an element not held was never computed in this tile
/// (or was dropped), and reading it is a failure.
///
/// Entries are counted as the segment's static buffer split holds them: `retained`, what a line
/// buffer keeps from earlier tiles (for every channel of the stage), and `current`, what the
/// producer computed in this tile for its current chunk of channels. A line-buffered tensor keeps
/// the rows of the chunks it has left in this tile (the next row band needs them), in the slots
/// of the line buffer whose rows they replace: they are not counted twice.
struct OnChipTensor {
  enum State: UInt8 { case absent, partial, complete }

  let shape: TensorShape
  private(set) var values: [Int32]
  private var states: [State]
  /// Indices of the elements not absent.
  private var held: [Int] = []
  private(set) var retained = 0
  private(set) var current = 0
  private var currentChannels: Range<Int>?

  init(shape: TensorShape) {
    self.shape = shape
    let count = shape.elementCount ?? 0
    values = Array(repeating: 0, count: count)
    states = Array(repeating: .absent, count: count)
  }

  func index(_ channel: Int, _ row: Int, _ column: Int) -> Int { (channel * shape.height + row) * shape.width + column }

  func state(_ index: Int) -> State { states[index] }

  /// A new spatial tile: keeps only the elements at `rows` x `columns` (what a line buffer holds
  /// for it; nothing without one).
  mutating func beginTile(keepingRows rows: Set<Int>, columns: Set<Int>) {
    let area = shape.height * shape.width
    let width = shape.width
    drop { index in
      let pixel = index % area
      return rows.contains(pixel / width) && columns.contains(pixel % width)
    }
    retained = held.count
    current = 0
    currentChannels = nil
  }

  /// The producer works on `channels`: a chunk other than the current one drops the previous
  /// chunk's elements, unless a line buffer keeps them for the next row band.
  mutating func produce(_ channels: Range<Int>, keepsOtherChunks: Bool) {
    guard channels != currentChannels else { return }
    if !keepsOtherChunks {
      let area = shape.height * shape.width
      drop { channels.contains($0 / area) }
    }
    currentChannels = channels
    current = 0
  }

  mutating func store(_ index: Int, _ value: Int32, _ state: State) {
    if states[index] == .absent {
      held.append(index)
      current += 1
    }
    states[index] = state
    values[index] = value
  }

  /// An add has overwritten these elements in place: they are no longer held.
  mutating func consume(_ region: TensorRegion) {
    let area = shape.height * shape.width
    let width = shape.width
    let before = held.count
    drop { index in
      let pixel = index % area
      return !(region.channels.contains(index / area) && region.rows.contains(pixel / width)
        && region.columns.contains(pixel % width))
    }
    current -= before - held.count
  }

  private mutating func drop(keeping keep: (Int) -> Bool) {
    var kept: [Int] = []
    kept.reserveCapacity(held.count)
    for index in held {
      if keep(index) { kept.append(index) } else { states[index] = .absent }
    }
    held = kept
  }
}
