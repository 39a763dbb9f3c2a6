import Foundation

/// The class of a case's outcome. Exactly one per case, the first that applies in this order:
/// hang, trap, partial by a left `*.tmp`, escape, partial by other files, then by exit status ok, error or messy-error.
enum Outcome: String, CaseIterable, Sendable {
  /// Exit 0.
  case ok
  /// Exit 1 or 64 with a clean error: the last line of stderr starts with `Error: `, no line of
  /// stderr is longer than 2,100 characters, and stderr totals under 64 KB.
  case error
  /// Exit 1 or 64 whose stderr breaks those rules, or any other non-zero exit below 128.
  case messyError = "messy-error"
  /// Killed by a signal, exit status 128 or more, or stderr saying "Fatal error",
  /// "Swift runtime failure" or "Crash".
  case trap
  /// Killed at the time limit.
  case hang
  /// A file or folder created in the sandbox outside `work/out/` (other than the case's inputs
  /// and the paths its arguments name on purpose), or one of the probed names outside it.
  case escape
  /// A `*.tmp` file left in the sandbox, or files written in `work/out` by a run that failed.
  case partial

  /// ok and error pass; everything else is a finding and its case is saved.
  var isFailure: Bool { self != .ok && self != .error }
}

/// Classifies a finished run from its exit, its stderr and what it changed in the sandbox.
enum Classifier {
  static let crashMarkers = ["Fatal error", "Swift runtime failure", "Crash"]
  static let longestErrorLine = 2100
  /// Signals a trapping Swift program dies of, and the file-size limit's.
  static let signalNames: [Int32: String] = [
    4: "SIGILL: a Swift runtime trap", 5: "SIGTRAP: a Swift runtime trap", 6: "SIGABRT", 7: "SIGBUS", 9: "SIGKILL",
    11: "SIGSEGV", 25: "SIGXFSZ: a file over 1 GiB",
  ]
  static let largestStderr = 64 * 1024

  /// The outcome, and a few words on why (empty for ok and error).
  /// `replaced` holds the created paths that existed before the run (as another file, folder
  /// or device).
  static func classify(
    _ result: ChildProcess.Result, created: [String], replaced: Set<String> = [], outFiles: [String],
    allowedWrites: [String]
  ) -> (Outcome, String) {
    let describe = { (path: String) in (replaced.contains(path) ? "replaced " : "created ") + path.debugDescription }
    if result.timedOut { return (.hang, String(format: "killed after %.1f s", result.seconds)) }
    let stderrHead = result.stderr.text()
    let stderrTail = result.stderr.tailText
    if let range = stderrHead.range(of: "failed to allocate ") {
      let size = stderrHead[range.upperBound...].prefix { $0.isNumber }
      return (.trap, "out of memory: failed to allocate \(size) bytes")
    }
    if let signal = result.signal { return (.trap, "killed by signal \(signal)\(signalNames[signal].map { " (\($0))" } ?? "")") }
    if let code = result.exitCode, code >= 128 { return (.trap, "exit status \(code)") }
    if let marker = crashMarkers.first(where: { stderrHead.contains($0) || stderrTail.contains($0) }) {
      return (.trap, "stderr says \"\(marker)\"")
    }
    let temporaries = created.filter { $0.hasSuffix(".tmp") }
    if !temporaries.isEmpty { return (.partial, "left " + temporaries.prefix(5).map { $0.debugDescription }.joined(separator: ", ")) }
    let escaped = created.filter { path in
      !path.hasPrefix("work/out/") && path != "work/out" && !isAllowed(path, allowedWrites)
    }
    if !escaped.isEmpty { return (.escape, escaped.prefix(5).map(describe).joined(separator: ", ")) }
    let code = result.exitCode ?? -1
    if code != 0 && !outFiles.isEmpty {
      return (.partial, "exit \(code) but wrote " + outFiles.prefix(5).map { $0.debugDescription }.joined(separator: ", "))
    }
    if code == 0 { return (.ok, "") }
    guard code == 1 || code == 64 else { return (.messyError, "exit status \(code)") }
    if let problem = stderrProblem(result.stderr) { return (.messyError, problem) }
    return (.error, "")
  }

  /// What makes stderr not a clean one-line error, or nil when it is clean.
  static func stderrProblem(_ stderr: ChildProcess.Stream) -> String? {
    if stderr.total >= largestStderr { return "stderr has \(stderr.total) bytes" }
    let text = stderr.text()
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    if lines.last == "" { lines.removeLast() }
    if let long = lines.first(where: { $0.utf8.count > longestErrorLine }) {
      return "a stderr line has \(long.utf8.count) bytes"
    }
    guard let last = lines.last, last.hasPrefix("Error: ") else {
      return "stderr does not end with an 'Error: ' line"
    }
    return nil
  }

  /// Whether `path` (relative to the sandbox) is at, below or above a path the arguments named
  /// on purpose (relative to `work`; the folders leading to it are made on the way).
  static func isAllowed(_ path: String, _ allowedWrites: [String]) -> Bool {
    allowedWrites.contains { allowed in
      guard let target = normalize("work/" + allowed) else { return false }
      return path == target || path.hasPrefix(target + "/") || target.hasPrefix(path + "/")
    }
  }

  /// `path` with `.` and `..` resolved (nil when it climbs out of the sandbox) and no trailing slash.
  static func normalize(_ path: String) -> String? {
    var parts: [Substring] = []
    for part in path.split(separator: "/") {
      if part == "." { continue }
      if part == ".." {
        guard !parts.isEmpty else { return nil }
        parts.removeLast()
      } else {
        parts.append(part)
      }
    }
    return parts.joined(separator: "/")
  }
}
