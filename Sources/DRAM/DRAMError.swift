/// An error of the DRAM model: a device file, an address mapping or a model setting that is
/// refused. `description` reads `file:line: field: message` with the parts that are known.
public struct DRAMError: Error, Equatable, Sendable, CustomStringConvertible {
  /// What is wrong and what is accepted.
  public var message: String
  /// The file (or source name) at fault, when the error comes from a file.
  public var file: String?
  /// The 1-based line in `file`, when known.
  public var line: Int?
  /// The dotted field at fault (`timing.trc`, `power.vdd.idd3n`), when one is.
  public var field: String?

  /// An error with a message and, where known, its file, line and dotted field.
  public init(_ message: String, file: String? = nil, line: Int? = nil, field: String? = nil) {
    self.message = message
    self.file = file
    self.line = line
    self.field = field
  }

  /// `file:line: field: message`, leaving out the parts that are not known.
  public var description: String {
    var prefix = ""
    if let file {
      prefix = file
      if let line { prefix += ":\(line)" }
      prefix += ": "
    }
    if let field { prefix += "\(field): " }
    return prefix + message
  }
}
