import Networks

/// The layer table of `dse show`: one row per layer with shapes, GEMM view, MACs and
/// parameters, and network totals, as text, CSV or JSON.
public struct NetworkSummary: Sendable {
  public let analysis: NetworkAnalysis

  public init(_ analysis: NetworkAnalysis) { self.analysis = analysis }

  static let header = [
    "name", "op", "input", "output", "kernel", "stride", "groups", "gemm_m", "gemm_k", "gemm_n", "macs", "params", "bits",
  ]

  private func cells(_ layer: LayerAnalysis) -> [String] {
    let gemm = layer.gemm
    return [
      layer.name, layer.kind.rawValue, layer.inputShapes.map(\.description).joined(separator: "+"),
      layer.outputShape.description, layer.kernel.description, layer.stride.description, String(layer.groups),
      gemm.map { String($0.m) } ?? "", gemm.map { String($0.k) } ?? "", gemm.map { String($0.n) } ?? "",
      String(layer.macs), String(layer.parameterCount), layer.layer.precision.description,
    ]
  }

  public func table() -> String {
    let table = TextTable(header: Self.header, rows: analysis.layers.map(cells), leftAligned: [0, 1, 2, 3])
    let totals =
      "\(analysis.network.name): \(analysis.layers.count) layers, \(humanCount(analysis.totalMACs)) MACs "
      + "(\(analysis.totalMACs)), \(humanCount(analysis.totalParameters)) parameters (\(analysis.totalParameters))\n"
    return table.rendered() + totals
  }

  public func csv() -> String {
    CSV.render(header: Self.header, rows: analysis.layers.map(cells))
  }

  public func json() -> JSONValue {
    .object([
      ("network", .string(analysis.network.name)),
      ("layers", .array(analysis.layers.map(layerJSON))),
      (
        "totals",
        .object([
          ("macs", .int(analysis.totalMACs)), ("params", .int(analysis.totalParameters)),
          ("layers", .int(analysis.layers.count)), ("activations", .int(analysis.totalActivations)),
        ])
      ),
    ])
  }

  private func layerJSON(_ layer: LayerAnalysis) -> JSONValue {
    .object([
      ("name", .string(layer.name)),
      ("op", .string(layer.kind.rawValue)),
      ("inputs", .array(layer.layer.inputs.map(JSONValue.string))),
      ("input", shapeJSON(layer.inputShape)),
      ("output", shapeJSON(layer.outputShape)),
      ("kernel", extentJSON(layer.kernel)),
      ("stride", extentJSON(layer.stride)),
      ("groups", .int(layer.groups)),
      ("gemm", layer.gemm.map { .object([("m", .int($0.m)), ("k", .int($0.k)), ("n", .int($0.n))]) } ?? .null),
      ("macs", .int(layer.macs)),
      ("params", .int(layer.parameterCount)),
      ("activation", .string(layer.layer.activation.rawValue)),
      (
        "bits",
        .object([
          ("weights", .int(layer.layer.precision.weightBits)),
          ("activations", .int(layer.layer.precision.activationBits)),
        ])
      ),
    ])
  }

  private func shapeJSON(_ shape: TensorShape) -> JSONValue {
    .array([.int(shape.channels), .int(shape.height), .int(shape.width)])
  }

  private func extentJSON(_ extent: Extent2D) -> JSONValue {
    extent.isSquare ? .int(extent.height) : .array([.int(extent.height), .int(extent.width)])
  }
}

/// A count with an SI suffix and three significant digits: 300.8M, 4.09G.
public func humanCount(_ value: Int) -> String {
  let units: [(Double, String)] = [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "K")]
  let number = Double(value)
  for (scale, suffix) in units where abs(number) >= scale {
    let scaled = number / scale
    let decimals = scaled >= 100 ? 1 : (scaled >= 10 ? 2 : 3)
    return formatFixed(scaled, decimals: decimals) + suffix
  }
  return String(value)
}

/// `value` with exactly `decimals` digits after the point, without Foundation's locale.
/// Values past 2^53 (no exact fraction left) or not finite print as Swift prints a Double.
public func formatFixed(_ value: Double, decimals: Int) -> String {
  var scale = 1.0
  for _ in 0..<decimals { scale *= 10 }
  guard value.isFinite, abs(value) < 0x1p53, abs(value) * scale < 0x1p62 else { return "\(value)" }
  let scaled = (abs(value) * scale).rounded()
  let whole = Int(scaled / scale)
  let fraction = Int(scaled - Double(whole) * scale)
  let sign = value < 0 && scaled > 0 ? "-" : ""
  guard decimals > 0 else { return sign + String(whole) }
  let digits = String(fraction)
  return sign + String(whole) + "." + String(repeating: "0", count: decimals - digits.count) + digits
}
