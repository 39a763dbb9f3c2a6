/// Every error the library throws: what kind of failure, the file, line and field at fault when
/// there is one, and a message that says what is wrong and what is accepted. Printed as the one
/// line the CLI prints (`file:line: field 'x': message`); the C ABI returns `code` with it.
public struct DSEError: Error, Hashable, Sendable, CustomStringConvertible {
  /// What failed. The raw values are the C ABI's `dse_status` codes.
  public enum Kind: Int32, Hashable, Sendable, Codable {
    /// An argument out of range or unknown: a buffer of 0, an unknown strategy name.
    case invalidArgument = 1
    /// A network, architecture or table that cannot be read (a missing file included), does not
    /// describe a valid model, or is past one of the documented limits (docs/limits.md).
    case invalidInput = 2
    /// A network that cannot be planned as asked: a layer no schedule fits, a constraint no plan meets.
    case planning = 3
    /// Verification that could not run (a plan that runs but differs is a result, not an error).
    case verification = 4
  }

  /// What failed.
  public var kind: Kind
  /// The file at fault, as the caller named it.
  public var file: String?
  /// The 1-based line in `file`.
  public var line: Int?
  /// The field, option or layer at fault (`buffer`, `layer 'conv1'`).
  public var field: String?
  /// What is wrong and what is accepted.
  public var message: String

  /// An error of `kind` at a place, with its message.
  public init(_ kind: Kind, file: String? = nil, line: Int? = nil, field: String? = nil, _ message: String) {
    self.kind = kind
    self.file = file
    self.line = line
    self.field = field
    self.message = message
  }

  /// Any error of the engine, classified; its own location kept, `file` added when it has none.
  public init(_ error: any Error, file: String? = nil) {
    switch error {
    case let error as DSEError:
      self = error
      if self.file == nil { self.file = file }
      return
    case let error as NetworkError:
      var place: [String] = []
      if let layer = error.layer { place.append("layer \(excerpt(layer, limit: 100))") }
      if let name = error.field { place.append("field \(excerpt(name))") }
      self.init(
        .invalidInput, file: error.location?.file ?? file, line: error.location?.line,
        field: place.isEmpty ? nil : place.joined(separator: ": "), error.message)
      return
    case let error as DRAMError:
      // A device file's faults name their file; a setting's (layout, burst) has none.
      self.init(error.file == nil ? .invalidArgument : .invalidInput, file: error.file ?? file, line: error.line, field: error.field, error.message)
      return
    case let error as ONNXError:
      self.init(.invalidInput, file: error.file, field: [error.node.map { "node \($0)" }, error.field].compactMap { $0 }.joined(separator: ": ").nilIfEmpty, error.message)
      return
    case let error as TraceError:
      self.init(.invalidInput, file: error.file, line: error.line.map { Int(clamping: $0) }, field: error.field, error.message)
      return
    case let error as ArchitectureError:
      self.init(.invalidInput, file: error.location.file, line: error.location.line, field: error.field, error.message)
      return
    case is PlanningError, is FusionError, is OptimizationError, is SearchError, is TilingError:
      self.init(.planning, file: file, "\(error)")
    case is StrategyNameError, is BufferSizeError:
      self.init(.invalidArgument, file: file, "\(error)")
    case is ExecutionFailure, is FixedPointError:
      self.init(.verification, file: file, "\(error)")
    case is DarknetWeightsError:
      self.init(.invalidInput, file: file, "\(error)")
    default:
      self.init(.invalidInput, file: file, "\(error)")
    }
  }

  /// `file:line: field: message`, control characters escaped.
  public var description: String {
    var parts: [String] = []
    if let file { parts.append(FileLocation(file: file, line: line).description) }
    if let field { parts.append(field) }
    parts.append(message)
    return printable(parts.joined(separator: ": ").unicodeScalars)
  }
}


extension String {
  /// nil for an empty string.
  fileprivate var nilIfEmpty: String? { isEmpty ? nil : self }
}
