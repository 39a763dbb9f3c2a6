import Foundation
import Networks

/// Per-layer quantization error by bit width, read from a CSV file `layer,bits,error` (one row per
/// layer and width; `dse quantize` will write it). Errors add up over layers: use an additive
/// measure such as the noise power of the layer's output relative to its signal power.
public struct ErrorTable: Hashable, Sendable {
  /// Error of each layer (by name) at each width.
  public var errors: [String: [Int: Double]]

  public init(errors: [String: [Int: Double]]) { self.errors = errors }

  public static func parse(csv text: String, file: String) throws(OptimizationError) -> ErrorTable {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
      $0.trimmingCharacters(in: .whitespaces)
    }
    while lines.last == "" { lines.removeLast() }
    guard lines.first?.replacingOccurrences(of: " ", with: "") == "layer,bits,error" else {
      throw OptimizationError(description: "\(file):1: expected the header layer,bits,error")
    }
    var errors: [String: [Int: Double]] = [:]
    for (offset, line) in lines.enumerated().dropFirst() where !line.isEmpty && !line.hasPrefix("#") {
      let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
      let at = "\(file):\(offset + 1)"
      guard fields.count == 3 else { throw OptimizationError(description: "\(at): expected 3 fields (layer,bits,error), found \(fields.count)") }
      guard let bits = Int(fields[1]), (1...16).contains(bits) else {
        throw OptimizationError(description: "\(at): field 'bits': expected a width from 1 to 16, found '\(fields[1])'")
      }
      guard let error = Double(fields[2]), error.isFinite, error >= 0 else {
        throw OptimizationError(description: "\(at): field 'error': expected a number >= 0, found '\(fields[2])'")
      }
      guard errors[fields[0]]?[bits] == nil else {
        throw OptimizationError(description: "\(at): layer '\(fields[0])' at \(bits) bits is listed twice")
      }
      errors[fields[0], default: [:]][bits] = error
    }
    return ErrorTable(errors: errors)
  }
}

/// The bit-width choice of the MILP: each layer in the error table takes one of `widths` for its
/// weights and output activations; the summed error stays within `budget`. Layers not in the
/// table keep their declared widths and add no error.
public struct WidthChoices: Hashable, Sendable {
  /// Error of each choosing layer (by index) at each allowed width.
  public var errors: [Int: [Int: Double]]
  public var budget: Double
  /// Declared widths of every layer, used for layers without a choice.
  public var declared: [Precision]

  public init(errors: [Int: [Int: Double]], budget: Double, declared: [Precision]) {
    self.errors = errors
    self.budget = budget
    self.declared = declared
  }

  /// The choices of `analysis` from a table; every layer the table names must exist and have a
  /// row for every allowed width.
  public init(table: ErrorTable, widths: [Int], budget: Double, analysis: NetworkAnalysis, file: String) throws(OptimizationError) {
    var errors: [Int: [Int: Double]] = [:]
    for (name, rows) in table.errors.sorted(by: { $0.key < $1.key }) {
      guard let index = analysis.layerIndex(named: name) else {
        throw OptimizationError(description: "\(file): layer '\(name)' is not in network \(analysis.network.name)")
      }
      for width in widths where rows[width] == nil {
        throw OptimizationError(
          description: "\(file): layer '\(name)' has no row for \(width) bits (--widths \(widths.map(String.init).joined(separator: ",")))")
      }
      errors[index] = rows.filter { widths.contains($0.key) }
    }
    self.init(errors: errors, budget: budget, declared: analysis.layers.map(\.layer.precision))
  }

  /// Widths a layer may take, narrowest first (empty: declared widths).
  func choices(_ layer: Int) -> [Int] { errors[layer].map { $0.keys.sorted() } ?? [] }

  /// The width of an owner's entries under `chosen` (layer -> width).
  func width(of owner: TensorTraffic.Owner, chosen: [Int: Int]) -> Int {
    switch owner {
    case .weights(let layer): return chosen[layer] ?? declared[layer].weightBits
    case .activations(let layer): return chosen[layer] ?? declared[layer].activationBits
    case .input(let bits): return bits
    }
  }
}
