import Networks

/// The hostile values every generator draws from: extreme numbers, hostile names and buffer
/// strings. Nothing here contains the words the classifier looks for in a crash
/// ("Fatal error", "Crash"), so a clean error that quotes them is never taken for a trap.
enum Hostile {
  /// Numbers at and around every limit dse has (2^24 extents, 2^31/2^32 widths, Int64's edge),
  /// past them (2^63, 40 digits) and not integers at all.
  static let numbers: [String] = [
    "0", "-1", "1", "16777216", "16777217", "2147483648", "4294967296", "4611686018427387904",
    "9223372036854775807", "9223372036854775808", "1234567890123456789012345678901234567890",
    "1.5", "1e9", "", "-9223372036854775808", "0x10", "+3", "3.0", ".inf", "-.inf", ".nan", "~",
    "065536", "1_000", "2e-5", "NaN",
  ]

  /// Numbers small enough that a command which accepts them still finishes quickly.
  static let smallNumbers: [String] = ["1", "2", "3", "4", "7", "8", "16", "32"]

  /// A number: mostly extreme, sometimes small and legal.
  static func number(_ g: inout SeededGenerator) -> String {
    g.chance(0.75) ? g.pick(numbers) : g.pick(smallNumbers)
  }

  /// Hostile names as raw text (before any quoting): long, path-like, separators, quotes,
  /// unicode, control characters. NUL is added only where a format can carry it.
  static func name(_ g: inout SeededGenerator) -> String {
    switch g.int(0..<16) {
    case 0: return String(repeating: "n", count: 300)
    case 1: return String(repeating: "x", count: 100 * 1024)
    case 2: return "../escaped"
    case 3: return "/abs"
    case 4: return "a/b"
    case 5: return "line\nbreak"
    case 6: return "quo\"te's"
    case 7: return "com,ma"
    case 8: return "ünïcødé-名前-🙂"
    case 9: return "ctl\u{1}\u{7}\u{1B}[31m\u{7F}"
    case 10: return ""
    case 11: return " "
    case 12: return "../../../../../../tmp/escaped"
    case 13: return "-o"
    case 14: return "${name}$width"
    default: return String(repeating: "é", count: 257)
    }
  }

  /// A hostile name written as a YAML scalar: double-quoted with escapes (so NUL, newlines and
  /// control characters survive), single-quoted, or plain when it is plain-safe.
  static func yamlName(_ g: inout SeededGenerator) -> String {
    if g.chance(0.12) { return "\"nul\\u0000byte\"" }
    if g.chance(0.05) { return "\"../\\0escaped\"" }
    let raw = name(&g)
    if g.chance(0.7) { return yamlDoubleQuoted(raw) }
    if g.chance(0.5) { return "'" + raw.replacingOccurrences(of: "'", with: "''") + "'" }
    return raw
  }

  /// `text` as a YAML double-quoted scalar, escaping quotes, backslashes and control characters.
  static func yamlDoubleQuoted(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case _ where scalar.value < 0x20 || scalar.value == 0x7F:
        out += "\\x" + String(scalar.value, radix: 16).leftPadded(to: 2)
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }

  /// Buffer-size strings: legal ones (small lists and ranges) and broken ones.
  static let buffers: [String] = [
    "0", "-1", "1", "1..", "..", "..64K", "16K..1M/0", "16K..1M/-16K", "9223372036854775807",
    "99999999999999999999K", "4G", "64KiB", "1KiB", "3", "64K,", ",", "64K,,32K", "1M..16K",
    "16K..16K", "0..0", "4294967296", "4294967297", "4194304K", "4096M", "1e5", "64k", "64 K",
    "0x10000", "64K..64K/0", "16K..4G", "", "K", "KiB", "1.5K", "-64K", "64K,64K", "17,18,19",
    "16777216", "2147483648K",
  ]

  /// Buffer strings that plan quickly: one or two sizes a small network can use.
  static let legalBuffers: [String] = ["16K", "32K", "64K", "20K,64K", "32KiB", "65536", "16K..32K"]

  /// A buffer string, legal or hostile.
  static func buffer(_ g: inout SeededGenerator) -> String {
    g.chance(0.5) ? g.pick(buffers) : g.pick(legalBuffers)
  }

  /// Bit widths around the legal 1 to 16.
  static let bits: [String] = ["0", "1", "2", "4", "8", "16", "17", "33", "1000", "-1", "", "8.5"]

  /// Options no command knows, empty strings and stray separators.
  static let strayArguments: [String] = [
    "--bogus", "--bogus=1", "", "-", "--", "-x", "--help=1", "--format", "-o", "--version",
    "--out=", "--buffer", "--m=-1", "---", "--jobs", "\u{1B}[2J", "--Format", "-oo",
  ]
}

extension String {
  /// The string with leading zeros up to `width` characters.
  func leftPadded(to width: Int) -> String {
    count >= width ? self : String(repeating: "0", count: width - count) + self
  }
}
