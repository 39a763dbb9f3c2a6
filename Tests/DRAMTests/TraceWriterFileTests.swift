import Foundation
import Testing
import DRAM

/// The temporary-file behaviour: the destination appears only on `finish()`.
@Suite struct TraceWriterFileTests {
  @Test func droppedWithoutFinishLeavesNothing() throws {
    let folder = try makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("out.trace").path
    do {
      let writer = try TraceWriter(path: path, format: .dramsim3, bufferBytes: 4096)
      for index in 0..<10_000 { try writer.write(DRAMRequest(address: UInt64(index), isWrite: false, cycle: 0)) }
      // Some bytes were flushed into the temporary file, none into the destination.
      #expect(try contents(folder).count == 1)
      #expect(!FileManager.default.fileExists(atPath: path))
    }
    #expect(try contents(folder).isEmpty)
  }

  @Test func existingDestinationUntouchedUntilFinish() throws {
    let folder = try makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("out.trace").path
    try "old\n".write(toFile: path, atomically: false, encoding: .utf8)
    do {
      let writer = try TraceWriter(path: path, format: .ramulator)
      try writer.write(DRAMRequest(address: 1, isWrite: true))
      #expect(try String(contentsOfFile: path, encoding: .utf8) == "old\n")
    }
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "old\n")
    #expect(try contents(folder) == ["out.trace"])
    let writer = try TraceWriter(path: path, format: .ramulator)
    try writer.write(DRAMRequest(address: 1, isWrite: true))
    try writer.finish()
    try writer.finish()
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "0x1 W\n")
    #expect(try contents(folder) == ["out.trace"])
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    #expect((attributes[.posixPermissions] as? Int) == 0o644)
    #expect(throws: TraceError.self) { try writer.write(DRAMRequest(address: 2, isWrite: true)) }
  }

  @Test func failedRenameRemovesTemporaryFile() throws {
    let folder = try makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("out.trace").path
    let writer = try TraceWriter(path: path, format: .dramsim3)
    try writer.write(DRAMRequest(address: 1, isWrite: true, cycle: 1))
    // A folder appears where the trace should go: renaming a file over it fails.
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
    try FileManager.default.createDirectory(atPath: path + "/keep", withIntermediateDirectories: false)
    #expect(throws: TraceError.self) { try writer.finish() }
    #expect(try contents(folder) == ["out.trace"])
    var isFolder: ObjCBool = false
    #expect(FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue)
    #expect(throws: TraceError.self) { try writer.write(DRAMRequest(address: 2, isWrite: true)) }
  }

  @Test func failedWriteThrows() throws {
    // /dev/full fails every write with ENOSPC; a device is written straight into, never renamed over.
    guard FileManager.default.fileExists(atPath: "/dev/full") else { return }
    let writer = try TraceWriter(path: "/dev/full", format: .csv, bufferBytes: 4096)
    do {
      for index in 0..<100_000 { try writer.write(DRAMRequest(address: UInt64(index), isWrite: false)) }
      try writer.finish()
      Issue.record("expected a write error")
    } catch {
      #expect(error.description == "/dev/full: cannot write the trace: no space left on the device")
    }
    #expect(FileManager.default.fileExists(atPath: "/dev/full"))
  }

  @Test func missingFolderAndFolderDestination() throws {
    let folder = try makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let missing = folder.appendingPathComponent("no/such/out.trace").path
    #expect(throws: TraceError.self) { _ = try TraceWriter(path: missing, format: .csv) }
    do {
      _ = try TraceWriter(path: folder.path, format: .csv)
      Issue.record("expected an error")
    } catch {
      #expect(error.description == "\(folder.path): cannot write the trace: it is a folder")
    }
    do {
      _ = try TraceReader(path: missing)
      Issue.record("expected an error")
    } catch {
      #expect(error.description == "\(missing): no such file")
    }
    #expect(try contents(folder).isEmpty)
  }

  @Test func devNullIsWrittenStraight() throws {
    let writer = try TraceWriter(path: "/dev/null", format: .dramsim3)
    try writer.write(DRAMRequest(address: 1, isWrite: true, cycle: 1))
    try writer.finish()
    #expect(FileManager.default.fileExists(atPath: "/dev/null"))
  }
}
