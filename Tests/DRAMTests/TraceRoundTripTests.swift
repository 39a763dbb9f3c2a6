import Foundation
import Testing
import DRAM
import TestSupport

@Suite struct TraceRoundTripTests {
  @Test(arguments: TraceFormat.allCases)
  func randomRecordsRoundTrip(format: TraceFormat) throws {
    let folder = try makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("trace.\(format.rawValue)").path
    var random = SplitMix64(seed: 0x5EED_0000 + UInt64(format.rawValue.count))
    let limit: UInt64 = format == .ramulator2 ? UInt64(Int64.max) : .max
    var records = (0..<3000).map { _ in randomRecord(&random, maximumAddress: limit) }
    // A name longer than the reader's smallest chunk, to make it grow its buffer.
    records.append(TraceRecord(DRAMRequest(address: 1, isWrite: true, cycle: 2),
                               annotation: TraceAnnotation(bytes: 64, usefulBytes: 64, unit: 0, layer: String(repeating: "x,\"", count: 3000), operand: .psum, tensor: "t", tile: 0)))
    // Small write buffer and read chunks, so lines straddle buffer boundaries.
    let writer = try TraceWriter(path: path, format: format, bufferBytes: 4096)
    for record in records { try writer.write(record) }
    #expect(writer.recordCount == Int64(records.count))
    try writer.finish()
    let back = try readAll(TraceReader(path: path, format: format, chunkBytes: 4096))
    #expect(back.count == records.count)
    for (index, (read, written)) in zip(back, records).enumerated() where read != written.kept(by: format) {
      Issue.record("record \(index): read \(read), wrote \(written.kept(by: format))")
      break
    }
    // Detection picks the same format and reads the same records.
    let detected = TraceReader(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: path))), name: "t")
    #expect(try readAll(detected) == back)
    #expect(detected.format == format)
    #expect(try contents(folder) == ["trace.\(format.rawValue)"])
  }

  @Test func sequenceIterationYieldsResults() throws {
    let reader = TraceReader(text: "0x10 READ 1\n\n0x20 WRITE 2\nbad\n0x30 READ 3\n", name: "t.trc", format: .dramsim3)
    var values: [Result<TraceRecord, TraceError>] = []
    for result in reader { values.append(result) }
    #expect(values.count == 3)
    #expect(try values[0].get() == TraceRecord(DRAMRequest(address: 0x10, isWrite: false, cycle: 1)))
    #expect(try values[1].get() == TraceRecord(DRAMRequest(address: 0x20, isWrite: true, cycle: 2)))
    guard case .failure(let error) = values[2] else {
      Issue.record("expected a failure, got \(values[2])")
      return
    }
    #expect(error.line == 4)
    #expect(error.file == "t.trc")
    // The error stays: next() throws it again.
    #expect(throws: TraceError.self) { try reader.next() }
  }

  @Test func csvWithoutAnnotationsWritesEmptyColumns() throws {
    let folder = try makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("t.csv").path
    let writer = try TraceWriter(path: path, format: .csv)
    try writer.write(DRAMRequest(address: 0xABC, isWrite: false, cycle: 7))
    try writer.write(DRAMRequest(address: 0x40, isWrite: true, cycle: 8),
                     annotation: TraceAnnotation(bytes: 64, usefulBytes: 48, unit: 3, layer: "conv,1", operand: .weights, tensor: "w\"1\"", tile: 12))
    try writer.finish()
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let expected = "cycle,address,command,bytes,useful_bytes,unit,layer,operand,tensor,tile\n"
      + "7,0xabc,READ,,,,,,,\n"
      + "8,0x40,WRITE,64,48,3,\"conv,1\",weights,\"w\"\"1\"\"\",12\n"
    #expect(text == expected)
  }

  @Test func simulatorFormatsWriteTheirSyntax() throws {
    let folder = try makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let records = [TraceRecord(DRAMRequest(address: 0x2000D5C0, isWrite: false, cycle: 30)),
                   TraceRecord(DRAMRequest(address: 0, isWrite: true, cycle: 0))]
    let expected: [TraceFormat: String] = [
      .dramsim3: "0x2000d5c0 READ 30\n0x0 WRITE 0\n",
      .ramulator2: "LD 0x2000d5c0\nST 0x0\n",
      .ramulator: "0x2000d5c0 R\n0x0 W\n",
    ]
    for (format, text) in expected {
      let path = folder.appendingPathComponent(format.rawValue).path
      let writer = try TraceWriter(path: path, format: format)
      for record in records { try writer.write(record) }
      try writer.finish()
      #expect(try String(contentsOfFile: path, encoding: .utf8) == text, "\(format)")
    }
  }

  @Test func millionLineRoundTrip() throws {
    let folder = try makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("big.trc").path
    let count = 1_000_000
    let writer = try TraceWriter(path: path, format: .dramsim3)
    for index in 0..<count {
      try writer.write(DRAMRequest(address: UInt64(index) &* 64, isWrite: index % 3 == 0, cycle: Int64(index / 2)))
    }
    try writer.finish()
    let reader = try TraceReader(path: path)
    var index = 0
    var mismatches = 0
    try reader.read { record in
      if record.request != DRAMRequest(address: UInt64(index) &* 64, isWrite: index % 3 == 0, cycle: Int64(index / 2)) { mismatches += 1 }
      index += 1
    }
    #expect(index == count)
    #expect(mismatches == 0)
    #expect(reader.format == .dramsim3)
  }
}
