import Foundation
import Networks

/// Reads Darknet `.weights` files into `NetworkWeights`, batch norm folded.
///
/// **Layout** (pjreddie/darknet and AlexeyAB/darknet src/parser.c, `load_weights_upto`): a
/// `DarknetWeightsHeader`, then for each weighted cfg section in order, float32 little-endian:
/// - [convolutional]: biases[n]; if batch_normalize: scales[n], rolling_mean[n],
///   rolling_variance[n]; then weights[n][c/groups][size][size];
/// - [connected]: biases[out]; weights[out][in] ([in][out] when the header's
///   `transposesConnected`, which is transposed back here); if batch_normalize: scales,
///   rolling_mean, rolling_variance [out].
/// Route, shortcut, maxpool, upsample, yolo and the other sections the Networks reader accepts
/// own no weights. Sections Darknet loads weights for but this reader does not ([local],
/// [batchnorm], recurrent layers, [deconvolutional]) and per-layer keys that change what is read
/// (dontload, dontloadscales, flipped, share_index, numload) are reported as unsupported.
///
/// **Batch norm.** Darknet computes y = scale * (x - mean) / std + bias, so with
/// f = scale / std: w' = w * f and b' = bias - mean * f (the cfg bias is the BN shift, added
/// after scaling, not before). std is sqrt(variance + 0.00001) by default, as in pjreddie's
/// GPU `normalize_kernel` (blas_kernels.cu) and AlexeyAB's `normalize_cpu` and
/// `fuse_conv_batchnorm`; pjreddie's CPU `normalize_cpu` (blas.c) uses sqrt(variance) +
/// 0.000001 instead (`BatchNormEpsilon.outsideSquareRoot`). Folding is done in Double, as
/// AlexeyAB's `fuse_conv_batchnorm` does.
///
/// **Matching.** The network does not keep `batch_normalize`, so the cfg text is read again
/// and its weighted sections are paired with the analysis layers by the names the Darknet cfg
/// reader gives them (`conv<index>`, `fc<index>`, index = section position after [net]).
///
/// **Extra bytes.** Darknet ignores bytes after the last layer; here they are an error unless
/// `Options.allowTrailingBytes`, because extra weights usually mean the file belongs to
/// another cfg (e.g. a different class count that happens to be larger).
package enum DarknetWeights {
  package enum BatchNormEpsilon: Hashable, Sendable {
    /// std = sqrt(variance + 0.00001).
    case insideSquareRoot
    /// std = sqrt(variance) + 0.000001 (pjreddie/darknet blas.c `normalize_cpu`).
    case outsideSquareRoot

    func standardDeviation(_ variance: Double) -> Double {
      switch self {
      case .insideSquareRoot: return (variance + 0.00001).squareRoot()
      case .outsideSquareRoot: return variance.squareRoot() + 0.000001
      }
    }
  }

  package struct Options: Hashable, Sendable {
    package var epsilon: BatchNormEpsilon
    package var allowTrailingBytes: Bool

    package init(epsilon: BatchNormEpsilon = .insideSquareRoot, allowTrailingBytes: Bool = false) {
      self.epsilon = epsilon
      self.allowTrailingBytes = allowTrailingBytes
    }
  }

  /// Reads the weights file at `weightsPath` for the cfg at `cfgPath`, whose analysis is `analysis`.
  package static func read(
    weightsPath: String, cfgPath: String, analysis: NetworkAnalysis, options: Options = Options()
  ) throws(DarknetWeightsError) -> NetworkWeights {
    let cfg = try contents(of: cfgPath)
    let weights = try contents(of: weightsPath)
    guard let text = String(data: cfg, encoding: .utf8) else {
      throw .unreadable(path: cfgPath, reason: "the cfg is not UTF-8 text")
    }
    return try read(weights: weights, cfg: text, analysis: analysis, options: options, file: weightsPath, cfgFile: cfgPath)
  }

  /// Reads weights from `weights` (the bytes of a `.weights` file) for the cfg text `cfg`;
  /// `file` and `cfgFile` name them in errors.
  package static func read(
    weights: Data, cfg: String, analysis: NetworkAnalysis, options: Options = Options(),
    file: String = "<weights>", cfgFile: String = "<cfg>"
  ) throws(DarknetWeightsError) -> NetworkWeights {
    let plan = try DarknetWeightsPlan(cfg: cfg, analysis: analysis, file: cfgFile)
    let header = try DarknetWeightsHeader.read(Array(weights.prefix(20)), file: file)
    var offset = header.byteCount
    for layer in plan.layers {
      let needed = layer.floatCount * 4
      guard weights.count - offset >= needed else {
        throw .shortFile(
          file: file, layer: layer.name, offset: offset, expectedBytes: needed, foundBytes: weights.count - offset)
      }
      offset += needed
    }
    if offset < weights.count && !options.allowTrailingBytes {
      throw .trailingBytes(file: file, consumedBytes: offset, extraBytes: weights.count - offset)
    }
    // Every size is checked above, so the loads below stay inside the buffer.
    return weights.withUnsafeBytes { raw in
      var cursor = header.byteCount
      func next(_ count: Int) -> [Float] {
        defer { cursor += count * 4 }
        return (0..<count).map { index in
          Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: cursor + index * 4, as: UInt32.self)))
        }
      }
      var layers: [String: LayerWeights] = [:]
      for layer in plan.layers {
        layers[layer.name] = layer.read(next, transposed: header.transposesConnected, epsilon: options.epsilon)
      }
      return NetworkWeights(layers: layers)
    }
  }

  /// The float32 values a weights file for this cfg holds after its header.
  package static func expectedFloatCount(cfg: String, analysis: NetworkAnalysis, cfgFile: String = "<cfg>")
    throws(DarknetWeightsError) -> Int
  {
    try DarknetWeightsPlan(cfg: cfg, analysis: analysis, file: cfgFile).layers.reduce(0) { $0 + $1.floatCount }
  }

  private static func contents(of path: String) throws(DarknetWeightsError) -> Data {
    guard FileManager.default.fileExists(atPath: path) else { throw .fileMissing(path: path) }
    do {
      return try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
    } catch {
      throw .unreadable(path: path, reason: error.localizedDescription)
    }
  }
}
