import Foundation
import Testing

/// Runs the built `dse` executable, the way a user does, and captures what it prints.
struct CommandResult {
  var status: Int32
  var standardOutput: String
  var standardError: String
}

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()

/// The `dse` binary beside the test bundle (the same build), or in .build/debug.
func dseExecutable() throws -> URL {
  let candidates = [
    Bundle.main.bundleURL.appendingPathComponent("dse"),
    Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("dse"),
    packageRoot.appendingPathComponent(".build/debug/dse"),
  ]
  guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
    throw CommandFailure(description: "dse is not built; run `swift build` (scripts/test does) before the tests")
  }
  return found
}

struct CommandFailure: Error, CustomStringConvertible {
  var description: String
}

func dse(_ arguments: String..., in directory: URL = packageRoot) throws -> CommandResult {
  try dse(arguments, in: directory)
}

func dse(_ arguments: [String], in directory: URL = packageRoot) throws -> CommandResult {
  let process = Process()
  process.executableURL = try dseExecutable()
  process.arguments = arguments
  process.currentDirectoryURL = directory
  let output = Pipe()
  let errors = Pipe()
  process.standardOutput = output
  process.standardError = errors
  try process.run()
  // Both pipes are drained at once, before waiting, so that a child writing much to either
  // cannot block on a full pipe.
  let errorData = DataBox()
  let reading = DispatchGroup()
  DispatchQueue.global().async(group: reading) { errorData.data = errors.fileHandleForReading.readDataToEndOfFile() }
  let outData = output.fileHandleForReading.readDataToEndOfFile()
  reading.wait()
  let errData = errorData.data
  process.waitUntilExit()
  return CommandResult(
    status: process.terminationStatus, standardOutput: String(decoding: outData, as: UTF8.self),
    standardError: String(decoding: errData, as: UTF8.self))
}

/// Bytes read on another thread; the dispatch group's wait orders the write before the read.
private final class DataBox: @unchecked Sendable {
  var data = Data()
}

/// A fresh empty directory for a test's output files.
func temporaryDirectory() throws -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("dse-tests-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

/// Writes `text` to `name` inside `directory` and returns its path.
func writeFile(_ text: String, named name: String, in directory: URL) throws -> String {
  let url = directory.appendingPathComponent(name)
  try Data(text.utf8).write(to: url)
  return url.path
}
