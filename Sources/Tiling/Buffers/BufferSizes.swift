import Networks

/// A `--buffers` value that does not parse.
public struct BufferSizeError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The token at fault (the whole value when it is empty).
  public var token: String
  public var message: String

  public init(token: String, _ message: String) {
    self.token = token
    self.message = message
  }

  public var description: String {
    "buffer sizes: \(excerpt(token)): \(message); \(BufferSizes.syntax)"
  }
}

/// Buffer capacities to explore, from the `--buffers` syntax, in entries:
///
/// - `65536`: a plain number is entries. `64K` is 64 x 1024 entries, `1M` is 1024K entries.
/// - `16KiB`, `1MiB`: bytes, converted to entries at `bits` bits per entry
///   (entries = bytes * 8 / bits, rounded down; an error when that is 0).
/// - `16K..256K`: doubling from the start while not above the end, the end included when
///   reached (16K, 32K, 64K, 128K, 256K). A start that is not a power of two doubles as is
///   (`48K..256K` is 48K, 96K, 192K); the end is then included only when a doubling lands on it.
/// - `16K..256K/16K`: from the start in steps of the step, while not above the end.
/// - `64K,96K,16K..32K`: a comma-separated list of any of the above.
///
/// The result is sorted and without duplicates.
public enum BufferSizes {
  /// Most sizes one value may produce.
  public static let maximumCount = 10_000

  /// What `parse` accepts, for error messages.
  public static let syntax =
    "accepted: entries as 65536, 64K (x1024) or 1M (x1048576); bytes as 64KiB or 1MiB; "
    + "START..END (doubling), START..END/STEP (arithmetic); a comma-separated list of these"

  /// A size as the syntax writes it: 16K, 1M, or plain entries when not a whole K.
  public static func label(_ entries: Int) -> String {
    if entries > 0 && entries % (1024 * 1024) == 0 { return "\(entries / (1024 * 1024))M" }
    if entries > 0 && entries % 1024 == 0 { return "\(entries / 1024)K" }
    return String(entries)
  }

  /// The sizes `text` names, in entries, sorted and deduplicated. `bits` is the width of an
  /// entry, used only for sizes given in bytes (`KiB`, `MiB`).
  public static func parse(_ text: String, bits: Int = 8) throws(BufferSizeError) -> [Int] {
    let trimmed = trim(text)
    guard !trimmed.isEmpty else { throw BufferSizeError(token: trimmed, "no buffer size given") }
    guard Precision.validBits.contains(bits) else {
      throw BufferSizeError(token: trimmed, "entries of \(bits) bits: --bits is from \(Precision.validBits.lowerBound) to \(Precision.validBits.upperBound)")
    }
    var sizes = Set<Int>()
    for item in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
      let token = trim(String(item))
      guard !token.isEmpty else { throw BufferSizeError(token: trimmed, "empty item in the list") }
      for size in try parseItem(token, bits: bits) {
        sizes.insert(size)
        guard sizes.count <= maximumCount else {
          throw BufferSizeError(token: token, "more than \(maximumCount) sizes")
        }
      }
    }
    return sizes.sorted()
  }

  /// One list item: a size or a range.
  private static func parseItem(_ token: String, bits: Int) throws(BufferSizeError) -> [Int] {
    let parts = token.split(separator: "..", omittingEmptySubsequences: false).map(String.init)
    switch parts.count {
    case 1: return [try size(token, bits: bits, within: token)]
    case 2: break
    default: throw BufferSizeError(token: token, "a range has one '..'")
    }
    let start = try size(parts[0], bits: bits, within: token)
    let endAndStep = parts[1].split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    guard endAndStep.count <= 2 else { throw BufferSizeError(token: token, "a range has at most one '/STEP'") }
    let end = try size(endAndStep[0], bits: bits, within: token)
    guard start <= end else { throw BufferSizeError(token: token, "the start is above the end") }
    var result: [Int] = []
    if endAndStep.count == 2 {
      let step = try size(endAndStep[1], bits: bits, within: token, what: "step")
      var value = start
      while value <= end {
        result.append(value)
        guard result.count <= maximumCount else { throw BufferSizeError(token: token, "more than \(maximumCount) sizes") }
        let (next, overflow) = value.addingReportingOverflow(step)
        if overflow { break }
        value = next
      }
    } else {
      var value = start
      while value <= end {
        result.append(value)
        let (next, overflow) = value.multipliedReportingOverflow(by: 2)
        if overflow { break }
        value = next
      }
    }
    return result
  }

  /// One size: digits, then nothing (entries), K or M (entries), KiB or MiB (bytes); units
  /// are case-insensitive.
  private static func size(_ raw: String, bits: Int, within token: String, what: String = "size") throws(BufferSizeError) -> Int {
    let text = trim(raw)
    guard !text.isEmpty else { throw BufferSizeError(token: token, "missing \(what)") }
    if text.hasPrefix("-") { throw BufferSizeError(token: token, "\(what) \(excerpt(text)) is negative; sizes are at least 1") }
    let digits = text.prefix(while: { $0.isASCII && $0.isNumber })
    let unit = text.dropFirst(digits.count).lowercased()
    guard !digits.isEmpty else { throw BufferSizeError(token: token, "\(what) \(excerpt(text)) is not a number") }
    guard let number = Int(digits) else { throw BufferSizeError(token: token, "\(what) \(excerpt(text)) overflows") }
    let multiplier: Int
    let isBytes: Bool
    switch unit {
    case "": (multiplier, isBytes) = (1, false)
    case "k": (multiplier, isBytes) = (1 << 10, false)
    case "m": (multiplier, isBytes) = (1 << 20, false)
    case "kib": (multiplier, isBytes) = (1 << 10, true)
    case "mib": (multiplier, isBytes) = (1 << 20, true)
    default: throw BufferSizeError(token: token, "\(what) \(excerpt(text)) has an unknown unit \(excerpt(text.dropFirst(digits.count)))")
    }
    let (scaled, overflow) = number.multipliedReportingOverflow(by: multiplier)
    guard !overflow else { throw BufferSizeError(token: token, "\(what) \(excerpt(text)) overflows") }
    var value = scaled
    if isBytes {
      guard bits >= 1 else { throw BufferSizeError(token: token, "entries of \(bits) bits cannot hold bytes") }
      let (bitCount, overflow) = scaled.multipliedReportingOverflow(by: 8)
      guard !overflow else { throw BufferSizeError(token: token, "\(what) \(excerpt(text)) overflows") }
      value = bitCount / bits
      guard value > 0 || scaled == 0 else {
        throw BufferSizeError(token: token, "\(what) \(excerpt(text)) holds no \(bits)-bit entry")
      }
    }
    guard value > 0 else { throw BufferSizeError(token: token, "\(what) \(excerpt(text)) is zero; sizes are at least 1") }
    if let problem = Limits.bufferProblem(value) { throw BufferSizeError(token: token, problem) }
    return value
  }

  private static func trim(_ text: String) -> String {
    let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
    guard let first = text.firstIndex(where: { !isBlank($0) }), let last = text.lastIndex(where: { !isBlank($0) }) else { return "" }
    return String(text[first...last])
  }
}
