/// The result of reading a number from a token.
enum TraceNumber: Equatable {
  /// The number.
  case value(UInt64)
  /// Not a number of the expected form.
  case invalid
  /// A number above the largest accepted.
  case overflow
  /// A well-formed number with a minus sign.
  case negative
}

/// A hex number, `0x`/`0X` optional, 1 to 16 significant digits of either case.
func traceParseHex(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> TraceNumber {
  var index = range.lowerBound
  if range.count >= 2 && bytes[index] == UInt8(ascii: "0") && (bytes[index + 1] | 0x20) == UInt8(ascii: "x") {
    index += 2
  }
  guard index < range.upperBound else { return .invalid }
  var value: UInt64 = 0
  var overflow = false
  while index < range.upperBound {
    let byte = bytes[index]
    let digit: UInt64
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(byte &- UInt8(ascii: "0"))
    case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt64(byte &- UInt8(ascii: "a") &+ 10)
    case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt64(byte &- UInt8(ascii: "A") &+ 10)
    default: return .invalid
    }
    if value >> 60 != 0 { overflow = true }
    value = value &<< 4 | digit
    index += 1
  }
  return overflow ? .overflow : .value(value)
}

/// A decimal number from 0 to `maximum`; a leading `-` before digits gives `.negative`.
func traceParseDecimal(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, maximum: UInt64) -> TraceNumber {
  var index = range.lowerBound
  var negative = false
  if index < range.upperBound && bytes[index] == UInt8(ascii: "-") {
    negative = true
    index += 1
  }
  guard index < range.upperBound else { return .invalid }
  var value: UInt64 = 0
  var overflow = false
  while index < range.upperBound {
    let byte = bytes[index]
    guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return .invalid }
    if !overflow {
      let (times, o1) = value.multipliedReportingOverflow(by: 10)
      let (sum, o2) = times.addingReportingOverflow(UInt64(byte &- UInt8(ascii: "0")))
      if o1 || o2 || sum > maximum { overflow = true } else { value = sum }
    }
    index += 1
  }
  if negative { return .negative }
  return overflow ? .overflow : .value(value)
}

/// Whether `bytes[range]` spells `text`.
func traceSpells(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ text: StaticString) -> Bool {
  guard range.count == text.utf8CodeUnitCount else { return false }
  let pattern = text.utf8Start
  var offset = 0
  while offset < range.count {
    if bytes[range.lowerBound + offset] != pattern[offset] { return false }
    offset += 1
  }
  return true
}

/// The whitespace-separated tokens of one line (its line break removed; a trailing CR ignored).
struct TraceLineScanner {
  /// The line's bytes.
  let bytes: UnsafeBufferPointer<UInt8>
  /// Where the next token search starts.
  var position: Int
  /// The end of the line, before a trailing CR.
  let end: Int

  init(_ bytes: UnsafeBufferPointer<UInt8>) {
    self.bytes = bytes
    self.position = 0
    var end = bytes.count
    if end > 0 && bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
    self.end = end
  }

  /// Skips a UTF-8 byte-order mark at the start.
  mutating func skipByteOrderMark() {
    if end - position >= 3 && bytes[position] == 0xEF && bytes[position + 1] == 0xBB && bytes[position + 2] == 0xBF {
      position += 3
    }
  }

  /// Whether the rest of the line starts with `prefix`.
  func startsWith(_ prefix: StaticString) -> Bool {
    let count = prefix.utf8CodeUnitCount
    guard end - position >= count else { return false }
    return traceSpells(bytes, position..<(position + count), prefix)
  }

  /// The next run of bytes other than space and tab, or nil at the end of the line.
  mutating func nextToken() -> Range<Int>? {
    var index = position
    while index < end && (bytes[index] == 0x20 || bytes[index] == 0x09) { index += 1 }
    guard index < end else {
      position = end
      return nil
    }
    let start = index
    while index < end && bytes[index] != 0x20 && bytes[index] != 0x09 { index += 1 }
    position = index
    return start..<index
  }

  /// Whether the token spells `text`.
  func equals(_ token: Range<Int>, _ text: StaticString) -> Bool { traceSpells(bytes, token, text) }

  /// The token as a hex number (`0x` optional).
  func hexNumber(_ token: Range<Int>) -> TraceNumber { traceParseHex(bytes, token) }

  /// The token quoted for a message.
  func shown(_ token: Range<Int>) -> String { traceQuoted(UnsafeBufferPointer(rebasing: bytes[token])) }
}
