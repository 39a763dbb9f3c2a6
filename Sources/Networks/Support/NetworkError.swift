/// A place in a source file: the file as the user named it, and a 1-based line.
public struct FileLocation: Hashable, Sendable, Codable, CustomStringConvertible {
  public var file: String
  public var line: Int?

  public init(file: String, line: Int? = nil) {
    self.file = file
    self.line = line
  }

  /// `file:line`, the file's control characters escaped (a file name may hold a newline).
  public var description: String {
    let shown = printable(file.unicodeScalars)
    return line.map { "\(shown):\($0)" } ?? shown
  }
}

/// Anything wrong with a network description or with what it computes.
///
/// Printed as one line: `file:line: layer 'name': field 'kernel': what is wrong and what is accepted`.
public struct NetworkError: Error, Hashable, Sendable, CustomStringConvertible {
  public var location: FileLocation?
  public var layer: String?
  public var field: String?
  public var message: String

  public init(_ message: String, location: FileLocation? = nil, layer: String? = nil, field: String? = nil) {
    self.message = message
    self.location = location
    self.layer = layer
    self.field = field
  }

  public var description: String {
    var parts: [String] = []
    if let location { parts.append(location.description) }
    if let layer { parts.append("layer \(excerpt(layer, limit: 100))") }
    if let field { parts.append("field \(excerpt(field))") }
    parts.append(message)
    return parts.joined(separator: ": ")
  }

  /// The same error, located in `location` unless it already has a location.
  func located(_ fallback: FileLocation?) -> NetworkError {
    var copy = self
    if copy.location == nil { copy.location = fallback }
    return copy
  }
}
