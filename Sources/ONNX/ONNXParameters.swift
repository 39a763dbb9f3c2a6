import Foundation
import Networks

/// The floating-point parameters of one convolution or fully connected layer of an ONNX model,
/// batch norm and per-channel scales and shifts folded in. Layouts as the fixed-point core takes
/// them: convolution weights [Cout][Cin / group][kH][kW], fully connected [N][K] (inputs in CHW
/// order); one bias per output channel, empty for a layer without one.
public struct ONNXLayerParameters: Hashable, Sendable {
  public var weights: [Float]
  public var bias: [Float]
}

/// How to compute a layer's parameters from the model's constants: its weight (transposed for a
/// `Gemm` without `transB` or a `MatMul`), its bias, then the foldings in graph order.
struct ONNXParameterRecipe: Sendable {
  enum Folding: Sendable {
    /// BatchNormalization: scale, shift, mean, variance per channel, and epsilon.
    case batchNorm(scale: ONNXConstant, shift: ONNXConstant, mean: ONNXConstant, variance: ONNXConstant, epsilon: Double)
    /// An Add of a constant: a shift per channel (or one for all).
    case shift(ONNXConstant)
    /// A Mul by a constant: a scale per channel (or one for all).
    case scale(ONNXConstant)
  }

  var weight: ONNXConstant
  var transpose: Bool
  var bias: ONNXConstant?
  /// Gemm's alpha and beta: Y = alpha * A * B + beta * C.
  var weightScale: Float = 1
  var biasScale: Float = 1
  var foldings: [Folding] = []

  /// The parameters, for a layer of `outputs` channels or features.
  func parameters(outputs: Int, hasBias: Bool, layer: String, file: String) throws(ONNXError) -> ONNXLayerParameters {
    let directory = (file as NSString).deletingLastPathComponent
    func values(_ constant: ONNXConstant, _ what: String) throws(ONNXError) -> [Float] {
      guard let floats = constant.floats(directory: directory.isEmpty ? "." : directory) else {
        throw ONNXError(
          "the values of its \(what) are not in the model (external data missing beside it, or computed by an operator dse does not fold)",
          file: file, node: excerpt(layer))
      }
      return floats
    }
    func perChannel(_ constant: ONNXConstant, _ what: String) throws(ONNXError) -> [Float] {
      let given = try values(constant, what)
      if given.count == outputs { return given }
      if given.count == 1 { return Array(repeating: given[0], count: outputs) }
      throw ONNXError("its \(what) has \(given.count) values for \(outputs) channels", file: file, node: excerpt(layer))
    }
    guard weight.count <= 1 << 30 else {
      throw ONNXError("its weight has \(weight.dims) elements; at most 2^30 are read", file: file, node: excerpt(layer))
    }
    var weights = try values(weight, "weight")
    guard outputs > 0, weights.count % outputs == 0 else {
      throw ONNXError("its weight has \(weights.count) values for \(outputs) outputs", file: file, node: excerpt(layer))
    }
    let perOutput = weights.count / outputs
    if transpose {
      // [K][N] to [N][K].
      var transposed = [Float](repeating: 0, count: weights.count)
      for k in 0..<perOutput { for n in 0..<outputs { transposed[n * perOutput + k] = weights[k * outputs + n] } }
      weights = transposed
    }
    var bias = try bias.map { b throws(ONNXError) in try perChannel(b, "bias") } ?? Array(repeating: 0, count: outputs)
    if weightScale != 1 { weights = weights.map { $0 * weightScale } }
    if biasScale != 1 { bias = bias.map { $0 * biasScale } }
    for folding in foldings {
      var scale = [Float](repeating: 1, count: outputs)
      var shift = [Float](repeating: 0, count: outputs)
      switch folding {
      case .batchNorm(let gamma, let beta, let mean, let variance, let epsilon):
        let (g, b, m, v) = (
          try perChannel(gamma, "batch-norm scale"), try perChannel(beta, "batch-norm bias"),
          try perChannel(mean, "batch-norm mean"), try perChannel(variance, "batch-norm variance")
        )
        for channel in 0..<outputs {
          scale[channel] = g[channel] / Float((Double(v[channel]) + epsilon).squareRoot())
          shift[channel] = b[channel] - m[channel] * scale[channel]
        }
      case .shift(let constant): shift = try perChannel(constant, "shift")
      case .scale(let constant): scale = try perChannel(constant, "scale")
      }
      for channel in 0..<outputs {
        for index in channel * perOutput..<(channel + 1) * perOutput { weights[index] *= scale[channel] }
        bias[channel] = bias[channel] * scale[channel] + shift[channel]
      }
    }
    return ONNXLayerParameters(weights: weights, bias: hasBias ? bias : [])
  }
}

extension ONNXImport {
  /// The parameters of every convolution and fully connected layer, by layer name, decoded from
  /// the model (float32, float16, bfloat16, double and integer initializers; `ConstantOfShape`
  /// fills), batch norm and constant scales and shifts folded in.
  /// - Throws: `ONNXError` naming the layer whose weights the model does not hold.
  public func layerParameters() throws(ONNXError) -> [String: ONNXLayerParameters] {
    var result: [String: ONNXLayerParameters] = [:]
    for layer in network.layers {
      guard let recipe = recipes[layer.name] else { continue }
      switch layer.operation {
      case .convolution(let convolution):
        let outputs = recipe.weight.dims.first ?? 0
        result[layer.name] = try recipe.parameters(outputs: outputs, hasBias: convolution.hasBias, layer: layer.name, file: file)
      case .fullyConnected(let fullyConnected):
        result[layer.name] = try recipe.parameters(
          outputs: fullyConnected.outputFeatures, hasBias: fullyConnected.hasBias, layer: layer.name, file: file)
      default: continue
      }
    }
    return result
  }
}
