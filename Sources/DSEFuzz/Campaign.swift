import Foundation
import Synchronization

/// A campaign: cases `start`, `start+1`, ... of one seed, run `jobs` at a time until the time
/// budget (or the case count) is spent; failing cases are saved as they are found and named in
/// one line each; progress goes to stderr every ten seconds.
final class Campaign: Sendable {
  struct Settings: Sendable {
    var seed: UInt64
    var start: Int
    /// Time budget: no case starts after it (running ones finish).
    var seconds: Double
    /// Most cases to run (nil: as many as the budget allows).
    var maximumCases: Int?
    var jobs: Int
    /// Where failing cases are saved.
    var keep: String
    /// A file that gets one line per case (nil: none).
    var log: String?
    /// Re-run traps under gdb and save the backtrace.
    var backtraces: Bool
  }

  /// What the workers share.
  struct State {
    var next: Int
    var running = 0
    var stopped = false
    var tally = Tally()
    var probe: OutsideProbe
  }

  let settings: Settings
  let generator: CaseGenerator
  let runner: CaseRunner
  let state: Mutex<State>

  init(settings: Settings, generator: CaseGenerator, runner: CaseRunner) {
    self.settings = settings
    self.generator = generator
    self.runner = runner
    let probe = OutsideProbe(folders: ["/", NSTemporaryDirectory(), runner.sandboxes])
    state = Mutex(State(next: settings.start, probe: probe))
  }

  /// Stops handing out cases (after an interrupt); running ones finish or are killed.
  func stop() { state.withLock { $0.stopped = true } }

  /// Runs the campaign and returns its tally.
  func run() -> Tally {
    let began = Date()
    let deadline = began.addingTimeInterval(settings.seconds)
    let finished = DispatchSemaphore(value: 0)
    for _ in 0..<settings.jobs {
      Thread.detachNewThread { [self] in
        work(until: deadline)
        finished.signal()
      }
    }
    var remaining = settings.jobs
    var lastProgress = Date()
    while remaining > 0 {
      if finished.wait(timeout: .now() + 1) == .success {
        remaining -= 1
        continue
      }
      if Date().timeIntervalSince(lastProgress) >= 10 {
        lastProgress = Date()
        let line = state.withLock { $0.tally.progressLine(elapsed: Date().timeIntervalSince(began)) }
        FileHandle.standardError.write(Data((line + "\n").utf8))
      }
    }
    return state.withLock { state in
      state.tally.seconds = Date().timeIntervalSince(began)
      return state.tally
    }
  }

  /// One worker: takes the next index while the budget lasts, runs it, records it.
  private func work(until deadline: Date) {
    while true {
      let index: Int? = state.withLock { state in
        guard !state.stopped, Date() < deadline else { return nil }
        if let maximum = settings.maximumCases, state.next >= settings.start + maximum { return nil }
        defer { state.next += 1 }
        return state.next
      }
      guard let index else { return }
      var report = runner.run(generator.make(seed: settings.seed, index: index))
      // A case cut short by an interrupt says nothing about dse.
      if state.withLock({ $0.stopped }) { return }
      let outside = state.withLock { $0.probe.newEntries() }
      if !outside.isEmpty && !report.outcome.isFailure {
        report.outcome = .escape
        report.reason = "created outside the sandbox: " + outside.joined(separator: ", ")
      }
      var line: String?
      if report.outcome.isFailure {
        do {
          let backtrace = report.outcome == .trap && settings.backtraces ? runner.backtrace(report.fuzzCase) : nil
          let folder = try CaseStore.save(report, backtrace: backtrace, in: settings.keep)
          line = "FAIL \(report.outcome.rawValue): \(folder) (\(report.reason)); replay: scripts/fuzz --replay \(folder)"
        } catch {
          line = "FAIL \(report.outcome.rawValue): case \(report.fuzzCase.label) could not be saved: \(error)"
        }
      }
      state.withLock { state in
        state.tally.record(report)
        if let line { say(line) }
        if let log = settings.log { appendLog(report, to: log) }
      }
    }
  }

  /// Appends `report` as one tab-separated line: label, class, seconds, command, last stderr line.
  private func appendLog(_ report: CaseReport, to path: String) {
    let lastLine = report.result.stderr.tailText.split(separator: "\n").last.map(String.init) ?? ""
    let fields = [
      report.fuzzCase.label, report.outcome.rawValue, String(format: "%.3f", report.result.seconds),
      String(CaseStore.commandLine(report.fuzzCase.arguments).prefix(500)), String(lastLine.prefix(500)),
    ]
    let line = fields.map { $0.replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\t", with: " ") }
      .joined(separator: "\t") + "\n"
    if let handle = FileHandle(forWritingAtPath: path) {
      handle.seekToEndOfFile()
      handle.write(Data(line.utf8))
      handle.closeFile()
    } else {
      _ = FileManager.default.createFile(atPath: path, contents: Data(line.utf8))
    }
  }
}
