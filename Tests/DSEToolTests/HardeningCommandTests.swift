import Foundation
import Testing

/// The defects of the hostile-input review (issue 14), each at the command line where a user
/// meets it: every one exits with a one-line error (or succeeds where the input is legal), and
/// nothing is written outside the output folder.
@Suite struct HardeningCommandTests {
  /// A failure prints exactly one line, `Error: ...`, with exit status 1 or 64.
  static func expectOneLineError(_ result: CommandResult, containing text: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect([1, 64].contains(result.status), "status \(result.status): \(result.standardError)", sourceLocation: sourceLocation)
    let lines = result.standardError.split(separator: "\n")
    #expect(lines.count == 1, "\(result.standardError)", sourceLocation: sourceLocation)
    #expect(lines.first?.hasPrefix("Error: ") == true, "\(result.standardError)", sourceLocation: sourceLocation)
    #expect(result.standardError.contains(text), "\(result.standardError)", sourceLocation: sourceLocation)
  }

  /// The arithmetic traps: each is now an error that states the limit.
  @Test(arguments: [
    (["--m", "9223372036854775807", "--k", "2", "--n", "2"], "68,719,476,736 (2^36)"),
    (["--m", "4294967296", "--k", "4294967296", "--n", "4294967296"], "68,719,476,736 (2^36)"),
    (["--m", "3037000500", "--k", "3037000500", "--n", "2"], "input (m x k) has more than 68,719,476,736 (2^36)"),
    (["--m", "1000000", "--k", "1000000", "--n", "1000000"], "elements"),
    (["--conv", "3,8,8,8,3,1", "--padding", "1000000"], "kernel-1"),
  ])
  func layerTrapsAreErrors(arguments: [String], message: String) throws {
    Self.expectOneLineError(try dse(["layer"] + arguments + ["--buffer", "64K"]), containing: message)
  }

  @Test func hugeBuffersAndBitsAreErrors() throws {
    for buffers in ["9223372036854775807", "4611686018427387904", "1..9223372036854775807", "4097M"] {
      Self.expectOneLineError(
        try dse("sweep", "nets/alexnet.yaml", "--buffers", buffers), containing: "4,294,967,296 (2^32), the largest accepted")
    }
    let sweep = try dse("sweep", "nets/alexnet.yaml", "--buffers", "64K", "--bits", "33")
    let layer = try dse("layer", "--m", "8", "--k", "8", "--n", "8", "--buffer", "64K", "--bits", "33")
    Self.expectOneLineError(sweep, containing: "--bits 33 is out of range; expected an integer from 1 to 16")
    #expect(sweep.standardError == layer.standardError)
  }

  /// Networks `show` accepted and `sweep` trapped on: now the reader refuses them, naming the limit.
  @Test func networksPastTheLimitsAreRefusedAtLoad() throws {
    let directory = try temporaryDirectory()
    let cases = [
      ("input: [1, 65536, 65536]\nlayers:\n  - {op: fc, out: 2000000000}", "65,536 (2^16)"),
      ("input: [1, 3037000499, 3037000499]\nlayers:\n  - {op: globalavgpool}", "65,536 (2^16)"),
      ("input: [3, 8, 8]\nlayers:\n  - {op: conv, out: 8, kernel: 3, padding: 1000000}", "65,536 (2^16)"),
      ("input: [3, 8, 8]\nlayers:\n  - {op: conv, out: 8, kernel: 3, padding: 1000}", "kernel-1"),
      ("input: [3, 8, 8]\nlayers:\n  - {op: conv, out: 8, kernel: 3, padding: 1, repeat: 100000}", "from 1 to 10,000"),
    ]
    for (index, (text, message)) in cases.enumerated() {
      let file = try writeFile(text, named: "n\(index).yaml", in: directory)
      for command in ["show", "sweep"] {
        Self.expectOneLineError(try dse(Array([command, file, "--out", directory.path].dropLast(command == "show" ? 2 : 0))), containing: message)
      }
    }
  }

  /// A network name never takes a file outside `--out`: path characters become '_', and a
  /// control character (such as NUL) is refused.
  @Test func networkNamesStayInsideTheOutputFolder() throws {
    let directory = try temporaryDirectory()
    let out = directory.appendingPathComponent("out/results")
    let escaping = try writeFile(
      "name: \"../escaped\"\ninput: [3, 8, 8]\nlayers:\n  - {op: conv, out: 8, kernel: 3, padding: 1}\n", named: "e.yaml",
      in: directory)
    let result = try dse("sweep", escaping, "--buffers", "64K", "--out", out.path)
    #expect(result.status == 0, "\(result.standardError)")
    let written = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
    #expect(written.contains("_escaped.csv"))
    #expect(written.allSatisfy { !$0.hasPrefix(".") })
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("out").path) == ["results"])
    let nul = try writeFile(
      "name: \"a\\u0000b\"\ninput: [3, 8, 8]\nlayers:\n  - {op: conv, out: 8, kernel: 3, padding: 1}\n", named: "z.yaml",
      in: directory)
    Self.expectOneLineError(try dse("sweep", nul, "--buffers", "64K", "--out", out.path), containing: "control character")
  }

  @Test func networksThatWouldShareFilesAreRefused() throws {
    let directory = try temporaryDirectory()
    let body = "input: [3, 8, 8]\nlayers:\n  - {op: conv, out: 8, kernel: 3, padding: 1}\n"
    let first = try writeFile("name: a/b\n" + body, named: "1.yaml", in: directory)
    let second = try writeFile("name: a_b\n" + body, named: "2.yaml", in: directory)
    let result = try dse("sweep", first, second, "--buffers", "64K", "--out", directory.appendingPathComponent("out").path)
    Self.expectOneLineError(result, containing: "would both write a_b.csv")
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("out").path))
  }

  /// An unusable `--out` is reported in one line before any planning (no progress lines).
  @Test func unwritableOutputFoldersFailFirst() throws {
    let directory = try temporaryDirectory()
    let file = try writeFile("not a folder", named: "file", in: directory)
    for (out, message) in [(file, "is not a folder"), (file + "/sub", "is not a folder"), ("/dev/null", "is not a folder"), ("/proc/dse-test", "cannot create the output folder")] {
      Self.expectOneLineError(try dse("sweep", "nets/mobilenetv2.yaml", "--buffers", "64K", "--out", out), containing: message)
    }
  }

  /// A planning failure names the file and the network as well as the layer.
  @Test func planningErrorsNameTheFileAndNetwork() throws {
    let directory = try temporaryDirectory()
    let file = try writeFile("name: tiny\ninput: [3, 8, 8]\nlayers:\n  - {name: c, op: conv, out: 8, kernel: 3, padding: 1}\n", named: "t.yaml", in: directory)
    let result = try dse("sweep", file, "--buffers", "4", "--strategy", "layerwise-rowmajor", "--out", directory.path)
    #expect(result.status == 1)
    let last = result.standardError.split(separator: "\n").last.map(String.init) ?? ""
    #expect(last.hasPrefix("Error: \(file): network 'tiny': layer 'c'"), "\(result.standardError)")
  }

  /// Temporary files of processes that are gone are removed by the next write into the folder;
  /// those of a live process (this test's) stay.
  @Test func staleTemporaryFilesAreCleaned() throws {
    let directory = try temporaryDirectory()
    let out = directory.appendingPathComponent("out")
    try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    let live = ProcessInfo.processInfo.processIdentifier
    // Far above Linux's largest pid (2^22), so certainly not running.
    let stale = [".mobilenetv2.csv.999999999.tmp", ".x.svg.999999998.tmp"]
    let kept = [".mobilenetv2.csv.\(live).tmp", ".notes.tmp", "other.999999999.tmp"]
    for name in stale + kept { _ = try writeFile("partial", named: name, in: out) }
    let result = try dse("sweep", "nets/mobilenetv2.yaml", "--buffers", "64K", "--strategy", "layerwise-rowmajor", "--out", out.path)
    #expect(result.status == 0, "\(result.standardError)")
    let left = Set(try FileManager.default.contentsOfDirectory(atPath: out.path))
    for name in stale { #expect(!left.contains(name)) }
    for name in kept { #expect(left.contains(name)) }
  }

  /// Running a network on data allocates its tensors and weights: past the execution limits it
  /// is refused before anything is allocated, with the way out.
  @Test func networksTooLargeToRunAreRefusedFirst() throws {
    let directory = try temporaryDirectory()
    let file = try writeFile("input: [16, 65536, 65536]\nlayers:\n  - {op: depthwise, kernel: 3, padding: 1}\n", named: "big.yaml", in: directory)
    for command in [["verify", file, "--buffer", "64K"], ["quantize", file]] {
      Self.expectOneLineError(try dse(command), containing: "268,435,456 (2^28) elements, the most run on data; run it at a smaller input (--input-size)")
    }
  }

  /// A DRAM energy past 10^9 pJ per byte is refused (1e308 made the summary's figures infinite,
  /// and converting them trapped).
  @Test func absurdEnergiesAreErrors() throws {
    Self.expectOneLineError(
      try dse("sweep", "nets/alexnet.yaml", "--buffers", "32K", "--dram-pj-per-byte", "1e308"),
      containing: "--dram-pj-per-byte 1e+308: expected a number from 0 to 1000000000.0")
  }

  /// Error messages quote user text in short excerpts: a 1 MB name makes a short line.
  @Test func messagesQuoteUserTextBriefly() throws {
    let directory = try temporaryDirectory()
    let name = String(repeating: "x", count: 1 << 20)
    let file = try writeFile("name: \(name)\ninput: [3, 8, 8]\nlayers:\n  - {op: conv, out: 8, kernel: 3, padding: 1}\n", named: "l.yaml", in: directory)
    let result = try dse("show", file)
    Self.expectOneLineError(result, containing: "1,048,576 (2^20) characters; at most 256")
    #expect(result.standardError.count < 1_000)
  }
}
