/// Why a network cannot be quantized or run in fixed point; names the layer at fault.
package struct FixedPointError: Error, CustomStringConvertible, Sendable, Equatable {
  package var description: String

  package init(_ description: String) { self.description = description }

  /// Layers with 1-bit weights and activations are XNOR-popcount layers with kernels of their own.
  static func binarized(_ layer: String) -> FixedPointError {
    FixedPointError(
      "layer '\(layer)': binarized layers (1-bit weights and activations) run through FixedPoint/Binary (not wired in yet)")
  }
}
