#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import Solver
import TestSupport

extension LinearProgram {
  /// Whether `values` satisfies every bound, row and integrality requirement, within `tolerance`.
  func isSatisfied(by values: [Double], tolerance: Double = 1e-6) -> Bool {
    guard values.count == columns.count else { return false }
    for (column, value) in zip(columns, values) {
      if let lower = column.lower, value < lower - tolerance { return false }
      if let upper = column.upper, value > upper + tolerance { return false }
      if column.kind != .continuous, value != value.rounded() { return false }
    }
    for row in rows {
      let activity = row.terms.reduce(0) { $0 + $1.coefficient * values[$1.column] }
      if let lower = row.lower, activity < lower - tolerance { return false }
      if let upper = row.upper, activity > upper + tolerance { return false }
    }
    return true
  }

  /// The best objective over every assignment of integer values in `domain` to all columns, by
  /// enumeration; nil when none is feasible. Exact for programs with integer data.
  func bruteForceOptimum(domain: ClosedRange<Int>) -> Double? {
    var best: Double?
    var values = [Double](repeating: Double(domain.lowerBound), count: columns.count)
    while true {
      if isSatisfied(by: values, tolerance: 0) {
        let objective = objective(at: values)
        if let current = best {
          best = direction == .minimize ? min(current, objective) : max(current, objective)
        } else {
          best = objective
        }
      }
      // Odometer step; stops once every column has wrapped around.
      var position = 0
      while position < values.count, values[position] == Double(domain.upperBound) {
        values[position] = Double(domain.lowerBound)
        position += 1
      }
      guard position < values.count else { return best }
      values[position] += 1
    }
  }
}

/// Runs `body` with file descriptor 1 redirected to a temporary file and returns what reached it,
/// to show that something was not printed. Other tests' console lines written meanwhile land
/// there too; callers look only for text of their own.
func capturingStandardOutput(_ body: () throws -> Void) throws -> String {
  var template = Array("/tmp/dse-solver-stdout-XXXXXX".utf8CString)
  let file = mkstemp(&template)
  let saved = dup(STDOUT_FILENO)
  guard file >= 0, saved >= 0 else { throw CaptureFailure() }
  defer {
    close(file)
    unlink(template)
  }
  fflush(nil)
  dup2(file, STDOUT_FILENO)
  let result = Result { try body() }
  fflush(nil)
  dup2(saved, STDOUT_FILENO)
  close(saved)
  try result.get()
  lseek(file, 0, SEEK_SET)
  var bytes: [UInt8] = []
  var buffer = [UInt8](repeating: 0, count: 4096)
  while true {
    let count = read(file, &buffer, buffer.count)
    guard count > 0 else { break }
    bytes += buffer[0..<count]
  }
  return String(decoding: bytes, as: UTF8.self)
}

struct CaptureFailure: Error {}
