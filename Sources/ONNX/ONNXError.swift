import Networks

/// What is wrong with an ONNX model: the file, the node (its name and op type) or field at
/// fault, and what is accepted.
public struct ONNXError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The model file.
  public var file: String
  /// The node at fault (`name (OpType)`), when one is.
  public var node: String?
  /// The field, attribute or input at fault, when one is.
  public var field: String?
  /// What was found and what is accepted.
  public var message: String

  /// An error in `file`, at `node` and `field` when given.
  public init(_ message: String, file: String, node: String? = nil, field: String? = nil) {
    self.message = message
    self.file = file
    self.node = node
    self.field = field
  }

  /// `file: node N (Op): field: message`.
  public var description: String {
    var parts = [file]
    if let node { parts.append("node \(node)") }
    if let field { parts.append(field) }
    return parts.joined(separator: ": ") + ": " + message
  }
}
