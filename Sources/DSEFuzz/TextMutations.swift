import Foundation
import Networks

/// Mutations that know a little about the formats: numbers replaced by extremes, unknown and
/// duplicate keys, names and values replaced by hostile ones. They work on bytes (a file may
/// already hold invalid UTF-8) by finding ASCII patterns.
enum TextMutations {
  /// Replaces one number (a run of digits, with its sign) by an extreme value, sometimes
  /// every occurrence of that number.
  static func number(_ bytes: inout [UInt8], _ g: inout SeededGenerator) {
    let runs = digitRuns(bytes)
    guard !runs.isEmpty else { return }
    let chosen = g.pick(runs)
    let replacement = Array(Hostile.number(&g).utf8)
    if g.chance(0.2) {
      let old = Array(bytes[chosen])
      for run in runs.reversed() where Array(bytes[run]) == old { bytes.replaceSubrange(run, with: replacement) }
    } else {
      bytes.replaceSubrange(chosen, with: replacement)
    }
  }

  /// Adds an unknown key, or repeats a key that is there, in the format's syntax.
  static func key(_ bytes: inout [UInt8], format: String, _ g: inout SeededGenerator) {
    let unknown = g.pick(["bogus", "kernal", "Op", "name ", "inputs ", "repeat", "padding", "groups", "stride", "$x", "<<"])
    switch format {
    case "cfg":
      let lines = lineStarts(bytes)
      let at = g.pick(lines)
      let line = g.chance(0.5) ? "\(unknown)=\(Hostile.number(&g))\n" : lineText(bytes, at) + "\n"
      bytes.insert(contentsOf: Array(line.utf8), at: at)
    case "csv":
      let lines = lineStarts(bytes)
      let at = lineEnd(bytes, g.pick(lines))
      bytes.insert(contentsOf: Array(g.pick([", \(unknown)", ",", ",,,,,,,", ", 3, 3"]).utf8), at: at)
    default:
      let opens = positions(of: UInt8(ascii: "{"), in: bytes)
      if let open = opens.isEmpty ? nil : g.pick(opens) {
        let keys = keysAfter(bytes, open + 1)
        let text = (!keys.isEmpty && g.chance(0.5)) ? "\(g.pick(keys)): \(Hostile.number(&g)), " : "\(unknown): \(Hostile.number(&g)), "
        bytes.insert(contentsOf: Array(text.utf8), at: open + 1)
      } else {
        let line = "\(unknown): \(Hostile.number(&g))\n"
        bytes.insert(contentsOf: Array(line.utf8), at: g.pick(lineStarts(bytes)))
      }
    }
  }

  /// Replaces a name (`name:` in YAML, a section header in cfg, the first field in CSV) or
  /// another value (`op`, `activation`, `input`, `block`) by hostile text.
  static func name(_ bytes: inout [UInt8], format: String, _ g: inout SeededGenerator) {
    switch format {
    case "cfg":
      let headers = positions(of: UInt8(ascii: "["), in: bytes)
      guard !headers.isEmpty else { return }
      let at = g.pick(headers)
      let end = bytes[at...].firstIndex(of: UInt8(ascii: "]")) ?? at
      bytes.replaceSubrange((at + 1)..<end, with: Array(Hostile.name(&g).utf8))
    case "csv":
      let at = g.pick(lineStarts(bytes))
      let end = bytes[at...].firstIndex(where: { $0 == UInt8(ascii: ",") || $0 == 0x0A }) ?? bytes.count
      var name = Hostile.name(&g)
      if g.chance(0.2) { name += "\u{0}" }
      bytes.replaceSubrange(at..<end, with: Array(name.utf8))
    default:
      let key = g.pick(["name", "name", "name", "op", "activation", "input", "inputs", "block", "out", "kernel", "bits", "padding"])
      let starts = occurrences(of: Array("\(key):".utf8), in: bytes)
      guard !starts.isEmpty else { return }
      let valueStart = g.pick(starts) + key.utf8.count + 1
      let end = bytes[valueStart...].firstIndex(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "}") || $0 == 0x0A }) ?? bytes.count
      let value = g.chance(0.6) ? Hostile.yamlName(&g) : g.pick(["", "~", "[]", "{}", "[1, 2, 3, 4, 5]", "-", ".nan", "true", "*x", "&x 3", "!!str 3", "conv", "input", "$missing", "${a}${a}"])
      bytes.replaceSubrange(valueStart..<end, with: Array((" " + value).utf8))
    }
  }

  // MARK: Finding things in bytes

  /// Ranges of digit runs (with a leading minus sign when there is one).
  static func digitRuns(_ bytes: [UInt8]) -> [Range<Int>] {
    var runs: [Range<Int>] = []
    var index = 0
    while index < bytes.count {
      guard (0x30...0x39).contains(bytes[index]) else {
        index += 1
        continue
      }
      var start = index
      if start > 0 && bytes[start - 1] == UInt8(ascii: "-") { start -= 1 }
      while index < bytes.count && (0x30...0x39).contains(bytes[index]) { index += 1 }
      runs.append(start..<index)
    }
    return runs
  }

  /// Offsets where each line starts (always at least 0).
  static func lineStarts(_ bytes: [UInt8]) -> [Int] {
    [0] + bytes.indices.filter { bytes[$0] == 0x0A && $0 + 1 < bytes.count }.map { $0 + 1 }
  }

  /// Offset of the newline ending the line that starts at `start` (or the end of the file).
  static func lineEnd(_ bytes: [UInt8], _ start: Int) -> Int {
    bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
  }

  /// The text of the line starting at `start`.
  static func lineText(_ bytes: [UInt8], _ start: Int) -> String {
    String(decoding: bytes[start..<lineEnd(bytes, start)], as: UTF8.self)
  }

  /// Offsets of `byte`.
  static func positions(of byte: UInt8, in bytes: [UInt8]) -> [Int] {
    bytes.indices.filter { bytes[$0] == byte }
  }

  /// Offsets where `pattern` starts.
  static func occurrences(of pattern: [UInt8], in bytes: [UInt8]) -> [Int] {
    guard !pattern.isEmpty, bytes.count >= pattern.count else { return [] }
    return (0...(bytes.count - pattern.count)).filter { start in
      bytes[start] == pattern[0] && bytes[start..<(start + pattern.count)].elementsEqual(pattern)
    }
  }

  /// The keys (`word:`) of the flow mapping that starts at `start`, up to its `}`.
  static func keysAfter(_ bytes: [UInt8], _ start: Int) -> [String] {
    let end = bytes[start...].firstIndex(of: UInt8(ascii: "}")) ?? bytes.count
    let text = String(decoding: bytes[start..<end], as: UTF8.self)
    return text.split(separator: ",").compactMap { part in
      let key = part.split(separator: ":", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces) }
      return key.flatMap { $0.isEmpty || $0.contains("{") ? nil : $0 }
    }
  }
}
