import Foundation

/// Runs plans on data: the network quantized (seeded weights, or a Darknet `.weights` file;
/// seeded calibration inputs) and its untiled fixed-point reference computed on a held-out
/// seeded input, once; then each plan's units executed tile by tile on that input, every output
/// compared bit for bit with the reference and every DRAM transfer counted against the model.
public struct Verifier: Sendable {
  /// Where the weights come from.
  public enum Weights: Hashable, Sendable {
    /// Drawn from a seeded generator.
    case seeded
    /// A Darknet `.weights` file, for the network read from the Darknet `.cfg` at `cfg`.
    case darknet(weights: String, cfg: String)
    /// The initializers of the ONNX model the network was read from (batch norm folded).
    case onnx(model: String)
  }

  /// The network the plans must be of.
  public let network: NetworkAnalysis
  let study: QuantizationStudy
  let input: [String: FloatBlock]
  let reference: [String: IntegerBlock]
  /// Seconds taken by quantization and the reference run.
  public let seconds: Double

  /// Quantizes `network` with `calibration` seeded inputs and runs its reference. Throws before
  /// drawing any weight when the network is past the limits of runs on data (docs/limits.md).
  public init(_ network: NetworkAnalysis, weights: Weights = .seeded, seed: UInt64 = 1, calibration: Int = 2) throws(DSEError) {
    let started = Date()
    guard (1...1000).contains(calibration) else {
      throw DSEError(.invalidArgument, field: "calibration", "\(calibration): expected a number of images from 1 to 1000")
    }
    self.network = network
    do {
      try ExecutionLimits.check(network)
      let parameters: NetworkWeights
      switch weights {
      case .seeded: parameters = NetworkWeights.seeded(network, seed: seed)
      case .darknet(let file, let cfg): parameters = try DarknetWeights.read(weightsPath: file, cfgPath: cfg, analysis: network)
      case .onnx(let model): parameters = try Self.onnxWeights(model, for: network)
      }
      study = try QuantizationStudy(network, weights: parameters, options: .init(calibrationCount: calibration, seed: seed))
      input = SeededInputs.image(network.network, seed: seed, index: 0)
      reference = try FixedPointNetwork.run(network, quantization: study.quantization, inputs: input)
    } catch {
      throw DSEError(error, file: network.network.sourceFile)
    }
    seconds = Date().timeIntervalSince(started)
  }

  /// The parameters of `model` for `network` (read from it, perhaps at another input size):
  /// every layer with weights must find them, with the counts its shapes give.
  package static func onnxWeights(_ model: String, for network: NetworkAnalysis) throws(DSEError) -> NetworkWeights {
    let side = network.network.inputs.first?.shape.height
    let parameters: [String: ONNXLayerParameters]
    do {
      parameters = try ONNXReader.read(file: model, inputSize: side, skipUnsupported: true).layerParameters()
    } catch {
      throw DSEError(error)
    }
    var layers: [String: LayerWeights] = [:]
    for layer in network.layers where layer.weightCount > 0 {
      guard let found = parameters[layer.name], found.weights.count == layer.weightCount,
        found.bias.count == layer.biasCount
      else {
        throw DSEError(
          .invalidInput, file: model, field: "layer \(excerpt(layer.name))",
          "the model holds no weights of \(layer.weightCount) and biases of \(layer.biasCount) for this layer")
      }
      layers[layer.name] = LayerWeights(weights: found.weights, bias: found.bias)
    }
    return NetworkWeights(layers: layers)
  }

  /// Executes every unit of every plan tile by tile (a unit two plans share runs once). A plan
  /// that is not bit-exact or whose transfers differ from the model is reported, not thrown:
  /// see `PlanVerification.passed`.
  public func verify(_ plans: [Plan]) throws(DSEError) -> [PlanVerification] {
    // Plans of different psum widths execute with their own widths; results go back to each
    // plan's place in the caller's order.
    var verifications = [PlanVerification?](repeating: nil, count: plans.count)
    for width in Set(plans.map(\.psumWidth)).sorted() {
      let group = plans.indices.filter { plans[$0].psumWidth == width }
      do {
        let results = try PlanVerification.verify(
          group.map { plans[$0].record.plan }, analysis: network, quantization: study.quantization, inputs: input,
          reference: reference, psumWidth: width)
        for (index, result) in zip(group, results) { verifications[index] = result }
      } catch {
        throw DSEError(error, file: network.network.sourceFile)
      }
    }
    return verifications.compactMap { $0 }
  }

  /// Executes one plan (`verify(_:)` of one).
  public func verify(_ plan: Plan) throws(DSEError) -> PlanVerification {
    let results = try verify([plan])
    guard let result = results.first else { throw DSEError(.verification, "no verification was made") }
    return result
  }
}
