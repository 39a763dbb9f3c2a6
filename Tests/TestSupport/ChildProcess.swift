import Foundation

/// What a child process printed and how it ended.
public struct ChildOutput: Sendable {
  public var status: Int32
  public var output: String
  public var errors: String
}

/// Runs `executable` with `arguments` in `directory`, `environment` added to this process's.
/// Both pipes are drained at once, before waiting, so that a child writing much to either cannot
/// block on a full pipe.
public func runChild(
  _ executable: URL, _ arguments: [String], environment: [String: String] = [:], in directory: URL? = nil
) throws -> ChildOutput {
  let process = Process()
  process.executableURL = executable
  process.arguments = arguments
  process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
  if let directory { process.currentDirectoryURL = directory }
  let output = Pipe()
  let errors = Pipe()
  process.standardOutput = output
  process.standardError = errors
  try process.run()
  let box = DataBox()
  let reading = DispatchGroup()
  DispatchQueue.global().async(group: reading) { box.data = errors.fileHandleForReading.readDataToEndOfFile() }
  let out = output.fileHandleForReading.readDataToEndOfFile()
  reading.wait()
  process.waitUntilExit()
  return ChildOutput(
    status: process.terminationStatus, output: String(decoding: out, as: UTF8.self),
    errors: String(decoding: box.data, as: UTF8.self))
}

/// Bytes read on another thread; the dispatch group's wait orders the write before the read.
private final class DataBox: @unchecked Sendable {
  var data = Data()
}
