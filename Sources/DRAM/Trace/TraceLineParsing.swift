/// The largest cycle a trace holds: `Int64.max`.
let traceMaximumCycle = UInt64(Int64.max)

extension TraceFormat {
  /// Parses one non-blank line of a simulator format (`dramsim3`, `ramulator2`, `ramulator`).
  func parseSimulatorLine(_ line: UnsafeBufferPointer<UInt8>) throws(TraceLineFailure) -> TraceRecord {
    var scanner = TraceLineScanner(line)
    switch self {
    case .dramsim3:
      let address = try hexAddress(&scanner)
      let isWrite = try dramsim3Command(&scanner)
      guard let token = scanner.nextToken() else {
        throw TraceLineFailure(field: "cycle", found: "missing the cycle after the command", expected: "a decimal cycle from 0 to \(traceMaximumCycle) (\(self))")
      }
      let cycle = try traceParseCycle(scanner.bytes, token, format: self)
      try expectEnd(&scanner, after: "the cycle")
      return TraceRecord(DRAMRequest(address: address, isWrite: isWrite, cycle: cycle))
    case .ramulator2:
      guard let token = scanner.nextToken() else { throw missing("command") }
      let isWrite: Bool
      if scanner.equals(token, "LD") {
        isWrite = false
      } else if scanner.equals(token, "ST") {
        isWrite = true
      } else {
        throw TraceLineFailure(field: "command", found: "\(scanner.shown(token)) is not a command", expected: "LD or ST (\(self))")
      }
      guard let addressToken = scanner.nextToken() else {
        throw TraceLineFailure(field: "address", found: "missing the address after the command", expected: "0x then hex digits, or decimal digits (\(self))")
      }
      let address = try ramulator2Address(scanner, addressToken)
      try expectEnd(&scanner, after: "the address")
      return TraceRecord(DRAMRequest(address: address, isWrite: isWrite))
    case .ramulator:
      let address = try hexAddress(&scanner)
      var isWrite = false
      if let token = scanner.nextToken() {
        if scanner.equals(token, "R") || scanner.equals(token, "READ") {
          isWrite = false
        } else if scanner.equals(token, "W") || scanner.equals(token, "WRITE") {
          isWrite = true
        } else {
          throw TraceLineFailure(field: "command", found: "\(scanner.shown(token)) is not a command", expected: "R or W (\(self))")
        }
        try expectEnd(&scanner, after: "the command")
      }
      return TraceRecord(DRAMRequest(address: address, isWrite: isWrite))
    case .csv:
      throw TraceLineFailure(field: nil, found: "a CSV line", expected: "a simulator format")
    }
  }

  /// The failure for a line that lacks its first token (only reachable for non-blank input).
  private func missing(_ field: String) -> TraceLineFailure {
    TraceLineFailure(field: field, found: "missing the \(field)", expected: "a line of the \(self)")
  }

  /// The first token as a hex address, `0x` optional.
  private func hexAddress(_ scanner: inout TraceLineScanner) throws(TraceLineFailure) -> UInt64 {
    guard let token = scanner.nextToken() else { throw missing("address") }
    return try traceParseAddress(scanner.bytes, token, format: self)
  }

  /// A Ramulator 2 address: hex after `0x`/`0X`, decimal otherwise, at most 2^63-1 (`std::stoll`).
  private func ramulator2Address(_ scanner: TraceLineScanner, _ token: Range<Int>) throws(TraceLineFailure) -> UInt64 {
    let bytes = scanner.bytes
    let isHex = token.count >= 2 && bytes[token.lowerBound] == UInt8(ascii: "0") && (bytes[token.lowerBound + 1] | 0x20) == UInt8(ascii: "x")
    let number = isHex ? traceParseHex(bytes, token) : traceParseDecimal(bytes, token, maximum: UInt64.max)
    if case .value(let value) = number, value <= UInt64(Int64.max) { return value }
    let expected = "0x then hex digits, or decimal digits, at most 0x7fffffffffffffff (\(self))"
    switch number {
    case .value, .overflow:
      throw TraceLineFailure(field: "address", found: "address \(scanner.shown(token)) is above 2^63-1, which Ramulator 2 cannot read (std::stoll)", expected: expected)
    case .invalid, .negative:
      throw TraceLineFailure(field: "address", found: "\(scanner.shown(token)) is not an address", expected: expected)
    }
  }

  /// The DRAMsim3 command after the address.
  private func dramsim3Command(_ scanner: inout TraceLineScanner) throws(TraceLineFailure) -> Bool {
    guard let token = scanner.nextToken() else {
      throw TraceLineFailure(field: "command", found: "missing the command after the address", expected: "READ or WRITE (\(self))")
    }
    if scanner.equals(token, "READ") || scanner.equals(token, "read") { return false }
    if scanner.equals(token, "WRITE") || scanner.equals(token, "write") || scanner.equals(token, "P_MEM_WR") || scanner.equals(token, "BOFF") {
      return true
    }
    throw TraceLineFailure(field: "command", found: "\(scanner.shown(token)) is not a command", expected: "READ or WRITE (\(self))")
  }

  /// Fails when the line has another token.
  private func expectEnd(_ scanner: inout TraceLineScanner, after what: String) throws(TraceLineFailure) {
    if let extra = scanner.nextToken() {
      throw TraceLineFailure(field: nil, found: "unexpected \(scanner.shown(extra)) after \(what)", expected: "nothing more (\(self))")
    }
  }
}

/// A hex address (`0x` optional) up to 2^64-1, or the failure naming `format`.
func traceParseAddress(_ bytes: UnsafeBufferPointer<UInt8>, _ token: Range<Int>, format: TraceFormat) throws(TraceLineFailure) -> UInt64 {
  switch traceParseHex(bytes, token) {
  case .value(let value):
    return value
  case .overflow:
    throw TraceLineFailure(field: "address", found: "address \(traceQuoted(UnsafeBufferPointer(rebasing: bytes[token]))) is above 2^64-1", expected: "at most 0xffffffffffffffff (\(format))")
  case .invalid, .negative:
    throw TraceLineFailure(field: "address", found: "\(traceQuoted(UnsafeBufferPointer(rebasing: bytes[token]))) is not a hexadecimal address", expected: "0x then 1 to 16 hex digits (\(format))")
  }
}

/// A decimal cycle from 0 to `Int64.max`, or the failure naming `format`.
func traceParseCycle(_ bytes: UnsafeBufferPointer<UInt8>, _ token: Range<Int>, format: TraceFormat) throws(TraceLineFailure) -> Int64 {
  try traceParseCount(bytes, token, field: "cycle", maximum: traceMaximumCycle, format: format)
}

/// A decimal count from 0 to `maximum` for the column `field`, or the failure naming `format`.
func traceParseCount(_ bytes: UnsafeBufferPointer<UInt8>, _ token: Range<Int>, field: String, maximum: UInt64, format: TraceFormat) throws(TraceLineFailure) -> Int64 {
  let number = traceParseDecimal(bytes, token, maximum: maximum)
  if case .value(let value) = number { return Int64(value) }
  // Messages are built only on failure: this is the hot path of every line.
  let expected = "a decimal \(field) from 0 to \(maximum) (\(format))"
  let shown = traceQuoted(UnsafeBufferPointer(rebasing: bytes[token]))
  switch number {
  case .negative: throw TraceLineFailure(field: field, found: "\(field) \(shown) is negative", expected: expected)
  case .overflow: throw TraceLineFailure(field: field, found: "\(field) \(shown) is above \(maximum)", expected: expected)
  case .invalid, .value:
    if token.isEmpty { throw TraceLineFailure(field: field, found: "the \(field) is empty", expected: expected) }
    throw TraceLineFailure(field: field, found: "\(shown) is not a \(field)", expected: expected)
  }
}
