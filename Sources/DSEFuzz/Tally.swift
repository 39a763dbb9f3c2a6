import Foundation

/// The counts of a campaign per class, its slowest cases, and the lines that report them.
struct Tally: Sendable {
  /// One of the slowest cases.
  struct Slow: Sendable {
    var seconds: Double
    var label: String
    var outcome: Outcome
    var command: String
  }

  var counts: [Outcome: Int] = [:]
  var slowest: [Slow] = []
  var failures: [String] = []
  /// Wall-clock length of the campaign.
  var seconds = 0.0

  var cases: Int { counts.values.reduce(0, +) }
  var passed: Int { (counts[.ok] ?? 0) + (counts[.error] ?? 0) }
  var failed: Int { cases - passed }

  mutating func record(_ report: CaseReport) {
    counts[report.outcome, default: 0] += 1
    if report.outcome.isFailure { failures.append(report.fuzzCase.label) }
    let command = CaseStore.commandLine(report.fuzzCase.arguments)
    slowest.append(Slow(seconds: report.result.seconds, label: report.fuzzCase.label, outcome: report.outcome, command: command))
    slowest.sort { $0.seconds > $1.seconds }
    if slowest.count > 5 { slowest.removeLast() }
  }

  /// `[  40 s] 312 cases: ok 120, error 190, ...` (classes with a count only).
  func progressLine(elapsed: Double) -> String {
    let classes = Outcome.allCases.compactMap { outcome in counts[outcome].map { "\(outcome.rawValue) \($0)" } }
    return String(format: "[%4.0f s] ", elapsed) + "\(cases) cases: " + classes.joined(separator: ", ")
  }

  /// The closing report: one line per class, the slowest five cases, and `N passed, N failed`.
  func summaryLines() -> [String] {
    var lines = [String(format: "%d cases in %.1f minutes:", cases, seconds / 60)]
    for outcome in Outcome.allCases {
      lines.append("  \(outcome.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)) \(counts[outcome] ?? 0)")
    }
    lines.append("slowest cases:")
    for slow in slowest {
      let command = slow.command.count > 300 ? String(slow.command.prefix(300)) + "..." : slow.command
      lines.append(String(format: "  %6.2f s  ", slow.seconds) + "\(slow.label) (\(slow.outcome.rawValue)): \(command.debugDescription)")
    }
    lines.append("\(passed) passed, \(failed) failed")
    return lines
  }
}
