import Foundation

/// What one case came to: the case, the run, its class and why.
struct CaseReport: Sendable {
  var fuzzCase: FuzzCase
  var result: ChildProcess.Result
  var outcome: Outcome
  /// A few words on why a failure is one (empty for ok and error).
  var reason: String
}

/// What a network's size explains of a run's time, measured on this 2-core machine: sweeps
/// and verification spend milliseconds per layer and per plan (a 10,000-layer sweep solves an
/// MILP of 20,000 columns per buffer size; verifying it runs 10,000 units per plan), and
/// verification executes every multiply-accumulate several times (calibration, reference, each
/// plan) at about 10^8 a second.
struct NetworkSize: Sendable {
  var layers: Int
  var macs: Int

  /// Seconds allowed beyond the base limit: 30 ms per layer, and for `quantize` and `verify` a
  /// second per 10^7 MACs.
  func seconds(for fuzzCase: FuzzCase) -> Double {
    let runsOnData = ["quantize", "verify"].contains(fuzzCase.arguments.first ?? "")
    return Double(layers) * 0.03 + (runsOnData ? Double(macs) / 1e7 : 0)
  }
}

/// Runs cases against the `dse` binary, each in a fresh sandbox, and classifies them.
struct CaseRunner: Sendable {
  /// The binary under test.
  let dse: String
  /// Where sandboxes are made, one folder per case (removed after a passing case).
  let sandboxes: String
  /// Address-space limit of each run, in MB (0: none).
  let memoryLimitMB: Int

  /// Time limit of a case: 10 s when its input files total under 1 KB, 60 s otherwise, plus
  /// what the size of its network explains (`NetworkSize.seconds`): a hang is a run that its
  /// real problem does not account for.
  static func timeLimit(for fuzzCase: FuzzCase, network: NetworkSize? = nil) -> Double {
    (fuzzCase.inputBytes < 1024 ? 10 : 60) + (network?.seconds(for: fuzzCase) ?? 0)
  }

  /// The size of a case's network as `dse show` counts it (its last line, "NAME: N layers, ...
  /// MACs (EXACT), ..."), for the commands whose time grows with it (sweep, trace, quantize, verify,
  /// and graph, whose Graphviz layout of 10,000 layers takes seconds);
  /// nil for other commands and unreadable files.
  func networkSize(_ fuzzCase: FuzzCase, in work: String) -> NetworkSize? {
    let arguments = fuzzCase.arguments
    guard arguments.count >= 2, ["sweep", "trace", "quantize", "verify", "graph"].contains(arguments[0]),
      FileManager.default.fileExists(atPath: (work as NSString).appendingPathComponent(arguments[1]))
    else { return nil }
    let shown = ChildProcess.run(
      executable: dse, arguments: ["show", arguments[1]], directory: work, timeLimit: 10, memoryLimitMB: memoryLimitMB)
    guard shown.exitCode == 0, let last = shown.stdout.tailText.split(separator: "\n").last else { return nil }
    // The counts follow the name, which may itself hold anything: read from the end.
    let words = last.split(separator: " ")
    guard let layerWord = words.lastIndex(of: "layers,"), layerWord > 0, let layers = Int(words[layerWord - 1]),
      let macWord = words.lastIndex(of: "MACs"), macWord + 1 < words.count,
      let macs = Int(words[macWord + 1].trimmingCharacters(in: CharacterSet(charactersIn: "(),")))
    else { return nil }
    return NetworkSize(layers: layers, macs: macs)
  }

  /// Lays out `fuzzCase`, runs dse on it, and classifies the outcome; `keepSandbox` leaves the
  /// sandbox in place (for replay), otherwise it is removed.
  func run(_ fuzzCase: FuzzCase, keepSandbox: Bool = false) -> CaseReport {
    let root = (sandboxes as NSString).appendingPathComponent(fuzzCase.label)
    let sandbox: Sandbox
    do {
      sandbox = try Sandbox.make(for: fuzzCase, at: root)
    } catch {
      // A case the file system cannot hold (say a name too long for it) is not dse's fault.
      removeTree(root)
      var result = ChildProcess.Result(exitCode: 1, signal: nil, timedOut: false, seconds: 0, stdout: .init(), stderr: .init())
      Array("Error: dse-fuzz could not lay out the case: \(error)\n".utf8).withUnsafeBytes { result.stderr.append($0) }
      return CaseReport(fuzzCase: fuzzCase, result: result, outcome: .error, reason: "")
    }
    let network = networkSize(fuzzCase, in: sandbox.work)
    let before = FileTree(listing: root)
    let result = ChildProcess.run(
      executable: dse, arguments: fuzzCase.arguments, directory: sandbox.work,
      timeLimit: CaseRunner.timeLimit(for: fuzzCase, network: network), memoryLimitMB: memoryLimitMB)
    let after = FileTree(listing: root)
    let written = after.changedFiles(since: before).filter { path in
      path.hasPrefix("work/out/") || Classifier.isAllowed(path, fuzzCase.allowedWrites)
    }
    let created = after.created(since: before)
    let (outcome, reason) = Classifier.classify(
      result, created: created, replaced: Set(created.filter { before.entries[$0] != nil }), outFiles: written,
      allowedWrites: fuzzCase.allowedWrites)
    if !keepSandbox { removeTree(root) }
    return CaseReport(fuzzCase: fuzzCase, result: result, outcome: outcome, reason: reason)
  }

  /// The stack of a trapping case: the case re-run under gdb (when installed) in a fresh
  /// sandbox, its `#N` frame lines; nil when gdb is missing or the re-run did not stop.
  func backtrace(_ fuzzCase: FuzzCase) -> String? {
    guard let gdb = ["/usr/bin/gdb", "/usr/local/bin/gdb"].first(where: FileManager.default.isExecutableFile(atPath:)) else {
      return nil
    }
    let root = (sandboxes as NSString).appendingPathComponent(fuzzCase.label + "-gdb")
    defer { removeTree(root) }
    guard let sandbox = try? Sandbox.make(for: fuzzCase, at: root) else { return nil }
    let arguments = ["-batch", "-nx", "-ex", "set pagination off", "-ex", "run", "-ex", "bt", "--args", dse] + fuzzCase.arguments
    let result = ChildProcess.run(
      executable: gdb, arguments: arguments, directory: sandbox.work, timeLimit: 4 * CaseRunner.timeLimit(for: fuzzCase),
      memoryLimitMB: memoryLimitMB)
    let text = result.stdout.text() + "\n" + result.stdout.tailText
    var seen: Set<String> = []
    let frames = text.split(separator: "\n").filter { $0.hasPrefix("#") && seen.insert(String($0)).inserted }
    return frames.isEmpty ? nil : frames.joined(separator: "\n") + "\n"
  }
}
