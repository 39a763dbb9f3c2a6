import Foundation

/// A plain-text table with right-aligned numeric columns, for terminal output.
public struct TextTable: Sendable {
  public var header: [String]
  public var rows: [[String]]
  /// Columns (by index) aligned left; all others align right.
  public var leftAligned: Set<Int>

  public init(header: [String], rows: [[String]] = [], leftAligned: Set<Int> = [0]) {
    self.header = header
    self.rows = rows
    self.leftAligned = leftAligned
  }

  public func rendered() -> String {
    let all = [header] + rows
    var widths = Array(repeating: 0, count: header.count)
    for row in all {
      for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
    }
    func line(_ row: [String]) -> String {
      var cells: [String] = []
      for (index, cell) in row.enumerated() where index < widths.count {
        let pad = String(repeating: " ", count: widths[index] - cell.count)
        cells.append(leftAligned.contains(index) ? cell + pad : pad + cell)
      }
      return String(cells.joined(separator: "  ").reversed().drop { $0 == " " }.reversed())
    }
    let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
    return ([line(header), rule] + rows.map(line)).joined(separator: "\n") + "\n"
  }
}

/// RFC 4180 CSV: fields with commas, quotes or line breaks are quoted.
public enum CSV {
  public static func field(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  public static func render(header: [String], rows: [[String]]) -> String {
    ([header] + rows).map { $0.map(field).joined(separator: ",") }.joined(separator: "\n") + "\n"
  }

  /// The records of CSV text, each without its line break: lines, except that a line break
  /// inside a quoted field belongs to its record.
  public static func records(_ text: String) -> [Substring] {
    var found: [Substring] = []
    var start = text.startIndex
    var quoted = false
    var index = text.startIndex
    while index < text.endIndex {
      let character = text[index]
      if character == "\"" {
        quoted.toggle()
      } else if character == "\n" && !quoted {
        found.append(text[start..<index])
        start = text.index(after: index)
      }
      index = text.index(after: index)
    }
    if start < text.endIndex { found.append(text[start...]) }
    return found
  }

  /// `text` (a header record, then rows) with `header` before its header's fields and
  /// `values` before every row's.
  public static func prefixing(_ text: String, header: [String], values: [String]) -> String {
    let records = records(text)
    guard let first = records.first else { return text }
    let headerPrefix = header.map(field).joined(separator: ",") + ","
    let valuePrefix = values.map(field).joined(separator: ",") + ","
    return ([headerPrefix + first] + records.dropFirst().map { valuePrefix + $0 }).joined(separator: "\n") + "\n"
  }
}
