import Foundation
import Networks
import Testing

/// Output files: written atomically, names made from user text stay in their folder, and
/// writing never replaces a device or a pipe with a file.
@Suite struct OutputFilesTests {
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

  @Test(arguments: [
    ("../escaped", "_escaped"), ("a\u{0}b", "a_b"), ("/etc/passwd", "_etc_passwd"), ("..", "network"), ("", "network"),
    ("mobilenet v2 (int8)", "mobilenet_v2__int8_"), ("résumé", "r_sum_"), ("ResNet-50.cp+1", "ResNet-50.cp+1"),
  ])
  func stemsKeepOnlySafeCharacters(name: String, stem: String) {
    #expect(OutputFolder.stem(for: name) == stem)
  }

  @Test func stemsAreBounded() {
    let stem = OutputFolder.stem(for: String(repeating: "x", count: 10_000))
    #expect(stem.count == OutputFolder.stemLength)
  }

  /// A pipe given as the output is written into and stays a pipe (a rename would have put a
  /// regular file in its place; as root, `-o /dev/null` would have replaced the device).
  @Test func aPipeIsWrittenIntoNotReplaced() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dse-fifo-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let fifo = folder.appendingPathComponent("out.fifo").path
    #expect(mkfifo(fifo, 0o644) == 0)
    // Opened for reading first (without blocking), so that the writer's open succeeds.
    let reader = open(fifo, O_RDONLY | O_NONBLOCK)
    #expect(reader >= 0)
    defer { close(reader) }
    try writeTextAtomically("through the pipe\n", to: fifo)
    var buffer = [UInt8](repeating: 0, count: 64)
    let count = read(reader, &buffer, buffer.count)
    #expect(String(decoding: buffer.prefix(max(0, count)), as: UTF8.self) == "through the pipe\n")
    var status = stat()
    #expect(stat(fifo, &status) == 0)
    #expect(status.st_mode & S_IFMT == S_IFIFO)
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["out.fifo"])
  }

  @Test func aFolderIsNotAnOutputFile() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dse-folder-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect(throws: NetworkError.self) { try writeTextAtomically("x", to: folder.path) }
  }
}
