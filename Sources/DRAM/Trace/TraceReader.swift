#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Networks

/// Reads the records of a trace file (or standard input) in chunks, in constant memory.
///
/// Three ways to read, none of which loses an error:
/// - `read(_:)` calls a closure for each record and throws the first malformed line's `TraceError`
///   (or what the closure throws);
/// - `next()` returns the next record, nil at the end, and throws on a malformed line;
/// - `for result in reader` — the reader is a single-pass `Sequence` of
///   `Result<TraceRecord, TraceError>`: each record as `.success`, then, if a line is malformed,
///   one `.failure` that ends the iteration (`try result.get()` rethrows it).
///
/// Every error's description is `FILE:LINE: what was found; expected …`. Once a line failed,
/// `next()` throws the same error again. Blank lines are skipped, line numbers count them. With
/// `format` nil the format is detected from the first non-blank line (`TraceFormat.detect`).
/// Lines longer than 16 MiB are refused. Not thread-safe.
public final class TraceReader: Sequence {
  /// The file as given (`-` for standard input).
  public let path: String
  /// The format read; nil before the first non-blank line when it is detected.
  public private(set) var format: TraceFormat?
  /// The 1-based line of the last record returned or of the line that failed (0 before any).
  public private(set) var line: Int64 = 0

  private enum Source {
    case descriptor(Int32, owned: Bool)
    case memory([UInt8], consumed: Int)
  }

  private static let maximumLineBytes = 16 << 20
  private var source: Source
  private var buffer: UnsafeMutablePointer<UInt8>
  private var capacity: Int
  private var start = 0
  private var end = 0
  private var atEnd = false
  private var nextLineNumber: Int64 = 1
  private var headerRead = false
  private var fields: [TraceCSVField] = []
  private var failure: TraceError?
  private let shownName: String

  /// Opens `path` (`-`: standard input) for reading.
  /// - Parameters:
  ///   - path: the trace file, or `-`.
  ///   - format: the format, or nil to detect it from the first non-blank line.
  ///   - chunkBytes: bytes read at a time (at least 4 KiB is used).
  /// - Throws: `TraceError` when the file cannot be opened.
  public init(path: String, format: TraceFormat? = nil, chunkBytes: Int = 1 << 20) throws(TraceError) {
    guard !path.isEmpty else { throw TraceError(TraceError.emptyPath, file: "trace") }
    self.path = path
    self.format = format
    capacity = Swift.max(chunkBytes, 4096)
    if path == "-" {
      shownName = "<stdin>"
      source = .descriptor(0, owned: false)
    } else {
      shownName = path
      let opened = open(path, O_RDONLY | O_CLOEXEC)
      guard opened >= 0 else {
        let code = errno
        // A missing file, not a missing folder, is what ENOENT means when reading.
        throw TraceError(code == ENOENT ? "no such file" : "cannot read the trace: \(fileSystemReason(code))", file: path)
      }
      var status = stat()
      if fstat(opened, &status) == 0 && status.st_mode & S_IFMT == S_IFDIR {
        _ = close(opened)
        throw TraceError("cannot read the trace: it is a folder", file: path)
      }
      source = .descriptor(opened, owned: true)
    }
    buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
  }

  /// Reads a trace held in memory; errors name `name`.
  public init(bytes: [UInt8], name: String, format: TraceFormat? = nil, chunkBytes: Int = 1 << 20) {
    path = name
    shownName = name
    self.format = format
    capacity = Swift.max(chunkBytes, 4096)
    source = .memory(bytes, consumed: 0)
    buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
  }

  /// Reads a trace held in a string; errors name `name`.
  public convenience init(text: String, name: String, format: TraceFormat? = nil) {
    self.init(bytes: Array(text.utf8), name: name, format: format)
  }

  deinit {
    if case .descriptor(let descriptor, owned: true) = source { _ = close(descriptor) }
    buffer.deallocate()
  }

  /// Calls `body` with each record in order.
  /// - Throws: the `TraceError` of the first malformed line or of a failed read, or what `body` throws.
  public func read(_ body: (TraceRecord) throws -> Void) throws {
    while let record = try next() { try body(record) }
  }

  /// The next record, or nil at the end of the file.
  /// - Throws: `TraceError` for a malformed line or a failed read (and again on every later call).
  public func next() throws(TraceError) -> TraceRecord? {
    if let failure { throw failure }
    do {
      return try nextRecord()
    } catch {
      failure = error
      throw error
    }
  }

  /// Iterates `Result`s: each record, then at most one failure (see the type's documentation).
  public func makeIterator() -> Iterator { Iterator(reader: self) }

  /// The iterator of a `TraceReader`: `.success` per record, then one `.failure` if a line is
  /// malformed, then nil.
  public struct Iterator: IteratorProtocol {
    let reader: TraceReader
    var done = false

    /// The next record as `.success`, a malformed line as a final `.failure`, or nil at the end.
    public mutating func next() -> Result<TraceRecord, TraceError>? {
      guard !done else { return nil }
      do {
        if let record = try reader.next() { return .success(record) }
        done = true
        return nil
      } catch {
        done = true
        return .failure(error)
      }
    }
  }

  private func nextRecord() throws(TraceError) -> TraceRecord? {
    while true {
      let first = nextLineNumber
      guard let (low, high, breaks) = try nextRawLine() else { return nil }
      line = first
      nextLineNumber = first + 1 + breaks
      var lineStart = low
      if first == 1 && high - low >= 3 && buffer[low] == 0xEF && buffer[low + 1] == 0xBB && buffer[low + 2] == 0xBF {
        lineStart += 3
      }
      let bytes = UnsafeBufferPointer(start: buffer + lineStart, count: high - lineStart)
      if isBlank(bytes) { continue }
      do throws(TraceLineFailure) {
        let format: TraceFormat
        if let known = self.format {
          format = known
        } else if let detected = TraceFormat.detect(line: bytes) {
          format = detected
          self.format = detected
        } else {
          throw TraceLineFailure(field: nil, found: "\(traceQuoted(bytes, limit: 60)) is not a line of a known trace format", expected: TraceFormat.allCases.map(\.description).joined(separator: "; or "))
        }
        if format == .csv {
          if !headerRead {
            guard traceIsCSVHeader(bytes) else { throw traceCSVHeaderFailure(bytes) }
            headerRead = true
            continue
          }
          return try traceParseCSVRecord(bytes, fields: &fields)
        }
        return try format.parseSimulatorLine(bytes)
      } catch {
        throw TraceError(error.message, file: shownName, line: first, field: error.field)
      }
    }
  }

  /// Whether the line holds only spaces, tabs and CRs.
  private func isBlank(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    for byte in bytes where byte != 0x20 && byte != 0x09 && byte != 0x0D { return false }
    return true
  }

  /// The next line's bytes in `buffer` (`low..<high`, without its LF) and the line breaks inside
  /// it (a quoted CSV field may hold some), or nil at the end of the input.
  private func nextRawLine() throws(TraceError) -> (Int, Int, Int64)? {
    let quoteAware = format == .csv
    var searchFrom = start
    var quotes = 0
    var breaks: Int64 = 0
    while true {
      if searchFrom < end, let found = memchr(buffer + searchFrom, 0x0A, end - searchFrom) {
        let index = buffer.distance(to: found.assumingMemoryBound(to: UInt8.self))
        if quoteAware { quotes += countQuotes(searchFrom, index) }
        if quotes % 2 == 0 {
          let low = start
          start = index + 1
          return (low, index, breaks)
        }
        breaks += 1
        searchFrom = index + 1
        continue
      }
      if quoteAware { quotes += countQuotes(searchFrom, end) }
      searchFrom = end
      if atEnd {
        guard start < end else { return nil }
        let low = start
        start = end
        return (low, end, breaks)
      }
      let shift = start
      try refill()
      searchFrom -= shift
    }
  }

  /// The number of `"` in `buffer[from..<to]`.
  private func countQuotes(_ from: Int, _ to: Int) -> Int {
    var count = 0
    var index = from
    while index < to {
      if buffer[index] == 0x22 { count += 1 }
      index += 1
    }
    return count
  }

  /// Moves the unread bytes to the front, grows the buffer when it is full, and reads more.
  private func refill() throws(TraceError) {
    if start > 0 {
      (buffer).update(from: buffer + start, count: end - start)
      end -= start
      start = 0
    }
    if end == capacity {
      guard capacity < TraceReader.maximumLineBytes else {
        throw TraceError("line is longer than \(TraceReader.maximumLineBytes) bytes; expected one request per line (\(format.map(\.description) ?? "any trace format"))", file: shownName, line: nextLineNumber)
      }
      let grown = Swift.min(capacity * 2, TraceReader.maximumLineBytes)
      let fresh = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
      fresh.update(from: buffer, count: end)
      buffer.deallocate()
      buffer = fresh
      capacity = grown
    }
    switch source {
    case .descriptor(let descriptor, _):
      let got = traceReadSome(descriptor, buffer + end, capacity - end)
      if got < 0 {
        throw TraceError("cannot read the trace: \(fileSystemReason(Int32(truncatingIfNeeded: -got)))", file: shownName, line: nextLineNumber)
      }
      if got == 0 { atEnd = true }
      end += got
    case .memory(let bytes, let consumed):
      let count = Swift.min(capacity - end, bytes.count - consumed)
      if count == 0 {
        atEnd = true
      } else {
        bytes.withUnsafeBufferPointer { all in
          if let base = all.baseAddress { (buffer + end).update(from: base + consumed, count: count) }
        }
        end += count
        source = .memory(bytes, consumed: consumed + count)
      }
    }
  }
}
