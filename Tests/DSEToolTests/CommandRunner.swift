import Foundation
import TestSupport
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
  let result = try runChild(try dseExecutable(), arguments, in: directory)
  return CommandResult(status: result.status, standardOutput: result.output, standardError: result.errors)
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
