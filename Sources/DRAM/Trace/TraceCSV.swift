import Tiling

/// One field of a CSV record: a range of the record's bytes, or the unescaped bytes of a quoted
/// field that held doubled quotes.
enum TraceCSVField {
  case slice(Range<Int>)
  case unescaped([UInt8])
}

/// The column names of a CSV trace, in order.
let traceCSVColumns = ["cycle", "address", "command", "bytes", "useful_bytes", "unit", "layer", "operand", "tensor", "tile"]

/// Splits one CSV record (RFC 4180; its final line break removed) into `fields`.
func traceSplitCSV(_ record: UnsafeBufferPointer<UInt8>, into fields: inout [TraceCSVField]) throws(TraceLineFailure) {
  fields.removeAll(keepingCapacity: true)
  var end = record.count
  if end > 0 && record[end - 1] == UInt8(ascii: "\r") { end -= 1 }
  let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ",")
  var position = 0
  while true {
    if position < end && record[position] == quote {
      var index = position + 1
      var copy: [UInt8]? = nil
      var closed = false
      while index < end {
        if record[index] == quote {
          if index + 1 < end && record[index + 1] == quote {
            if copy == nil { copy = Array(record[(position + 1)..<index]) }
            copy?.append(quote)
            index += 2
            continue
          }
          closed = true
          break
        }
        copy?.append(record[index])
        index += 1
      }
      guard closed else {
        throw TraceLineFailure(field: traceCSVColumns.indices.contains(fields.count) ? traceCSVColumns[fields.count] : nil, found: "a quoted field is not closed", expected: "a closing quote (\(TraceFormat.csv))")
      }
      fields.append(copy.map { .unescaped($0) } ?? .slice((position + 1)..<index))
      index += 1
      if index == end { return }
      guard record[index] == comma else {
        throw TraceLineFailure(field: traceCSVColumns.indices.contains(fields.count - 1) ? traceCSVColumns[fields.count - 1] : nil, found: "text after the closing quote of column \(fields.count)", expected: "a comma or the end of the line (\(TraceFormat.csv))")
      }
      position = index + 1
    } else {
      var index = position
      while index < end && record[index] != comma {
        if record[index] == quote {
          throw TraceLineFailure(field: traceCSVColumns.indices.contains(fields.count) ? traceCSVColumns[fields.count] : nil, found: "a quote inside the unquoted column \(fields.count + 1)", expected: "the whole field quoted, its quotes doubled (\(TraceFormat.csv))")
        }
        index += 1
      }
      fields.append(.slice(position..<index))
      if index == end { return }
      position = index + 1
    }
  }
}

/// Calls `body` with the bytes of `field` of `record`, and the range they occupy.
func traceWithField<R>(_ field: TraceCSVField, of record: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>, Range<Int>) throws(TraceLineFailure) -> R) throws(TraceLineFailure) -> R {
  switch field {
  case .slice(let range):
    return try body(record, range)
  case .unescaped(let bytes):
    do {
      return try bytes.withUnsafeBufferPointer { buffer in try body(buffer, 0..<buffer.count) }
    } catch let failure as TraceLineFailure {
      throw failure
    } catch {
      throw TraceLineFailure(field: nil, found: "\(error)", expected: "a valid field")
    }
  }
}

/// Whether the record's bytes are exactly the CSV header (a byte-order mark and a trailing CR allowed).
func traceIsCSVHeader(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
  var scanner = TraceLineScanner(line)
  scanner.skipByteOrderMark()
  return scanner.end - scanner.position == TraceFormat.csvHeader.utf8.count && scanner.startsWith("cycle,address,command,bytes,useful_bytes,unit,layer,operand,tensor,tile")
}

/// The failure for a first line that is not the CSV header.
func traceCSVHeaderFailure(_ line: UnsafeBufferPointer<UInt8>) -> TraceLineFailure {
  var scanner = TraceLineScanner(line)
  scanner.skipByteOrderMark()
  let shown = traceQuoted(UnsafeBufferPointer(rebasing: line[scanner.position..<scanner.end]), limit: 100)
  return TraceLineFailure(field: "header", found: "the header \(shown) is not the trace header", expected: "the line \(TraceFormat.csvHeader)")
}

/// Parses one CSV record (not the header); `fields` is scratch space.
func traceParseCSVRecord(_ record: UnsafeBufferPointer<UInt8>, fields: inout [TraceCSVField]) throws(TraceLineFailure) -> TraceRecord {
  try traceSplitCSV(record, into: &fields)
  guard fields.count == traceCSVColumns.count else {
    throw TraceLineFailure(field: nil, found: "found \(fields.count) column\(fields.count == 1 ? "" : "s")", expected: "\(traceCSVColumns.count) (\(TraceFormat.csv))")
  }
  let format = TraceFormat.csv
  let cycle = try traceWithField(fields[0], of: record) { (bytes, range) throws(TraceLineFailure) in try traceParseCycle(bytes, range, format: format) }
  let address = try traceWithField(fields[1], of: record) { (bytes, range) throws(TraceLineFailure) in try traceParseAddress(bytes, range, format: format) }
  let isWrite = try traceWithField(fields[2], of: record) { (bytes, range) throws(TraceLineFailure) -> Bool in
    if traceSpells(bytes, range, "READ") { return false }
    if traceSpells(bytes, range, "WRITE") { return true }
    let found = range.isEmpty ? "the command is empty" : "\(traceQuoted(UnsafeBufferPointer(rebasing: bytes[range]))) is not a command"
    throw TraceLineFailure(field: "command", found: found, expected: "READ or WRITE (\(format))")
  }
  let request = DRAMRequest(address: address, isWrite: isWrite, cycle: cycle)
  var empty = 0
  for index in 3..<fields.count {
    if case .slice(let range) = fields[index], range.isEmpty { empty += 1 }
  }
  if empty == 7 { return TraceRecord(request) }
  let maximumInt = UInt64(Int.max)
  let bytes = try traceWithField(fields[3], of: record) { (b, r) throws(TraceLineFailure) in Int(truncatingIfNeeded: try traceParseCount(b, r, field: "bytes", maximum: maximumInt, format: format)) }
  let useful = try traceWithField(fields[4], of: record) { (b, r) throws(TraceLineFailure) in Int(truncatingIfNeeded: try traceParseCount(b, r, field: "useful_bytes", maximum: maximumInt, format: format)) }
  if useful > bytes {
    throw TraceLineFailure(field: "useful_bytes", found: "useful_bytes \(useful) is more than bytes \(bytes)", expected: "at most bytes (\(format))")
  }
  let unit = try traceWithField(fields[5], of: record) { (b, r) throws(TraceLineFailure) in Int(truncatingIfNeeded: try traceParseCount(b, r, field: "unit", maximum: maximumInt, format: format)) }
  let layer = withText(fields[6], of: record)
  let operand = try traceWithField(fields[7], of: record) { (b, r) throws(TraceLineFailure) -> UnitTransfer.Operand in
    for operand in UnitTransfer.Operand.allCases where traceSpells(b, r, operand.encoded) { return operand }
    let found = r.isEmpty ? "the operand is empty" : "\(traceQuoted(UnsafeBufferPointer(rebasing: b[r]))) is not an operand"
    throw TraceLineFailure(field: "operand", found: found, expected: "input, skip, weights, output or psum (\(format))")
  }
  let tensor = withText(fields[8], of: record)
  let tile = try traceWithField(fields[9], of: record) { (b, r) throws(TraceLineFailure) in try traceParseCount(b, r, field: "tile", maximum: traceMaximumCycle, format: format) }
  let annotation = TraceAnnotation(bytes: bytes, usefulBytes: useful, unit: unit, layer: layer, operand: operand, tensor: tensor, tile: tile)
  return TraceRecord(request, annotation: annotation)
}

/// The field as text (invalid UTF-8 replaced).
private func withText(_ field: TraceCSVField, of record: UnsafeBufferPointer<UInt8>) -> String {
  switch field {
  case .slice(let range): return String(decoding: UnsafeBufferPointer(rebasing: record[range]), as: UTF8.self)
  case .unescaped(let bytes): return String(decoding: bytes, as: UTF8.self)
  }
}
