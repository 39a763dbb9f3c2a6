import CGLPK
import Synchronization

/// The one way into GLPK: everything GLPK does for one solve happens inside `run`, on the calling
/// thread, under a process-wide lock, with its terminal output captured, and with GLPK's
/// environment freed at the end.
///
/// Why each part: Debian's GLPK keeps an environment (terminal settings, hooks, every allocated
/// block) per OS thread, so a problem must be created, solved and read on one thread, which a
/// synchronous closure guarantees (no `await` can move it). The lock serializes solves until
/// concurrent use of the packaged libglpk is known to be safe. `glp_free_env` releases the thread's
/// environment and every problem object in it, so nothing leaks even when a fatal error leaves a
/// problem object in an undefined state, and threads of a pool do not each keep one alive.
enum GLPKEnvironment {
  private static let lock = Mutex(())

  static func run<Result: Sendable>(_ body: (GLPKLog) throws(SolverError) -> Result) throws(SolverError) -> Result {
    try lock.withLock { _ throws(SolverError) -> Result in
      let log = GLPKLog()
      // Retained until after glp_free_env, so the hook's context cannot dangle while installed.
      let context = Unmanaged.passRetained(log)
      defer { context.release() }
      defer { glp_free_env() }
      glp_term_hook(
        { context, text in
          guard let context, let text else { return 1 }
          Unmanaged<GLPKLog>.fromOpaque(context).takeUnretainedValue().append(String(cString: text))
          return 1  // non-zero: GLPK does not print the text itself
        }, context.toOpaque())
      glp_term_out(GLP_ON)
      return try body(log)
    }
  }
}

/// GLPK's terminal output, in the pieces GLPK wrote it (one piece per internal printf).
final class GLPKLog {
  private(set) var pieces: [String] = []

  var text: String { pieces.joined() }

  func append(_ piece: String) {
    pieces.append(piece)
  }

  /// GLPK's glp_error prints the message, then "Error detected in file … at line …", and only then
  /// calls the error hook: after a fatal error those are the last two pieces.
  var fatalErrorMessage: String {
    let message = pieces.suffix(2).map(Self.trimmingNewlines).filter { !$0.isEmpty }
    return message.isEmpty ? "(GLPK printed no message)" : message.joined(separator: "; ")
  }

  private static func trimmingNewlines(_ text: String) -> String {
    var trimmed = Substring(text)
    while let last = trimmed.last, last.isNewline || last == " " { trimmed.removeLast() }
    while let first = trimmed.first, first.isNewline || first == " " { trimmed.removeFirst() }
    return String(trimmed)
  }
}
