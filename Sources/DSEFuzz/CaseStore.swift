import Foundation

/// Saves failing cases as `KEEP/SEED-INDEX/` and loads them back for replay. The folder mirrors
/// the sandbox's `work` folder (inputs under `in/`, files placed in `out/`), beside:
/// - `command.txt`: `dse` and the exact arguments, shell-quoted on one line (run it in this folder);
/// - `case.json`: the seed, index, summary, files, folders, null-device stand-ins and the paths
///   the arguments name on purpose, which replay needs to rebuild the sandbox;
/// - `outcome.txt`: the class, exit status, time, and the first 4 KB of stdout and stderr;
/// - `stdout.txt`, `stderr.txt`: what was kept of them (first 64 KB, then the last 4 KB);
/// - `backtrace.txt` (traps): the stack where dse stopped, from a re-run under gdb.
enum CaseStore {
  /// Writes `report`'s case into `folder/SEED-INDEX` (replacing an earlier save) and returns its path.
  static func save(_ report: CaseReport, backtrace: String? = nil, in folder: String) throws -> String {
    let fuzzCase = report.fuzzCase
    let target = (folder as NSString).appendingPathComponent(fuzzCase.label)
    removeTree(target)
    let manager = FileManager.default
    try manager.createDirectory(atPath: target, withIntermediateDirectories: true)
    for file in fuzzCase.files {
      let path = (target as NSString).appendingPathComponent(file.path)
      try manager.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      try Data(file.bytes).write(to: URL(fileURLWithPath: path))
    }
    let manifest: [String: Any] = [
      "seed": String(fuzzCase.seed), "index": fuzzCase.index, "summary": fuzzCase.summary,
      "files": fuzzCase.files.map(\.path), "folders": fuzzCase.folders, "devices": fuzzCase.devices,
      "allowedWrites": fuzzCase.allowedWrites, "arguments": fuzzCase.arguments,
    ]
    let json = try JSONSerialization.data(withJSONObject: manifest, options: [.prettyPrinted, .sortedKeys])
    try json.write(to: URL(fileURLWithPath: target + "/case.json"))
    try Data((commandLine(fuzzCase.arguments) + "\n").utf8).write(to: URL(fileURLWithPath: target + "/command.txt"))
    try Data(outcomeText(report).utf8).write(to: URL(fileURLWithPath: target + "/outcome.txt"))
    try Data(kept(report.result.stdout)).write(to: URL(fileURLWithPath: target + "/stdout.txt"))
    try Data(kept(report.result.stderr)).write(to: URL(fileURLWithPath: target + "/stderr.txt"))
    if let backtrace { try Data(backtrace.utf8).write(to: URL(fileURLWithPath: target + "/backtrace.txt")) }
    return target
  }

  /// The case saved in `folder`: files read back from it (so they may be edited to shrink the
  /// case), arguments from `command.txt` (likewise), the rest from `case.json`.
  static func load(_ folder: String) throws -> FuzzCase {
    guard let data = FileManager.default.contents(atPath: folder + "/case.json"),
      let manifest = try JSONSerialization.jsonObject(with: data) as? [String: Any]
    else { throw FuzzError("\(folder): no readable case.json; is it a folder dse-fuzz saved?") }
    let strings = { (key: String) in manifest[key] as? [String] ?? [] }
    var fuzzCase = FuzzCase(
      seed: UInt64(manifest["seed"] as? String ?? "") ?? 0, index: manifest["index"] as? Int ?? 0,
      summary: manifest["summary"] as? String ?? "")
    for path in strings("files") {
      fuzzCase.files.append(FuzzCase.File(path: path, bytes: try readBytes((folder as NSString).appendingPathComponent(path))))
    }
    fuzzCase.folders = strings("folders")
    fuzzCase.devices = strings("devices")
    fuzzCase.allowedWrites = strings("allowedWrites")
    fuzzCase.arguments = strings("arguments")
    if let command = FileManager.default.contents(atPath: folder + "/command.txt") {
      let words = try parseCommandLine(String(decoding: command, as: UTF8.self))
      guard words.first == "dse" else { throw FuzzError("\(folder)/command.txt: expected a line starting with dse") }
      fuzzCase.arguments = Array(words.dropFirst())
    }
    return fuzzCase
  }

  /// The class, exit, time, reason and the heads of stdout and stderr, as `outcome.txt` holds them.
  static func outcomeText(_ report: CaseReport) -> String {
    let result = report.result
    let exit = result.signal.map { "signal \($0)" } ?? "exit \(result.exitCode ?? -1)"
    return """
      outcome: \(report.outcome.rawValue)\(report.reason.isEmpty ? "" : " (\(report.reason))")
      status: \(exit)\(result.timedOut ? ", killed at the time limit" : "")
      time: \(String(format: "%.3f", result.seconds)) s (limit \(Int(CaseRunner.timeLimit(for: report.fuzzCase))) s)
      case: seed \(report.fuzzCase.seed), index \(report.fuzzCase.index): \(report.fuzzCase.summary)
      command: \(commandLine(report.fuzzCase.arguments))
      --- stdout (\(result.stdout.total) bytes; the first 4 KB) ---
      \(result.stdout.text(limit: 4096))
      --- stderr (\(result.stderr.total) bytes; the first 4 KB) ---
      \(result.stderr.text(limit: 4096))

      """
  }

  /// The kept bytes of a stream: all of it when short, else the head, a marker and the tail.
  private static func kept(_ stream: ChildProcess.Stream) -> [UInt8] {
    if stream.total <= stream.head.count { return stream.head }
    return stream.head + Array("\n[... \(stream.total) bytes in all; the last \(stream.tail.count) follow ...]\n".utf8) + stream.tail
  }

  // MARK: Shell quoting

  /// `dse` and `arguments` as one shell line: plain words as they are, others in single quotes.
  static func commandLine(_ arguments: [String]) -> String {
    (["dse"] + arguments).map(quote).joined(separator: " ")
  }

  static func quote(_ word: String) -> String {
    let plain = !word.isEmpty && word.unicodeScalars.allSatisfy { scalar in
      scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "-_./=,:+@%".unicodeScalars.contains(scalar))
    }
    return plain ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }

  /// Splits a line written by `commandLine` (POSIX words: plain, single-quoted, `\x` escapes
  /// and double quotes without expansions) back into its words.
  static func parseCommandLine(_ text: String) throws -> [String] {
    var words: [String] = []
    var current = ""
    var inWord = false
    var iterator = text.unicodeScalars.makeIterator()
    while let scalar = iterator.next() {
      switch scalar {
      case "'":
        inWord = true
        while true {
          guard let next = iterator.next() else { throw FuzzError("command.txt: unterminated single quote") }
          if next == "'" { break }
          current.unicodeScalars.append(next)
        }
      case "\"":
        inWord = true
        while true {
          guard var next = iterator.next() else { throw FuzzError("command.txt: unterminated double quote") }
          if next == "\"" { break }
          if next == "\\", let escaped = iterator.next() { next = escaped }
          current.unicodeScalars.append(next)
        }
      case "\\":
        inWord = true
        if let next = iterator.next(), next != "\n" { current.unicodeScalars.append(next) }
      case " ", "\t", "\n":
        if inWord { words.append(current) }
        current = ""
        inWord = false
      default:
        inWord = true
        current.unicodeScalars.append(scalar)
      }
    }
    if inWord { words.append(current) }
    return words
  }
}
