import Yams

/// Parses YAML text into Yams' node tree (which keeps line numbers), turning Yams' own errors
/// into one-line errors with the file and line. Every YAML reader of the project starts here.
public enum YAMLDocument {
  /// The root node, or nil for a document with no content.
  public static func compose(_ text: String, file: String) throws(NetworkError) -> Node? {
    do {
      return try Yams.compose(yaml: text)
    } catch let error as YamlError {
      throw convert(error, file: file)
    } catch {
      throw NetworkError("malformed YAML: \(error)", location: FileLocation(file: file))
    }
  }

  private static func convert(_ error: YamlError, file: String) -> NetworkError {
    switch error {
    case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
      return NetworkError("malformed YAML: \(problem)", location: FileLocation(file: file, line: mark.line))
    case .duplicatedKeysInMapping(let duplicates, let context):
      return NetworkError(
        "duplicate key: a mapping gives \(duplicates.prefix(5).map { excerpt($0) }.joined(separator: ", ")) more than once",
        location: FileLocation(file: file, line: context.mark.line), field: duplicates.first)
    default:
      return NetworkError("malformed YAML: \(error)", location: FileLocation(file: file))
    }
  }
}
