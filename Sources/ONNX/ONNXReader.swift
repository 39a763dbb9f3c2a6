import Foundation
import Networks
import SwiftProtobuf

/// A network read from an ONNX model, and what the reader had to say about it.
public struct ONNXImport: Sendable {
  /// The layers, inputs and their shapes' sources, as the YAML reader would give them.
  public var network: Network
  /// Nodes of operators dse does not know, skipped with `skipUnsupported` (one message each).
  public var warnings: [String]
  /// Element-wise nodes that change values but are pass-throughs in the network dse runs (an
  /// activation that cannot attach, a batch norm that cannot fold, `LRN`, `Tanh`, ...). They
  /// leave DRAM traffic unchanged; `dse quantize` and `dse verify` run the model without them.
  public var passThroughs: [ONNXPassThrough]
  /// The model file, for errors about its weights.
  var file: String
  /// How each convolution's and FC layer's parameters come out of the model's constants.
  var recipes: [String: ONNXParameterRecipe]
}

/// An element-wise node whose values the network dse runs leaves out.
public struct ONNXPassThrough: Sendable, Hashable {
  /// The node's name, quoted (or `#index` when it has none).
  public var node: String
  public var opType: String
  /// Why it is not part of a layer, e.g. "its input is read elsewhere too (a pre-activation)".
  public var reason: String
}

extension ONNXImport {
  /// One line on the pass-throughs, grouped by operator and reason with up to three node names
  /// each; nil when there are none.
  public var passThroughSummary: String? {
    guard !passThroughs.isEmpty else { return nil }
    var groups: [(key: String, nodes: [String])] = []
    for passThrough in passThroughs {
      let key = "\(passThrough.opType), \(passThrough.reason)"
      if let index = groups.firstIndex(where: { $0.key == key }) {
        groups[index].nodes.append(passThrough.node)
      } else {
        groups.append((key, [passThrough.node]))
      }
    }
    let parts = groups.map { group in
      let names = group.nodes.prefix(3).joined(separator: ", ")
      return "\(group.nodes.count) x \(group.key) (\(names)\(group.nodes.count > 3 ? ", ..." : ""))"
    }
    return "the network run leaves out \(passThroughs.count) element-wise node\(passThroughs.count == 1 ? "" : "s") whose values dse does not model (DRAM traffic is unaffected): "
      + parts.joined(separator: "; ")
  }
}

/// Reads ONNX models (docs/onnx.md): the protobuf, the constants (initializers, `Constant` and
/// `ConstantOfShape` nodes, folded shape subgraphs), and the operators mapped onto dse's layers.
public enum ONNXReader {
  /// Largest model file read, in bytes (protobuf's own limit).
  public static let maximumFileBytes = 2 << 30

  /// Reads `file`. `inputSize` sets the height and width of inputs the model leaves open (and of
  /// every input when given); `skipUnsupported` models unknown operators as pass-throughs, with
  /// a warning each, instead of failing.
  public static func read(file: String, inputSize: Int? = nil, skipUnsupported: Bool = false) throws(ONNXError)
    -> ONNXImport
  {
    let url = URL(fileURLWithPath: file)
    let size: Int
    do {
      let attributes = try FileManager.default.attributesOfItem(atPath: file)
      guard (attributes[.type] as? FileAttributeType) == .typeRegular else {
        throw ONNXError("not a regular file (a folder, a device or a pipe); expected an ONNX model", file: file)
      }
      size = (attributes[.size] as? Int) ?? 0
    } catch let error as ONNXError {
      throw error
    } catch {
      throw ONNXError("no such file", file: file)
    }
    guard size <= maximumFileBytes else {
      throw ONNXError("the file has \(size) bytes; models of at most 2 GiB are read", file: file)
    }
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw ONNXError("cannot read the file", file: file)
    }
    return try read(data: data, name: file, inputSize: inputSize, skipUnsupported: skipUnsupported)
  }

  /// Reads a model held in memory; `name` stands for the file in messages and names the network.
  public static func read(data: Data, name: String, inputSize: Int? = nil, skipUnsupported: Bool = false)
    throws(ONNXError) -> ONNXImport
  {
    let model: Onnx_ModelProto
    do {
      var options = BinaryDecodingOptions()
      options.messageDepthLimit = 64
      options.discardUnknownFields = true
      model = try Onnx_ModelProto(serializedBytes: data, options: options)
    } catch {
      throw ONNXError("not a valid ONNX protobuf (\(describe(error))); expected a .onnx model file", file: name)
    }
    guard model.irVersion >= 3 else {
      throw ONNXError(
        "IR version \(model.irVersion); models of IR version 3 or later are read", file: name, field: "ir_version")
    }
    let opset = model.opsetImport.first { $0.domain.isEmpty || $0.domain == "ai.onnx" }?.version ?? 0
    guard opset >= 7 else {
      throw ONNXError(
        "opset \(opset) of the default domain; opsets 7 and later are read", file: name, field: "opset_import")
    }
    guard model.hasGraph else { throw ONNXError("the model has no graph", file: name, field: "graph") }
    var importer = ONNXGraphImporter(
      file: name, opset: Int(clamping: opset), inputSize: inputSize, skipUnsupported: skipUnsupported)
    let network = try importer.network(of: model.graph, name: Network.defaultName(forFile: name))
    return ONNXImport(
      network: network, warnings: importer.warnings, passThroughs: importer.passThroughs, file: name,
      recipes: importer.recipes)
  }

  private static func describe(_ error: any Error) -> String {
    switch error {
    case BinaryDecodingError.truncated: "truncated"
    case BinaryDecodingError.malformedProtobuf: "malformed protobuf"
    case BinaryDecodingError.messageDepthLimit: "messages nested too deep"
    case BinaryDecodingError.invalidUTF8: "a string that is not UTF-8"
    default: "\(error)"
    }
  }
}
