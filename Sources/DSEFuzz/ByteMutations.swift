import Networks

/// Format-blind mutations of a file's bytes and lines: flips, deletions, insertions,
/// truncation, and duplicated, swapped or deleted lines.
enum ByteMutations {
  /// Flips one bit, or sets one byte to a random value (NUL, 0xFF and newline favoured).
  static func flip(_ bytes: inout [UInt8], _ g: inout SeededGenerator) {
    guard !bytes.isEmpty else { return }
    let at = g.int(0..<bytes.count)
    switch g.int(0..<4) {
    case 0: bytes[at] ^= UInt8(1) << UInt8(g.int(0..<8))
    case 1: bytes[at] = g.pick([0x00, 0xFF, 0x0A, 0x0D, 0x22, 0x27, 0x5B, 0x7B, 0x3A, 0x2C, 0x23, 0x26, 0x2A])
    default: bytes[at] = UInt8(g.int(0...255))
    }
  }

  /// Deletes a run of 1 to 64 bytes.
  static func delete(_ bytes: inout [UInt8], _ g: inout SeededGenerator) {
    guard !bytes.isEmpty else { return }
    let at = g.int(0..<bytes.count)
    let count = min(g.small(64), bytes.count - at)
    bytes.removeSubrange(at..<(at + count))
  }

  /// Inserts random bytes, a structural character, or a hostile token somewhere.
  static func insert(_ bytes: inout [UInt8], _ g: inout SeededGenerator) {
    let at = g.int(0...bytes.count)
    let piece: [UInt8]
    switch g.int(0..<5) {
    case 0: piece = (0..<g.small(16)).map { _ in UInt8(g.int(0...255)) }
    case 1: piece = Array(g.pick(["[", "]", "{", "}", ":", ",", "\n", "\t", "#", "&a ", "*a", "!!binary ", "- ", "\"", "'", "|", ">", "%"]).utf8)
    case 2: piece = Array(Hostile.number(&g).utf8)
    case 3: piece = Array(Hostile.name(&g).utf8)
    default: piece = Array(String(repeating: g.pick(["[", "{", "- ", "  "]), count: g.small(5000)).utf8)
    }
    bytes.insert(contentsOf: piece, at: at)
  }

  /// Cuts the file at a random point (sometimes to nothing).
  static func truncate(_ bytes: inout [UInt8], _ g: inout SeededGenerator) {
    bytes.removeSubrange(g.int(0...bytes.count)..<bytes.count)
  }

  /// Duplicates, swaps, deletes or repeats whole lines.
  static func lines(_ bytes: inout [UInt8], _ g: inout SeededGenerator) {
    var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
    guard !lines.isEmpty else { return }
    let a = g.int(0..<lines.count)
    let b = g.int(0..<lines.count)
    switch g.int(0..<5) {
    case 0: lines.insert(lines[a], at: b)
    case 1: lines.swapAt(a, b)
    case 2: lines.remove(at: a)
    case 3:
      let copies = g.pick([2, 10, 1000, 20000])
      lines.insert(contentsOf: Array(repeating: lines[a], count: copies), at: a)
    default:
      let end = min(lines.count, a + g.small(20))
      lines.insert(contentsOf: lines[a..<end], at: b)
    }
    bytes = Array(lines.joined(separator: [0x0A]))
  }
}
