import Foundation
import Testing

@testable import Networks

@Suite struct AtomicWriteTests {
  @Test func overwritesAnExistingFile() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dse-atomic-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("out.yaml").path
    try writeTextAtomically("first\n", to: path)
    try writeTextAtomically("second\n", to: path)
    #expect(try readText(path) == "second\n")
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["out.yaml"])
  }
}
