import Foundation
import Networks

/// A node's attributes by name, read leniently: a missing or mistyped attribute is nil.
struct ONNXAttributes {
  private var byName: [String: Onnx_AttributeProto] = [:]
  private let malformed: (String) -> ONNXError

  init(_ attributes: [Onnx_AttributeProto], malformed: @escaping (String) -> ONNXError) {
    for attribute in attributes { byName[attribute.name] = attribute }
    self.malformed = malformed
  }

  func int(_ name: String) -> Int? {
    guard let attribute = byName[name], attribute.hasI else { return nil }
    return Int(clamping: attribute.i)
  }

  func ints(_ name: String) -> [Int]? {
    guard let attribute = byName[name], !attribute.ints.isEmpty || attribute.type == .ints else { return nil }
    return attribute.ints.map { Int(clamping: $0) }
  }

  func float(_ name: String) -> Double? {
    guard let attribute = byName[name], attribute.hasF else { return nil }
    return Double(attribute.f)
  }

  func floats(_ name: String) -> [Double]? {
    guard let attribute = byName[name], !attribute.floats.isEmpty else { return nil }
    return attribute.floats.map(Double.init)
  }

  func string(_ name: String) -> String? {
    guard let attribute = byName[name], attribute.hasS else { return nil }
    return String(decoding: attribute.s, as: UTF8.self)
  }

  /// A tensor attribute (`Constant`'s `value`, `ConstantOfShape`'s fill).
  func tensor(_ name: String) throws(ONNXError) -> ONNXConstant? {
    guard let attribute = byName[name], attribute.hasT else { return nil }
    let malformed = self.malformed
    return try ONNXConstant(attribute.t) { _ in malformed(name) }
  }

  /// The names present, for `Constant`'s one-of value attributes.
  var names: Set<String> { Set(byName.keys) }
}

/// What an operator sees of its node: the node, its inputs (nil for an omitted optional one),
/// its attributes, the model's opset and file.
struct ONNXNodeContext {
  let node: Onnx_NodeProto
  /// The node's position in the graph.
  let index: Int
  let place: String
  let inputs: [ONNXValue?]
  let attributes: ONNXAttributes
  let opset: Int
  let file: String

  func constant(at index: Int) -> ONNXConstant? {
    guard index < inputs.count, case .constant(let constant)? = inputs[index] else { return nil }
    return constant
  }

  /// The first constant input, whichever side of a binary operator it is on.
  var firstConstant: ONNXConstant? {
    inputs.lazy.compactMap { value -> ONNXConstant? in if case .constant(let c)? = value { c } else { nil } }.first
  }

  func constantValues(at index: Int) -> [Double]? { constant(at: index)?.values }

  func constantIntegers(at index: Int) -> [Int]? { constant(at: index)?.integers }

  func fail(_ message: String, field: String? = nil) -> ONNXError {
    ONNXError(message, file: file, node: place, field: field)
  }
}
