import Foundation
import TestSupport
import Testing

typealias ProcessResult = ChildOutput

/// Runs `executable` with `arguments` (found on PATH when not a path).
func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:], in directory: URL? = nil)
  throws -> ProcessResult
{
  try runChild(URL(fileURLWithPath: "/usr/bin/env"), [executable] + arguments, environment: environment, in: directory)
}

/// A folder holding `libdse.so`, linked to the libDSEC.so of this build, as scripts/build
/// links it: C programs link it with -ldse and Python loads it, the way users do.
/// `strippingDebugInformation`: a copy without its DWARF 5 debug information instead, which
/// valgrind 3.19 cannot read (it gives up on the whole run).
func libraryFolder(strippingDebugInformation: Bool = false) throws -> URL {
  let candidates = [
    Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent(),
    packageRoot.appendingPathComponent(".build/debug"),
  ].map { $0.appendingPathComponent("libDSEC.so") }
  guard let library = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
    throw TestFailure("libDSEC.so is not built; run `scripts/build debug --build-tests` (scripts/test builds it)")
  }
  let folder = try scratchFolder()
  let link = folder.appendingPathComponent("libdse.so")
  if strippingDebugInformation {
    let stripped = try run("strip", ["--strip-debug", "-o", link.path, library.resolvingSymlinksInPath().path])
    guard stripped.status == 0 else { throw TestFailure("strip: \(stripped.errors)") }
  } else {
    try FileManager.default.createSymbolicLink(at: link, withDestinationURL: library.resolvingSymlinksInPath())
  }
  return folder
}

/// A fresh empty folder.
func scratchFolder() throws -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("dse-library-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

struct TestFailure: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}

/// A small network with a fusable MobileNet block, for runs under valgrind and from threads.
let smallNetworkYAML = """
  name: small
  input: [8, 8, 8]
  layers:
    - {name: stem, op: conv, out: 16, kernel: 3, padding: 1}
    - {name: expand, op: pointwise, out: 48}
    - {name: dw, op: depthwise, kernel: 3, padding: 1}
    - {name: project, op: pointwise, out: 16}
    - {name: add, op: add, inputs: [stem, project]}
    - {name: head, op: pointwise, out: 32}
  """
