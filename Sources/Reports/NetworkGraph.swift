import Foundation
import Networks

/// Graphviz DOT of a network: one node per tensor (inputs and layers) with its op and
/// output shape, edges along the data flow.
public struct NetworkGraph: Sendable {
  public let analysis: NetworkAnalysis

  public init(_ analysis: NetworkAnalysis) { self.analysis = analysis }

  public func dot() -> String {
    var lines = GraphStyle.header(name: analysis.network.name, label: title)
    lines += analysis.network.inputs.map { GraphStyle.inputNode($0) }
    let outputs = Set(analysis.network.outputNames)
    for layer in analysis.layers {
      lines.append(GraphStyle.layerNode(layer, isOutput: outputs.contains(layer.name)))
    }
    lines += GraphStyle.edges(analysis)
    lines.append("}")
    return lines.joined(separator: "\n") + "\n"
  }

  private var title: String {
    "\(analysis.network.name): \(humanCount(analysis.totalMACs)) MACs, \(humanCount(analysis.totalParameters)) parameters"
  }
}

/// The look of a network in DOT, shared by `NetworkGraph` and `PlanGraph` so that a plan's
/// graph reads like the network's: inputs as grey ellipses, layers as boxes coloured by
/// operation, outputs with a heavier border.
enum GraphStyle {
  static func header(name: String, label: String) -> [String] {
    [
      "digraph \(DOT.id(name)) {",
      "  graph [rankdir=TB, fontname=\"Helvetica\", label=\(DOT.id(label)), labelloc=t];",
      "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=10];",
      "  edge [fontname=\"Helvetica\", fontsize=9, color=\"#555555\"];",
    ]
  }

  static func inputNode(_ input: NetworkInput) -> String {
    "  \(DOT.id(input.name)) [label=\(DOT.id("\(input.name)\n\(input.shape)")), shape=ellipse, fillcolor=\"#eeeeee\"];"
  }

  /// A layer's box: name, operation and output shape, then `notes` lines (a plan's schedule).
  static func layerNode(_ layer: LayerAnalysis, isOutput: Bool, notes: [String] = [], indent: String = "  ") -> String {
    let label = (["\(layer.name)\n\(describe(layer))\n\(layer.outputShape)"] + notes).joined(separator: "\n")
    let border = isOutput ? ", penwidth=2" : ""
    return "\(indent)\(DOT.id(layer.name)) [label=\(DOT.id(label)), fillcolor=\"\(color(layer.kind))\"\(border)];"
  }

  /// One edge per layer input, in layer order.
  static func edges(_ analysis: NetworkAnalysis) -> [String] {
    analysis.layers.flatMap { layer in
      layer.layer.inputs.map { input in "  \(DOT.id(input)) -> \(DOT.id(layer.name));" }
    }
  }

  static func describe(_ layer: LayerAnalysis) -> String {
    let kernel = layer.kernel.isSquare ? "\(layer.kernel.height)x\(layer.kernel.width)" : layer.kernel.description
    switch layer.kind {
    case .conv, .depthwise, .maxpool, .avgpool:
      let stride = layer.stride.height == 1 && layer.stride.width == 1 ? "" : " /\(layer.stride)"
      return "\(layer.kind.rawValue) \(kernel)\(stride)"
    case .pointwise:
      return layer.stride.height == 1 && layer.stride.width == 1 ? "pointwise" : "pointwise /\(layer.stride)"
    case .upsample:
      return "upsample x\(layer.stride)"
    default:
      return layer.kind.rawValue
    }
  }

  static func color(_ kind: OperationKind) -> String {
    switch kind {
    case .conv: return "#cfe2f3"
    case .pointwise: return "#d9ead3"
    case .depthwise: return "#fff2cc"
    case .fc: return "#f4cccc"
    case .maxpool, .avgpool, .globalavgpool: return "#e6e6e6"
    case .add, .concat, .upsample: return "#ead1dc"
    }
  }
}

/// Graphviz DOT quoting.
public enum DOT {
  /// A double-quoted DOT id; line breaks become DOT's centred `\n`.
  public static func id(_ text: String) -> String {
    var result = "\""
    for character in text {
      switch character {
      case "\"": result += "\\\""
      case "\\": result += "\\\\"
      case "\n": result += "\\n"
      default: result.append(character)
      }
    }
    return result + "\""
  }
}
