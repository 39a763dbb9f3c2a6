/// A trace that cannot be read or written: a malformed line, a value a format cannot hold, or a
/// file-system failure.
///
/// Printed as one line, `FILE:LINE: what was found; expected …`, e.g.
/// `trace.txt:17: 'REED' is not a command; expected READ or WRITE (DRAMsim3 format: 0xADDRESS READ|WRITE CYCLE)`.
public struct TraceError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The file as the user named it; `<stdin>` / `<stdout>` for `-`.
  public var file: String
  /// The 1-based line (for a CSV record spanning lines, the line it starts on); nil when the
  /// error is not about one line (opening, renaming).
  public var line: Int64?
  /// The field at fault (`address`, `command`, `cycle`, `header`, a CSV column name…), when there is one.
  public var field: String?
  /// What was found and what is accepted.
  public var message: String

  /// An error about `file` (and `line`, `field` when known) saying `message`.
  public init(_ message: String, file: String, line: Int64? = nil, field: String? = nil) {
    self.message = message
    self.file = file
    self.line = line
    self.field = field
  }

  /// The message for an empty path (the error's `file` is then `trace`).
  static let emptyPath = "the path is empty; expected a file name, or - for standard input or output"

  /// `file:line: message`, or `file: message` without a line.
  public var description: String {
    if let line { return "\(file):\(line): \(message)" }
    return "\(file): \(message)"
  }
}

/// What is wrong with one line, before the reader adds the file and line number.
struct TraceLineFailure: Error {
  /// The field at fault.
  var field: String?
  /// The whole message: what was found; expected what.
  var message: String

  init(field: String?, found: String, expected: String) {
    self.field = field
    self.message = "\(found); expected \(expected)"
  }
}

/// Up to `limit` characters of `bytes` quoted for a message, control characters and quotes escaped.
func traceQuoted<C: Collection>(_ bytes: C, limit: Int = 40) -> String where C.Element == UInt8 {
  let text = String(decoding: bytes.prefix(limit * 4), as: UTF8.self)
  var shown = ""
  var count = 0
  for scalar in text.unicodeScalars {
    if count == limit {
      shown += "…"
      break
    }
    switch scalar {
    case "'": shown += "\\'"
    case "\\": shown += "\\\\"
    case "\t": shown += "\\t"
    case "\r": shown += "\\r"
    case "\n": shown += "\\n"
    default:
      if scalar.value < 0x20 || scalar.value == 0x7F {
        shown += "\\u{\(String(scalar.value, radix: 16))}"
      } else {
        shown.unicodeScalars.append(scalar)
      }
    }
    count += 1
  }
  return "'\(shown)'"
}
