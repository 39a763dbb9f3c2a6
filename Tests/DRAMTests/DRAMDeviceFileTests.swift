import Foundation
import Testing

@testable import DRAM

/// The package root, found from this file (Tests/DRAMTests/ is two levels below it).
private let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()

/// The 1-based line of the first line of `text` equal to `line`.
private func lineNumber(of line: String, in text: String) -> Int? {
  text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0 == line }.map { $0 + 1 }
}

@Test func bundledTextsEqualTheFilesInArch() throws {
  #expect(DRAMDevice.bundled.keys.sorted() == ["ddr4-2400-x8", "lpddr4-x16"])
  for (name, text) in DRAMDevice.bundled {
    let file = packageRoot.appendingPathComponent("arch/dram/\(name).yaml")
    let onDisk = try String(contentsOf: file, encoding: .utf8)
    #expect(onDisk == text, "arch/dram/\(name).yaml differs from DRAMDevice.bundled[\"\(name)\"]")
  }
}

@Test func bundledDevicesReadWithTheirFigures() throws {
  let ddr4 = try DRAMDevice.named("ddr4-2400-x8")
  #expect(ddr4.organization.bytesPerBurst == 64)  // 64-bit bus x BL8 / 8
  #expect(ddr4.organization.banksPerRank == 16)
  #expect(ddr4.organization.capacityBytes == 16 << 30)  // 2 ranks x 8 devices x 8 Gb
  #expect(ddr4.timing.rc == 55 && ddr4.timing.rfc == 420 && ddr4.timing.refi == 9364)
  #expect(ddr4.rails.map(\.name) == ["vdd", "vpp"])
  let lpddr4 = try DRAMDevice.named("lpddr4-x16")
  #expect(lpddr4.organization.bytesPerBurst == 128)  // 64-bit bus (4 x16 channels) x BL16 / 8
  #expect(lpddr4.organization.capacityBytes == 2 << 30)  // 4 x 4 Gb channels = two 8 Gb dies
  #expect(lpddr4.rails.map(\.name) == ["vdd1", "vdd2"])
}

@Test func unknownDeviceNameListsTheKnownOnes() {
  #expect {
    _ = try DRAMDevice.named("ddr5")
  } throws: { error in
    "\(error)".contains("ddr4-2400-x8, lpddr4-x16")
  }
}

/// Each kind of fault in a device file, and the field and text the error must name.
private let faults: [(what: String, from: String, to: String?, field: String, says: String)] = [
  ("missing field", "  trcd: 16", nil, "timing.trcd", "missing key"),
  ("unknown key", "  trcd: 16", "  trcd: 16\n  tfoo: 3", "timing.tfoo", "accepted keys"),
  ("wrong type", "  trcd: 16", "  trcd: sixteen", "timing.trcd", "whole number"),
  ("zero banks", "  banks_per_group: 4", "  banks_per_group: 0", "organization.banks_per_group", "power of two"),
  ("rows not a power of two", "  rows: 65536", "  rows: 65535", "organization.rows", "power of two"),
  ("tRC < tRAS + tRP", "  trc: 55", "  trc: 50", "timing.trc", "tRAS + tRP"),
  ("IDD3N < IDD2N", "    idd3n: 43", "    idd3n: 30", "power.vdd.idd3n", "idd2n"),
  ("bus narrower than its devices", "  bus_width: 64", "  bus_width: 32", "organization.bus_width", "device_width"),
  ("tBURST not BL/2", "  tburst: 4", "  tburst: 8", "timing.tburst", "burst_length / 2"),
]

@Test(arguments: faults.indices)
func faultyDeviceFileIsRefusedNamingFileLineAndField(_ index: Int) throws {
  let fault = faults[index]
  let original = try #require(DRAMDevice.bundled["ddr4-2400-x8"])
  #expect(original.contains(fault.from + "\n"))
  let broken = original.replacingOccurrences(of: fault.from + "\n", with: fault.to.map { $0 + "\n" } ?? "")
  // The line the error must name: the changed key's, or for a missing key its section's.
  let key = fault.to.map { $0.split(separator: "\n").last.map(String.init) ?? $0 } ?? "timing:"
  let expectedLine = try #require(lineNumber(of: key, in: broken))
  do {
    _ = try DRAMDevice.read(yaml: broken, file: "bad.yaml")
    Issue.record("\(fault.what): accepted")
  } catch {
    #expect(error.file == "bad.yaml", "\(fault.what)")
    #expect(error.field == fault.field, "\(fault.what): \(error)")
    #expect(error.line == expectedLine, "\(fault.what): \(error)")
    #expect(error.description.hasPrefix("bad.yaml:\(expectedLine): \(fault.field): "), "\(fault.what): \(error)")
    #expect(error.message.contains(fault.says), "\(fault.what): \(error)")
  }
}

@Test func malformedAndEmptyFilesAreRefused() {
  #expect(throws: DRAMError.self) { _ = try DRAMDevice.read(yaml: "", file: "empty.yaml") }
  #expect(throws: DRAMError.self) { _ = try DRAMDevice.read(yaml: "name: [", file: "broken.yaml") }
  #expect(throws: DRAMError.self) { _ = try DRAMDevice.read(yaml: "- a\n- b\n", file: "list.yaml") }
}
