/// The largest inputs dse accepts, in one table (docs/limits.md).
///
/// Each limit is far above any real network and low enough that every count the models and
/// searches form from accepted inputs (tile counts times tile sizes, MACs times bit widths,
/// traffic summed over a network) stays below 2^63 with a wide margin, and that a small file
/// cannot ask for unbounded work. The readers and `Network.analyze()` enforce them with errors
/// that state the limit; nothing past them reaches the planner.
public enum Limits {
  /// Largest value of any one dimension: channels, height, width, kernel, stride, padding,
  /// groups, upsampling factor, FC features (2^16). The tiling searches take time roughly in
  /// proportion to a layer's extents (a 2^16-row or 2^16-channel convolution: under a second;
  /// 2^20 channels: 6 s; 2^24 rows: minutes); real networks stay below 2^13.
  public static let extent = 1 << 16
  /// Most elements of one tensor: a network input, a layer output, a weight tensor, or one
  /// operand of a GEMM (2^36, about 68.7 G).
  public static let tensorElements = 1 << 36
  /// Most multiply-accumulates of a whole network, and so of any one layer (2^46, about 70 T;
  /// YOLOv3 at 608x608 has 2^36).
  public static let networkMACs = 1 << 46
  /// Most layers in a network, counting each copy of a repeated layer or block.
  public static let layers = 10_000
  /// Most characters in a network, input or layer name.
  public static let nameLength = 256
  /// Widest partial sum, in buffer entries per output entry.
  public static let psumWidth = 8
  /// Largest on-chip buffer, in entries (2^32).
  public static let bufferEntries = 1 << 32
  /// Most elements one layer of a network run on data (`dse quantize`, `dse verify`) holds:
  /// its inputs (each as often as it reads it), output and weights; 2^28, a gigabyte as 32-bit
  /// values.
  public static let executedElements = 1 << 28
  /// Most work of a network run on data: multiply-accumulates plus the elements element-wise
  /// and pooling layers read (2^38; ResNet-50 at 224x224 has 2^32 and verifies a plan in under
  /// a minute).
  public static let executedMACs = 1 << 38
  /// Largest number in an architecture (pJ per byte, MHz, bytes per cycle, ...): 10^9, so
  /// that energies and times of any accepted plan stay finite.
  public static let architectureValue = 1e9
  /// Largest text file read (a network, an architecture, an error table), in bytes.
  public static let fileBytes = 64 << 20

  /// `value` with thousands separators and, for powers of two, the power: "16,777,216 (2^24)".
  public static func describe(_ value: Int) -> String {
    var digits = String(value)
    var grouped = ""
    while digits.count > 3 {
      grouped = "," + digits.suffix(3) + grouped
      digits.removeLast(3)
    }
    grouped = digits + grouped
    guard value > 1024, value.nonzeroBitCount == 1 else { return grouped }
    return "\(grouped) (2^\(value.trailingZeroBitCount))"
  }

  /// Why `name` is not usable as a network, input or layer name, or nil when it is: names are
  /// 1 to `nameLength` characters with no control characters (they appear in messages, CSV
  /// cells and Graphviz labels).
  public static func nameProblem(_ name: String) -> String? {
    if name.isEmpty { return "a name cannot be empty" }
    if name.count > nameLength {
      return "the name has \(describe(name.count)) characters; at most \(nameLength) are accepted"
    }
    if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
      return "\(excerpt(name)) contains a control character (such as NUL, a tab or a newline), which names cannot"
    }
    return nil
  }
}

/// `text` quoted for a message: control characters escaped and, past `limit` characters, cut
/// with the full length stated, so that an error never repeats a megabyte of input.
public func excerpt(_ text: some StringProtocol, limit: Int = 60) -> String {
  let shown = printable(text.unicodeScalars.prefix(limit), escapingQuotes: true)
  guard text.unicodeScalars.count > limit else { return "'\(shown)'" }
  return "'\(shown)…' (\(Limits.describe(text.count)) characters)"
}

/// `scalars` with control characters escaped (`\n`, `\t`, `\u{0}`), so that a message stays on
/// one line whatever file or name it shows.
public func printable(_ scalars: some Sequence<Unicode.Scalar>, escapingQuotes: Bool = false) -> String {
  var shown = ""
  for scalar in scalars {
    switch scalar {
    case "\n": shown += "\\n"
    case "\t": shown += "\\t"
    case "\r": shown += "\\r"
    case "'" where escapingQuotes: shown += "\\'"
    default:
      if scalar.properties.generalCategory == .control {
        shown += "\\u{\(String(scalar.value, radix: 16))}"
      } else {
        shown.unicodeScalars.append(scalar)
      }
    }
  }
  return shown
}
