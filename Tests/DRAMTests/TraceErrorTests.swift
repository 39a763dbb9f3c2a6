import Testing
import DRAM

/// Each kind of malformed line, with the exact message and line number.
@Suite struct TraceErrorTests {
  static let d3 = "(DRAMsim3 format: 0xADDRESS READ|WRITE CYCLE)"
  static let r2 = "(Ramulator 2 LoadStoreTrace format: LD|ST 0xADDRESS)"
  static let r1 = "(Ramulator DRAM trace format: 0xADDRESS R|W)"
  static let csv = "(CSV format: cycle,address,command,bytes,useful_bytes,unit,layer,operand,tensor,tile)"
  static let header = "cycle,address,command,bytes,useful_bytes,unit,layer,operand,tensor,tile\n"
  static let cycleRange = "a decimal cycle from 0 to 9223372036854775807"

  struct Case: Sendable, CustomTestStringConvertible {
    var format: TraceFormat
    var text: String
    var message: String
    var testDescription: String { "\(format): \(message)" }
  }

  static let cases: [Case] = [
    // DRAMsim3: the brief's example, on line 17 after good and blank lines.
    Case(format: .dramsim3, text: String(repeating: "0x10 READ 1\n", count: 14) + "\n  \n0x2000D5C0 REED 30\n",
         message: "trace.txt:17: 'REED' is not a command; expected READ or WRITE \(d3)"),
    Case(format: .dramsim3, text: "0x10 READ 1\n0x10 READ\n", message: "trace.txt:2: missing the cycle after the command; expected \(cycleRange) \(d3)"),
    Case(format: .dramsim3, text: "0x10\n", message: "trace.txt:1: missing the command after the address; expected READ or WRITE \(d3)"),
    Case(format: .dramsim3, text: "0x10 READ 5 extra\n", message: "trace.txt:1: unexpected 'extra' after the cycle; expected nothing more \(d3)"),
    Case(format: .dramsim3, text: "0x10 WRITE -5\n", message: "trace.txt:1: cycle '-5' is negative; expected \(cycleRange) \(d3)"),
    Case(format: .dramsim3, text: "0x10 WRITE 5x\n", message: "trace.txt:1: '5x' is not a cycle; expected \(cycleRange) \(d3)"),
    Case(format: .dramsim3, text: "0x10 WRITE 9223372036854775808\n", message: "trace.txt:1: cycle '9223372036854775808' is above 9223372036854775807; expected \(cycleRange) \(d3)"),
    Case(format: .dramsim3, text: "0x10000000000000000 READ 1\n", message: "trace.txt:1: address '0x10000000000000000' is above 2^64-1; expected at most 0xffffffffffffffff \(d3)"),
    Case(format: .dramsim3, text: "0xG0 READ 1\n", message: "trace.txt:1: '0xG0' is not a hexadecimal address; expected 0x then 1 to 16 hex digits \(d3)"),
    Case(format: .dramsim3, text: "0x READ 1\n", message: "trace.txt:1: '0x' is not a hexadecimal address; expected 0x then 1 to 16 hex digits \(d3)"),
    Case(format: .dramsim3, text: "# comment\n", message: "trace.txt:1: '#' is not a hexadecimal address; expected 0x then 1 to 16 hex digits \(d3)"),
    // Ramulator 2.
    Case(format: .ramulator2, text: "LD 0x10\nLOAD 0x20\n", message: "trace.txt:2: 'LOAD' is not a command; expected LD or ST \(r2)"),
    Case(format: .ramulator2, text: "ST\n", message: "trace.txt:1: missing the address after the command; expected 0x then hex digits, or decimal digits \(r2)"),
    Case(format: .ramulator2, text: "ST 0x10 0x20\n", message: "trace.txt:1: unexpected '0x20' after the address; expected nothing more \(r2)"),
    Case(format: .ramulator2, text: "ST 12ab\n", message: "trace.txt:1: '12ab' is not an address; expected 0x then hex digits, or decimal digits, at most 0x7fffffffffffffff \(r2)"),
    Case(format: .ramulator2, text: "ST 0x8000000000000000\n", message: "trace.txt:1: address '0x8000000000000000' is above 2^63-1, which Ramulator 2 cannot read (std::stoll); expected 0x then hex digits, or decimal digits, at most 0x7fffffffffffffff \(r2)"),
    Case(format: .ramulator2, text: "0x10 R\n", message: "trace.txt:1: '0x10' is not a command; expected LD or ST \(r2)"),
    // Ramulator 1.
    Case(format: .ramulator, text: "0x10 R\n0x20 X\n", message: "trace.txt:2: 'X' is not a command; expected R or W \(r1)"),
    Case(format: .ramulator, text: "0x10 R 7\n", message: "trace.txt:1: unexpected '7' after the command; expected nothing more \(r1)"),
    Case(format: .ramulator, text: "0xfffffffffffffffff W\n", message: "trace.txt:1: address '0xfffffffffffffffff' is above 2^64-1; expected at most 0xffffffffffffffff \(r1)"),
    Case(format: .ramulator, text: "LD 0x10\n", message: "trace.txt:1: 'LD' is not a hexadecimal address; expected 0x then 1 to 16 hex digits \(r1)"),
    // CSV.
    Case(format: .csv, text: "cycle,address,command\n", message: "trace.txt:1: the header 'cycle,address,command' is not the trace header; expected the line cycle,address,command,bytes,useful_bytes,unit,layer,operand,tensor,tile"),
    Case(format: .csv, text: "1,0x10,READ,,,,,,,\n", message: "trace.txt:1: the header '1,0x10,READ,,,,,,,' is not the trace header; expected the line cycle,address,command,bytes,useful_bytes,unit,layer,operand,tensor,tile"),
    Case(format: .csv, text: header + "1,0x10,READ,,,,,,\n", message: "trace.txt:2: found 9 columns; expected 10 \(csv)"),
    Case(format: .csv, text: header + "1,0x10,READ,,,,,,,,\n", message: "trace.txt:2: found 11 columns; expected 10 \(csv)"),
    Case(format: .csv, text: header + "1,0x10,REED,,,,,,,\n", message: "trace.txt:2: 'REED' is not a command; expected READ or WRITE \(csv)"),
    Case(format: .csv, text: header + "-1,0x10,READ,,,,,,,\n", message: "trace.txt:2: cycle '-1' is negative; expected \(cycleRange) \(csv)"),
    Case(format: .csv, text: header + ",0x10,READ,,,,,,,\n", message: "trace.txt:2: the cycle is empty; expected \(cycleRange) \(csv)"),
    Case(format: .csv, text: header + "1,0x10,READ,64,65,0,l,input,t,0\n", message: "trace.txt:2: useful_bytes 65 is more than bytes 64; expected at most bytes \(csv)"),
    Case(format: .csv, text: header + "1,0x10,READ,64,64,0,l,bias,t,0\n", message: "trace.txt:2: 'bias' is not an operand; expected input, skip, weights, output or psum \(csv)"),
    Case(format: .csv, text: header + "1,0x10,READ,64,64,0,l,input,t,\n", message: "trace.txt:2: the tile is empty; expected a decimal tile from 0 to 9223372036854775807 \(csv)"),
    Case(format: .csv, text: header + "1,0x10,READ,64,64,0,\"l,input,t,0\n2,0x0,READ,,,,,,,\n", message: "trace.txt:2: a quoted field is not closed; expected a closing quote \(csv)"),
    Case(format: .csv, text: header + "1,0x10,READ,64,64,0,\"l\"x,input,t,0\n", message: "trace.txt:2: text after the closing quote of column 7; expected a comma or the end of the line \(csv)"),
    Case(format: .csv, text: header + "1,0x10,READ,64,64,0,l\"x,input,t,0\n", message: "trace.txt:2: a quote inside the unquoted column 7; expected the whole field quoted, its quotes doubled \(csv)"),
    // A quoted field spanning lines: the next record's error names its own line.
    Case(format: .csv, text: header + "1,0x10,READ,64,64,0,\"a\nb\",input,t,0\n1,0x10,READ,64,64,0,l,in,t,0\n", message: "trace.txt:4: 'in' is not an operand; expected input, skip, weights, output or psum \(csv)"),
  ]

  @Test(arguments: cases)
  func malformedLine(_ example: Case) {
    #expect(readError(example.text, format: example.format) == example.message)
  }

  @Test func errorFields() throws {
    do {
      _ = try readAll(TraceReader(text: "0x1 READ x\n", name: "a.trc", format: .dramsim3))
      Issue.record("expected an error")
    } catch let error as TraceError {
      #expect(error.field == "cycle")
      #expect(error.line == 1)
      #expect(error.file == "a.trc")
    }
  }

  @Test func undetectableFirstLine() {
    #expect(readError("\nhello world\n", format: nil) == "trace.txt:2: 'hello world' is not a line of a known trace format; expected DRAMsim3 format: 0xADDRESS READ|WRITE CYCLE; or Ramulator 2 LoadStoreTrace format: LD|ST 0xADDRESS; or Ramulator DRAM trace format: 0xADDRESS R|W; or CSV format: cycle,address,command,bytes,useful_bytes,unit,layer,operand,tensor,tile")
  }

  @Test func writerRefusesWhatCannotReadBack() throws {
    let folder = try makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("r2.trace").path
    let writer = try TraceWriter(path: path, format: .ramulator2)
    try writer.write(DRAMRequest(address: 0x10, isWrite: false))
    #expect(throws: TraceError.self) { try writer.write(DRAMRequest(address: 1 << 63, isWrite: false)) }
    try writer.write(DRAMRequest(address: 0x20, isWrite: true))
    try writer.finish()
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "LD 0x10\nST 0x20\n")

    let csv = try TraceWriter(path: folder.appendingPathComponent("c.csv").path, format: .csv)
    do {
      try csv.write(DRAMRequest(address: 0, isWrite: false, cycle: -1))
      Issue.record("expected an error")
    } catch {
      #expect(error.description.hasSuffix("c.csv:2: cycle -1 is negative; the CSV format: \(TraceFormat.csvHeader) needs 0 to 9223372036854775807"))
    }
    #expect(throws: TraceError.self) {
      try csv.write(DRAMRequest(address: 0, isWrite: false), annotation: TraceAnnotation(bytes: 8, usefulBytes: 9, unit: 0, layer: "", operand: .input, tensor: "", tile: 0))
    }
    // Formats without cycles ignore a negative one.
    let r1 = try TraceWriter(path: folder.appendingPathComponent("r1.trace").path, format: .ramulator)
    try r1.write(DRAMRequest(address: 0, isWrite: false, cycle: -1))
    try r1.finish()
  }
}

import Foundation
