import Foundation
import Networks

/// Graphviz DOT of a network: one node per tensor (inputs and layers) with its op and
/// output shape, edges along the data flow.
public struct NetworkGraph: Sendable {
  public let analysis: NetworkAnalysis

  public init(_ analysis: NetworkAnalysis) { self.analysis = analysis }

  public func dot() -> String {
    var lines = [
      "digraph \(DOT.id(analysis.network.name)) {",
      "  graph [rankdir=TB, fontname=\"Helvetica\", label=\(DOT.id(title)), labelloc=t];",
      "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=10];",
      "  edge [fontname=\"Helvetica\", fontsize=9, color=\"#555555\"];",
    ]
    for input in analysis.network.inputs {
      lines.append("  \(DOT.id(input.name)) [label=\(DOT.id("\(input.name)\n\(input.shape)")), shape=ellipse, fillcolor=\"#eeeeee\"];")
    }
    let outputs = Set(analysis.network.outputNames)
    for layer in analysis.layers {
      let label = "\(layer.name)\n\(describe(layer))\n\(layer.outputShape)"
      let border = outputs.contains(layer.name) ? ", penwidth=2" : ""
      lines.append("  \(DOT.id(layer.name)) [label=\(DOT.id(label)), fillcolor=\"\(color(layer.kind))\"\(border)];")
    }
    for layer in analysis.layers {
      for input in layer.layer.inputs { lines.append("  \(DOT.id(input)) -> \(DOT.id(layer.name));") }
    }
    lines.append("}")
    return lines.joined(separator: "\n") + "\n"
  }

  private var title: String {
    "\(analysis.network.name): \(humanCount(analysis.totalMACs)) MACs, \(humanCount(analysis.totalParameters)) parameters"
  }

  private func describe(_ layer: LayerAnalysis) -> String {
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

  private func color(_ kind: OperationKind) -> String {
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
