import Foundation

/// Renders a network as a SCALE-Sim topology; see `ScaleSimTopology.write`.
struct ScaleSimWriter {
  let network: Network

  func render() throws(NetworkError) -> String {
    let analysis = try network.analyze()
    var lines = [ScaleSimTopology.columns.joined(separator: ", ") + ","]
    for layer in analysis.layers {
      guard let values = try row(for: layer) else { continue }
      try checkName(layer)
      lines.append(([layer.name] + values.map(String.init)).joined(separator: ", ") + ",")
    }
    guard lines.count > 1 else {
      throw NetworkError(
        "the network has no convolution or fully connected layer; a SCALE-Sim topology holds only those")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// IFMAP height and width, filter height and width, channels, filters, stride; nil for layers
  /// a topology does not hold.
  private func row(for layer: LayerAnalysis) throws(NetworkError) -> [Int]? {
    switch layer.layer.operation {
    case .convolution:
      guard layer.stride.isSquare else {
        throw NetworkError(
          "stride \(layer.stride) differs between height and width; a SCALE-Sim topology has one stride per layer",
          location: network.origins[layer.name], layer: layer.name, field: "stride")
      }
      let input = layer.inputShape
      guard let height = checkedSum([input.height, layer.padding.top, layer.padding.bottom]),
        let width = checkedSum([input.width, layer.padding.left, layer.padding.right])
      else {
        throw NetworkError("the padded input size overflows a 64-bit count", layer: layer.name, field: "padding")
      }
      return [
        height, width, layer.kernel.height, layer.kernel.width, input.channels / layer.groups,
        layer.outputShape.channels, layer.stride.height,
      ]
    case .fullyConnected:
      guard let features = layer.inputShape.elementCount else { return nil }
      return [1, 1, 1, 1, features, layer.outputShape.channels, 1]
    case .pooling, .globalAveragePool, .add, .concat, .upsample:
      return nil
    }
  }

  /// Names must survive the CSV: no separators, no comment marker, no surrounding spaces.
  private func checkName(_ layer: LayerAnalysis) throws(NetworkError) {
    let name = layer.name
    let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
    guard trimmed == name, !name.contains(where: { $0 == "," || $0 == "#" || $0.isNewline }) else {
      throw NetworkError(
        "the name cannot be written to a SCALE-Sim topology: no commas, '#', line breaks or surrounding spaces",
        location: network.origins[name], layer: name, field: "name")
    }
  }
}
