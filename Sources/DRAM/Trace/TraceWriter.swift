#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Networks

/// Streams trace records to a file in one `TraceFormat`, in constant memory.
///
/// Lines are formatted straight into a write buffer (`bufferBytes`, 4 MiB by default) that is
/// written out whenever it fills. A regular file is written as a temporary file in the same
/// folder (`.NAME.XXXXXX`) that `finish()` renames over `path`; until then `path` is untouched.
/// When a write fails, or the writer is dropped without `finish()`, the temporary file is
/// removed, so no partial destination ever appears. `path` `-` writes to standard output (no
/// temporary file: what was flushed before a failure stays written); an existing device, pipe or
/// socket (`/dev/null`) is written straight into, like `-`.
///
/// Formats without cycles (`ramulator2`, `ramulator`) ignore `DRAMRequest.cycle`; formats
/// without annotations (all but `csv`) ignore `TraceRecord.annotation`. A record the format
/// cannot hold so that it reads back (a negative cycle in `dramsim3`/`csv`, an address above
/// 2^63-1 in `ramulator2`, an invalid annotation in `csv`) is refused with a `TraceError`
/// naming the line it would have had; the writer stays usable.
///
/// Not thread-safe: one writer is used from one task at a time.
public final class TraceWriter {
  /// The format of every line.
  public let format: TraceFormat
  /// The destination as given (`-` for standard output).
  public let path: String
  /// Records written so far (the CSV header not counted).
  public private(set) var recordCount: Int64 = 0

  private enum State { case open, finished, failed }

  private var buffer: TraceByteBuffer
  private let flushThreshold: Int
  private var descriptor: Int32
  private let ownsDescriptor: Bool
  private let temporaryPath: String?
  private var state = State.open
  private let shownName: String

  /// Opens `path` for writing `format`; the CSV header is written first.
  /// - Parameters:
  ///   - path: the destination file, or `-` for standard output.
  ///   - format: the line syntax.
  ///   - bufferBytes: the write buffer, in bytes (at least 4 KiB is used).
  /// - Throws: `TraceError` when `path` is a folder or its temporary file cannot be created.
  public init(path: String, format: TraceFormat, bufferBytes: Int = 4 << 20) throws(TraceError) {
    guard !path.isEmpty else { throw TraceError(TraceError.emptyPath, file: "trace") }
    self.format = format
    self.path = path
    let size = max(bufferBytes, 4096)
    self.flushThreshold = size
    self.buffer = TraceByteBuffer(capacity: size + TraceFormat.fixedLineBytes * 2)
    if path == "-" {
      shownName = "<stdout>"
      descriptor = 1
      ownsDescriptor = false
      temporaryPath = nil
    } else {
      shownName = path
      let kind = traceIsSpecialFile(path)
      if kind.folder {
        throw TraceError("cannot write the trace: it is a folder", file: path)
      }
      if kind.special {
        let opened = open(path, O_WRONLY | O_CLOEXEC)
        guard opened >= 0 else {
          throw TraceError("cannot write the trace: \(fileSystemReason(errno))", file: path)
        }
        descriptor = opened
        temporaryPath = nil
      } else {
        guard let made = traceMakeTemporaryFile(beside: path) else {
          throw TraceError("cannot write the trace: \(fileSystemReason(errno))", file: path)
        }
        descriptor = made.descriptor
        temporaryPath = made.path
      }
      ownsDescriptor = true
    }
    if format == .csv {
      buffer.reserve(TraceFormat.fixedLineBytes)
      buffer.append("cycle,address,command,bytes,useful_bytes,unit,layer,operand,tensor,tile\n")
    }
  }

  deinit {
    if state == .open { abandon() }
  }

  /// Appends one record's line.
  /// - Throws: `TraceError` when the format cannot hold the record (the writer stays usable), or
  ///   when writing fails (the writer is then closed and its temporary file removed).
  public func write(_ record: TraceRecord) throws(TraceError) {
    guard state == .open else { throw closedError() }
    if let problem = format.writeProblem(record) {
      throw TraceError(problem.message, file: shownName, line: nextLine, field: problem.field)
    }
    format.encode(record, into: &buffer)
    recordCount += 1
    if buffer.count >= flushThreshold { try flush() }
  }

  /// Appends one request's line, with an optional annotation (kept by `csv` only).
  public func write(_ request: DRAMRequest, annotation: TraceAnnotation? = nil) throws(TraceError) {
    try write(TraceRecord(request, annotation: annotation))
  }

  /// Writes out the buffer, closes the file and renames the temporary file over `path`.
  /// Calling it again does nothing.
  /// - Throws: `TraceError` when writing, closing or renaming fails; the temporary file is then removed.
  public func finish() throws(TraceError) {
    switch state {
    case .finished: return
    case .failed: throw closedError()
    case .open: break
    }
    try flush()
    if ownsDescriptor {
      let closed = close(descriptor)
      descriptor = -1
      if closed != 0 {
        let code = errno
        abandon()
        throw TraceError("cannot write the trace: \(fileSystemReason(code))", file: shownName)
      }
    }
    if let temporaryPath, rename(temporaryPath, path) != 0 {
      let code = errno
      abandon()
      throw TraceError("cannot move the finished trace into place: \(fileSystemReason(code))", file: shownName)
    }
    state = .finished
  }

  /// The line the next record gets (the CSV header is line 1).
  private var nextLine: Int64 { recordCount + (format == .csv ? 2 : 1) }

  /// Writes out the buffered bytes; on failure abandons the file.
  private func flush() throws(TraceError) {
    guard buffer.count > 0 else { return }
    if let code = traceWriteAll(descriptor, buffer.base, buffer.count) {
      abandon()
      throw TraceError("cannot write the trace: \(fileSystemReason(code))", file: shownName)
    }
    buffer.count = 0
  }

  /// Closes the file and removes the temporary file; the writer is failed from then on.
  private func abandon() {
    if ownsDescriptor && descriptor >= 0 { _ = close(descriptor) }
    descriptor = -1
    if let temporaryPath { _ = unlink(temporaryPath) }
    buffer.count = 0
    state = .failed
  }

  /// The error for using a writer after `finish()` or a failure.
  private func closedError() -> TraceError {
    TraceError(state == .finished ? "the trace writer is already finished" : "the trace writer failed earlier and removed its output", file: shownName)
  }
}
