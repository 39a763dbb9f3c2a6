/// A DRAM trace file format: one request per line.
///
/// What each writes and what each reads (`TraceReader`); all read a trailing CR (CRLF line ends),
/// blank or whitespace-only lines (skipped), runs of spaces and tabs between tokens, and a missing
/// final newline. None of the simulators has comment lines, so none is accepted. Hex digits may be
/// upper or lower case, and `0x` may be `0X`.
///
/// - `dramsim3` — DRAMsim3's trace-based CPU (`dramsim3main CONFIG -t FILE`): `0x2000d5c0 READ 30`,
///   hex address, `READ` or `WRITE`, decimal arrival cycle. Checked against umd-memsys/DRAMsim3
///   `src/common.cc` (`operator>>(std::istream&, Transaction&)`: `is >> std::hex >> addr >> mem_op
///   >> std::dec >> added_cycle`, writes are `WRITE`, `write`, `P_MEM_WR`, `BOFF`) and `src/cpu.cc`
///   (`TraceBasedCPU::ClockTick`, which issues a request once `added_cycle <= clk_`). Reading
///   accepts the address with or without `0x`, and `READ`, `read`, `WRITE`, `write`, `P_MEM_WR`,
///   `BOFF`; DRAMsim3 takes any other word for a read, this reader rejects it as a likely typo.
///   Cycles are 0 to 2^63-1.
/// - `ramulator2` — Ramulator 2's `LoadStoreTrace` frontend: `LD 0x229f6f80` / `ST 0x…`, two tokens,
///   no cycle. Checked against CMU-SAFARI/ramulator2 `src/frontend/impl/memory_trace/loadstore_trace.cpp`
///   (`init_trace`: exactly two tokens, `LD` or `ST`, an address with `0x`/`0X` read as hex by
///   `std::stoll(…, 16)` and one without read as *decimal* by `std::stoll`). Reading follows it:
///   `0x…` is hex, bare digits are decimal; addresses above 2^63-1 (which `stoll` rejects) are
///   refused on reading and on writing. Ramulator 2 itself splits on single spaces and rejects
///   blank lines; the writer emits neither doubled spaces nor blank lines.
/// - `ramulator` — Ramulator 1's DRAM trace mode (`ramulator CONFIG --mode=dram FILE`):
///   `0x12345680 R` / `0x4cbd56c0 W`, no cycle. Checked against CMU-SAFARI/ramulator `README.md`
///   ("Memory Trace Driven") and `src/Processor.cpp` (`Trace::get_dramtrace_request`: `std::stoul(line,
///   &pos, 16)`, so `0x` is optional, then the first character of the next token, `R` or `W`, and
///   a line with an address alone is a read). Reading accepts `R`, `W`, `READ`, `WRITE`, or nothing
///   (a read), and rejects further tokens (Ramulator ignores them).
/// - `csv` — dse's own annotated trace, RFC 4180, with the header line
///   `cycle,address,command,bytes,useful_bytes,unit,layer,operand,tensor,tile`: decimal cycle,
///   `0x` hex address (`0x` optional on reading), `READ` or `WRITE`, then the `TraceAnnotation`
///   (all six columns empty when the record has none). Fields holding a comma, a quote or a line
///   break are quoted, quotes doubled; a quoted field may span lines.
public enum TraceFormat: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
  /// DRAMsim3 trace: `0xADDRESS READ|WRITE CYCLE`.
  case dramsim3
  /// Ramulator 2 `LoadStoreTrace`: `LD|ST 0xADDRESS`.
  case ramulator2
  /// Ramulator 1 DRAM trace (`--mode=dram`): `0xADDRESS R|W`.
  case ramulator
  /// dse's annotated CSV, with a header line.
  case csv

  /// The format's name and line syntax, as error messages show it.
  public var description: String {
    switch self {
    case .dramsim3: return "DRAMsim3 format: 0xADDRESS READ|WRITE CYCLE"
    case .ramulator2: return "Ramulator 2 LoadStoreTrace format: LD|ST 0xADDRESS"
    case .ramulator: return "Ramulator DRAM trace format: 0xADDRESS R|W"
    case .csv: return "CSV format: \(TraceFormat.csvHeader)"
    }
  }

  /// The header line of a CSV trace (without its line break).
  public static let csvHeader = "cycle,address,command,bytes,useful_bytes,unit,layer,operand,tensor,tile"

  /// Whether lines carry the arrival cycle (else it is written nowhere and read as 0).
  public var hasCycles: Bool { self == .dramsim3 || self == .csv }

  /// Whether lines carry the `TraceAnnotation` (else it is written nowhere and read as nil).
  public var hasAnnotations: Bool { self == .csv }

  /// Guesses the format from the first non-blank line of a file, or nil when it looks like none:
  /// a line starting with `cycle,` (the CSV header) is `csv`; `LD`/`ST` then a token is
  /// `ramulator2`; a hex address followed by two or more tokens is `dramsim3`; a hex address alone
  /// or followed by one token is `ramulator`. The line is only classified, not checked: reading
  /// it then reports what is wrong in that format's terms.
  public static func detect(firstLine: String) -> TraceFormat? {
    var bytes = Array(firstLine.utf8)
    return bytes.withUnsafeMutableBufferPointer { detect(line: UnsafeBufferPointer($0)) }
  }

  /// `detect(firstLine:)` over the bytes of a line (a UTF-8 byte-order mark and a trailing CR allowed).
  static func detect(line: UnsafeBufferPointer<UInt8>) -> TraceFormat? {
    var scanner = TraceLineScanner(line)
    scanner.skipByteOrderMark()
    if scanner.startsWith("cycle,") { return .csv }
    guard let first = scanner.nextToken() else { return nil }
    let second = scanner.nextToken()
    if scanner.equals(first, "LD") || scanner.equals(first, "ST") {
      return second == nil ? nil : .ramulator2
    }
    guard case .value = scanner.hexNumber(first) else { return nil }
    guard second != nil else { return .ramulator }
    return scanner.nextToken() == nil ? .ramulator : .dramsim3
  }
}
