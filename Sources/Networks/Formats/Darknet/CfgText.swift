/// One `key=value` line of a cfg section, with the line it came from for error messages.
struct CfgEntry: Sendable {
  var key: String
  var value: String
  var line: Int
}

/// One `[type]` section of a cfg file and its entries, in file order.
struct CfgSection: Sendable {
  /// The name between the brackets, lowercased.
  var header: String
  var line: Int
  var entries: [CfgEntry]
}

/// Splits cfg text into sections. Knows nothing about layers: that keeps line-level
/// errors (no `=`, a key before any section) apart from the meaning of the keys.
enum CfgText {
  static func parse(_ text: String, file: String) throws(NetworkError) -> [CfgSection] {
    var sections: [CfgSection] = []
    // "\r\n" is a single Character in Swift, so Windows line ends split correctly too.
    let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
    for (offset, rawLine) in lines.enumerated() {
      let lineNumber = offset + 1
      let location = FileLocation(file: file, line: lineNumber)
      let line = trim(stripComment(String(rawLine)))
      if line.isEmpty { continue }
      if line.hasPrefix("[") {
        guard line.hasSuffix("]"), line.count >= 2 else {
          throw NetworkError(
            "section header \(excerpt(line)) is not closed: write it as [name], e.g. [convolutional]", location: location)
        }
        let header = trim(String(line.dropFirst().dropLast())).lowercased()
        guard !header.isEmpty else {
          throw NetworkError("empty section header '[]'", location: location)
        }
        sections.append(CfgSection(header: header, line: lineNumber, entries: []))
        continue
      }
      guard let equals = line.firstIndex(of: "=") else {
        throw NetworkError(
          "malformed line \(excerpt(line)): expected 'key=value', a [section] header, or a comment starting with # or ;",
          location: location)
      }
      let key = trim(String(line[..<equals]))
      let value = trim(String(line[line.index(after: equals)...]))
      guard !key.isEmpty else {
        throw NetworkError("malformed line \(excerpt(line)): the key before '=' is empty", location: location)
      }
      guard var section = sections.popLast() else {
        throw NetworkError(
          "\(excerpt(key)) appears before any section: a Darknet cfg starts with [net]", location: location, field: key)
      }
      if let earlier = section.entries.first(where: { $0.key == key }) {
        sections.append(section)
        throw NetworkError(
          "\(excerpt(key)) is set twice in this [\(section.header.prefix(40))] section (first on line \(earlier.line))",
          location: location, field: key)
      }
      section.entries.append(CfgEntry(key: key, value: value, line: lineNumber))
      sections.append(section)
    }
    return sections
  }

  static func trim(_ text: String) -> String {
    var slice = Substring(text)
    while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
    while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
    return String(slice)
  }

  /// Drops a `#` or `;` comment. Darknet only knows whole-line comments, but no value
  /// contains either character, so cutting at them also allows trailing comments.
  private static func stripComment(_ line: String) -> String {
    guard let start = line.firstIndex(where: { $0 == "#" || $0 == ";" }) else { return line }
    return String(line[..<start])
  }
}
