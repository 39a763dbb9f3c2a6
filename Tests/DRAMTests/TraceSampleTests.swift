import Testing
import DRAM

/// Lines as the simulators' own sources and docs show them, and format detection.
@Suite struct TraceSampleTests {
  @Test func dramsim3Samples() throws {
    // DRAMsim3 reads `is >> std::hex >> addr >> mem_op >> std::dec >> added_cycle` (src/common.cc).
    let text = "0x2000D5C0 READ 30\n0x2000d5c0 WRITE 31\r\n2000D5C0\tread\t32\n\n0X1f write 33\n0x40 P_MEM_WR 34\n0x80   BOFF 35   \n0xffffffffffffffff READ 9223372036854775807"
    let records = try readAll(TraceReader(text: text, name: "s", format: .dramsim3))
    #expect(records.map(\.request) == [
      DRAMRequest(address: 0x2000D5C0, isWrite: false, cycle: 30),
      DRAMRequest(address: 0x2000D5C0, isWrite: true, cycle: 31),
      DRAMRequest(address: 0x2000D5C0, isWrite: false, cycle: 32),
      DRAMRequest(address: 0x1F, isWrite: true, cycle: 33),
      DRAMRequest(address: 0x40, isWrite: true, cycle: 34),
      DRAMRequest(address: 0x80, isWrite: true, cycle: 35),
      DRAMRequest(address: .max, isWrite: false, cycle: .max),
    ])
    #expect(records.allSatisfy { $0.annotation == nil })
  }

  @Test func ramulator2Samples() throws {
    // loadstore_trace.cpp: `LD`/`ST`, then `0x`/`0X` hex or a decimal address.
    let text = "LD 0x229f6f80\nST 0x229f6fc0\nLD 0X229F6F80\nST 4096\n"
    let records = try readAll(TraceReader(text: text, name: "s", format: .ramulator2))
    #expect(records.map(\.request) == [
      DRAMRequest(address: 0x229F_6F80, isWrite: false),
      DRAMRequest(address: 0x229F_6FC0, isWrite: true),
      DRAMRequest(address: 0x229F_6F80, isWrite: false),
      DRAMRequest(address: 4096, isWrite: true),
    ])
  }

  @Test func ramulatorSamples() throws {
    // README "Memory Trace Driven" and Trace::get_dramtrace_request (src/Processor.cpp).
    let text = "0x12345680 R\n0x4cbd56c0 W\n4CBD56C0 W\n0x10\n0x20 READ\n0x30 WRITE\n"
    let records = try readAll(TraceReader(text: text, name: "s", format: .ramulator))
    #expect(records.map(\.request) == [
      DRAMRequest(address: 0x1234_5680, isWrite: false),
      DRAMRequest(address: 0x4CBD_56C0, isWrite: true),
      DRAMRequest(address: 0x4CBD_56C0, isWrite: true),
      DRAMRequest(address: 0x10, isWrite: false),
      DRAMRequest(address: 0x20, isWrite: false),
      DRAMRequest(address: 0x30, isWrite: true),
    ])
  }

  @Test func csvSample() throws {
    let text = "\u{FEFF}cycle,address,command,bytes,useful_bytes,unit,layer,operand,tensor,tile\r\n12,0x1A40,READ,64,48,2,\"conv \"\"a\"\", b\",input,ifmap,7\r\n13,1b00,WRITE,,,,,,,\r\n"
    let records = try readAll(TraceReader(text: text, name: "s", format: .csv))
    #expect(records == [
      TraceRecord(DRAMRequest(address: 0x1A40, isWrite: false, cycle: 12),
                  annotation: TraceAnnotation(bytes: 64, usefulBytes: 48, unit: 2, layer: "conv \"a\", b", operand: .input, tensor: "ifmap", tile: 7)),
      TraceRecord(DRAMRequest(address: 0x1B00, isWrite: true, cycle: 13)),
    ])
  }

  @Test func emptyInputsHaveNoRecords() throws {
    for format in [nil] + TraceFormat.allCases.map(Optional.some) {
      #expect(try readAll(TraceReader(text: "", name: "e", format: format)).isEmpty)
      #expect(try readAll(TraceReader(text: "\n \n\r\n", name: "e", format: format)).isEmpty)
    }
  }

  @Test(arguments: [
    ("0x2000D5C0 READ 30", TraceFormat.dramsim3),
    ("2000d5c0 WRITE 0", .dramsim3),
    ("0x2000D5C0 REED 30", .dramsim3),
    ("LD 0x229f6f80", .ramulator2),
    ("ST 1234", .ramulator2),
    ("0x12345680 R", .ramulator),
    ("0x4cbd56c0 W", .ramulator),
    ("0x4cbd56c0", .ramulator),
    ("  0x4cbd56c0\tW\r", .ramulator),
    ("cycle,address,command,bytes,useful_bytes,unit,layer,operand,tensor,tile", .csv),
    ("\u{FEFF}cycle,address,command,bytes,useful_bytes,unit,layer,operand,tensor,tile", .csv),
  ])
  func detection(line: String, format: TraceFormat) {
    #expect(TraceFormat.detect(firstLine: line) == format)
  }

  @Test(arguments: ["", "   ", "hello world", "LD", "# comment", "READ 0x10 5"])
  func detectionFails(line: String) {
    #expect(TraceFormat.detect(firstLine: line) == nil)
  }

  @Test func rawValuesAndNames() {
    #expect(TraceFormat.allCases.map(\.rawValue) == ["dramsim3", "ramulator2", "ramulator", "csv"])
    #expect(TraceFormat(rawValue: "ramulator2") == .ramulator2)
  }
}
