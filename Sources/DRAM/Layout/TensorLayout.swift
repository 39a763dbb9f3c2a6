import Tiling

/// The order of a tensor's elements in DRAM: activations (and partial sums) NCHW or NHWC,
/// weights OIHW or HWIO, the first letter outermost (the batch is 1).
public struct TensorLayout: Hashable, Sendable, Codable, CustomStringConvertible {
  /// How activations and partial sums are laid out.
  public enum Activations: String, Hashable, Sendable, Codable, CaseIterable {
    /// Channel-major: each channel's rows one after the other (PyTorch, ONNX, Darknet).
    case nchw
    /// Pixel-major: all channels of a pixel together (TensorFlow, most accelerators' DMA).
    case nhwc
  }

  /// How weights are laid out.
  public enum Weights: String, Hashable, Sendable, Codable, CaseIterable {
    /// Output channel, input channel, kernel row, kernel column (PyTorch, ONNX).
    case oihw
    /// Kernel row, kernel column, input channel, output channel (TensorFlow).
    case hwio
  }

  public var activations: Activations
  public var weights: Weights

  /// A layout; NCHW and OIHW by default.
  public init(activations: Activations = .nchw, weights: Weights = .oihw) {
    self.activations = activations
    self.weights = weights
  }

  /// Parses `nchw`, `nhwc`, `oihw`, `hwio`, or one of each joined by a comma (`nhwc,hwio`); a
  /// part not named keeps its default.
  public init(parsing text: String) throws(DRAMError) {
    self.init()
    var seen: Set<String> = []
    for part in text.split(separator: ",", omittingEmptySubsequences: false).map({ $0.lowercased() }) {
      if let layout = Activations(rawValue: part), seen.insert("activations").inserted {
        activations = layout
      } else if let layout = Weights(rawValue: part), seen.insert("weights").inserted {
        weights = layout
      } else {
        throw DRAMError(
          "'\(text)' is not a layout; expected nchw or nhwc for activations, oihw or hwio for weights, or one of each (nhwc,hwio)",
          field: "layout")
      }
    }
  }

  /// `nchw,oihw`.
  public var description: String { "\(activations.rawValue),\(weights.rawValue)" }

  /// The tensor's axes (`c h w` or `co ci kh kw`, as the walks name them) in memory order,
  /// outermost first.
  public func order(for role: DRAMTensor.Role) -> [Int] {
    switch role {
    case .activations, .partialSums: return activations == .nchw ? [0, 1, 2] : [1, 2, 0]
    case .weights: return weights == .oihw ? [0, 1, 2, 3] : [2, 3, 1, 0]
    }
  }
}
