import Tiling

/// A growable byte buffer that trace lines are formatted into without intermediate strings.
struct TraceByteBuffer: ~Copyable {
  /// The bytes; `count` of them written.
  private(set) var base: UnsafeMutablePointer<UInt8>
  /// Bytes allocated.
  private(set) var capacity: Int
  /// Bytes written.
  var count = 0

  init(capacity: Int) {
    self.capacity = max(capacity, 256)
    self.base = UnsafeMutablePointer<UInt8>.allocate(capacity: self.capacity)
  }

  deinit { base.deallocate() }

  /// Free bytes after `count`.
  var free: Int { capacity - count }

  /// Grows the allocation to at least `needed` free bytes.
  mutating func reserve(_ needed: Int) {
    guard free < needed else { return }
    let grown = max(capacity * 2, count + needed)
    let fresh = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
    fresh.update(from: base, count: count)
    base.deallocate()
    base = fresh
    capacity = grown
  }

  /// Appends one byte (space must be reserved).
  mutating func append(_ byte: UInt8) {
    base[count] = byte
    count += 1
  }

  /// Appends ASCII text (space must be reserved).
  mutating func append(_ text: StaticString) {
    let length = text.utf8CodeUnitCount
    (base + count).update(from: text.utf8Start, count: length)
    count += length
  }

  /// Appends `0x` and the lowercase hex digits of `value`, no leading zeros (space: 18 bytes).
  mutating func appendHex(_ value: UInt64) {
    append("0x")
    let digits = value == 0 ? 1 : (64 - value.leadingZeroBitCount + 3) / 4
    var rest = value
    var index = count + digits - 1
    while index >= count {
      let nibble = UInt8(truncatingIfNeeded: rest & 0xF)
      base[index] = nibble < 10 ? nibble &+ UInt8(ascii: "0") : nibble &+ (UInt8(ascii: "a") &- 10)
      rest >>= 4
      index -= 1
    }
    count += digits
  }

  /// Appends `value` in decimal, with a minus sign when negative (space: 20 bytes).
  mutating func appendDecimal(_ value: Int64) {
    if value < 0 { append(UInt8(ascii: "-")) }
    var rest = value.magnitude
    var digits = 1
    var probe = rest
    while probe >= 10 {
      probe /= 10
      digits += 1
    }
    var index = count + digits - 1
    while index >= count {
      base[index] = UInt8(truncatingIfNeeded: rest % 10) &+ UInt8(ascii: "0")
      rest /= 10
      index -= 1
    }
    count += digits
  }

  /// Appends `text` as one CSV field: as is, or quoted with its quotes doubled when it holds a
  /// comma, a quote, a CR or a LF. Reserves its own space.
  mutating func appendCSVField(_ text: String) {
    let utf8 = text.utf8
    let length = utf8.count
    reserve(length * 2 + 2)
    let needsQuotes = utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
    if !needsQuotes {
      let target = base + count
      let copied = utf8.withContiguousStorageIfAvailable { bytes -> Bool in
        if let start = bytes.baseAddress { target.update(from: start, count: bytes.count) }
        return true
      }
      if copied == nil {
        var offset = 0
        for byte in utf8 {
          target[offset] = byte
          offset += 1
        }
      }
      count += length
      return
    }
    append(UInt8(ascii: "\""))
    for byte in utf8 {
      if byte == UInt8(ascii: "\"") { append(byte) }
      append(byte)
    }
    append(UInt8(ascii: "\""))
  }
}

extension TraceFormat {
  /// Bytes a line needs besides its CSV text fields: address, cycle, five counts, words and commas.
  static let fixedLineBytes = 256

  /// Appends the line of `record` (with its line break) to `buffer`. The record must be writable
  /// in this format (`writeProblem`).
  func encode(_ record: TraceRecord, into buffer: inout TraceByteBuffer) {
    let request = record.request
    buffer.reserve(TraceFormat.fixedLineBytes)
    switch self {
    case .dramsim3:
      buffer.appendHex(request.address)
      buffer.append(request.isWrite ? " WRITE " : " READ ")
      buffer.appendDecimal(request.cycle)
    case .ramulator2:
      buffer.append(request.isWrite ? "ST " : "LD ")
      buffer.appendHex(request.address)
    case .ramulator:
      buffer.appendHex(request.address)
      buffer.append(request.isWrite ? " W" : " R")
    case .csv:
      buffer.appendDecimal(request.cycle)
      buffer.append(UInt8(ascii: ","))
      buffer.appendHex(request.address)
      buffer.append(request.isWrite ? ",WRITE," : ",READ,")
      if let note = record.annotation {
        buffer.appendDecimal(Int64(note.bytes))
        buffer.append(UInt8(ascii: ","))
        buffer.appendDecimal(Int64(note.usefulBytes))
        buffer.append(UInt8(ascii: ","))
        buffer.appendDecimal(Int64(note.unit))
        buffer.append(UInt8(ascii: ","))
        buffer.appendCSVField(note.layer)
        buffer.reserve(TraceFormat.fixedLineBytes)
        buffer.append(UInt8(ascii: ","))
        buffer.append(note.operand.encoded)
        buffer.append(UInt8(ascii: ","))
        buffer.appendCSVField(note.tensor)
        buffer.reserve(TraceFormat.fixedLineBytes)
        buffer.append(UInt8(ascii: ","))
        buffer.appendDecimal(note.tile)
      } else {
        buffer.append(",,,,,,")
      }
    }
    buffer.append(UInt8(ascii: "\n"))
  }

  /// Why `record` cannot be written in this format so that it reads back, or nil: the field and
  /// the reason.
  func writeProblem(_ record: TraceRecord) -> (field: String, message: String)? {
    if hasCycles && record.request.cycle < 0 {
      return ("cycle", "cycle \(record.request.cycle) is negative; the \(self) needs 0 to \(Int64.max)")
    }
    if self == .ramulator2 && record.request.address > UInt64(Int64.max) {
      return ("address", "address 0x\(String(record.request.address, radix: 16)) is above 2^63-1, which Ramulator 2 cannot read (std::stoll)")
    }
    if hasAnnotations, let problem = record.annotation?.problem { return problem }
    return nil
  }
}

extension UnitTransfer.Operand {
  /// The operand's CSV word.
  var encoded: StaticString {
    switch self {
    case .input: return "input"
    case .skip: return "skip"
    case .weights: return "weights"
    case .output: return "output"
    case .psum: return "psum"
    }
  }
}
