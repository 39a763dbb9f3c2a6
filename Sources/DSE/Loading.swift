/// A network file of any format dse reads, by extension: `.yaml`/`.yml`, Darknet `.cfg`,
/// SCALE-Sim `.csv`, and ONNX `.onnx` (docs/onnx.md), with what the ONNX reader had to say.
public struct NetworkFile: Sendable {
  /// The network as the file describes it (inputs resized when `inputSize` was given).
  public var network: Network
  /// Nodes of an ONNX model skipped as unsupported (empty for the other formats).
  public var warnings: [String]
  /// For an ONNX model, one line on the element-wise nodes whose values the network run leaves
  /// out (`ONNXImport.passThroughSummary`); nil when there are none and for the other formats.
  public var passThroughSummary: String?

  /// Reads `path`. `inputSize` sets every input's height and width (for an ONNX model it also
  /// fills the sizes the model leaves open); `skipUnsupported` models ONNX operators dse does
  /// not know as pass-throughs, each with a warning, instead of failing.
  public init(path: String, inputSize: Int? = nil, skipUnsupported: Bool = false) throws(DSEError) {
    if let inputSize, !(1...8192).contains(inputSize) {
      throw DSEError(.invalidArgument, field: "input_size", "\(inputSize): expected a size from 1 to 8192")
    }
    if path.lowercased().hasSuffix(".onnx") {
      do {
        let imported = try ONNXReader.read(file: path, inputSize: inputSize, skipUnsupported: skipUnsupported)
        network = try imported.network.resizingInputs(to: inputSize)
        warnings = imported.warnings
        passThroughSummary = imported.passThroughSummary
      } catch {
        throw DSEError(error, file: path)
      }
      return
    }
    do {
      network = try NetworkFormat.load(path: path).resizingInputs(to: inputSize)
      warnings = []
      passThroughSummary = nil
    } catch {
      throw DSEError(error, file: path)
    }
  }
}

extension NetworkFile {
  /// Whether `path` names a format dse writes (the extension of `.yaml`/`.yml`, `.cfg`, `.csv`,
  /// `.onnx`); the error says which are accepted.
  public static func checkWritable(_ path: String) throws(DSEError) {
    guard !path.lowercased().hasSuffix(".onnx") else { return }
    do {
      _ = try NetworkFormat(path: path)
    } catch {
      throw DSEError(error, file: path)
    }
  }

  /// Writes `network` in the format `path` names, atomically: `.onnx` by `ONNXWriter` with
  /// `onnxWeights`, the others by `NetworkFormat.save`.
  public static func save(_ network: Network, to path: String, onnxWeights: ONNXWriter.Weights = .seeded(1))
    throws(DSEError)
  {
    do {
      if path.lowercased().hasSuffix(".onnx") {
        let data = try ONNXWriter.data(try network.analyze(), weights: onnxWeights)
        try writeBytesAtomically([UInt8](data), to: path)
      } else {
        try NetworkFormat.save(network, to: path)
      }
    } catch {
      throw DSEError(error, file: path)
    }
  }
}

extension NetworkAnalysis {
  /// Reads a network file (`NetworkFile`: `.yaml`/`.yml`, `.cfg`, `.csv`, `.onnx`) and infers
  /// every layer's shapes. `inputSize` sets the height and width of every input (nil: the
  /// file's). Errors name the file, line (or ONNX node) and field at fault; an ONNX reader's
  /// warnings are dropped here (read the file with `NetworkFile` to have them).
  public init(file: String, inputSize: Int? = nil) throws(DSEError) {
    do {
      self = try NetworkFile(path: file, inputSize: inputSize).network.analyze()
    } catch {
      throw DSEError(error, file: file)
    }
  }

  /// Parses a network from `text` in `format`; `name` stands for the file in messages and gives
  /// the network its name when the text has none.
  public init(text: String, format: NetworkFormat, name: String = "<string>", inputSize: Int? = nil) throws(DSEError) {
    do {
      self = try format.parse(text, file: name).resizingInputs(to: inputSize).analyze()
    } catch {
      throw DSEError(error, file: name)
    }
  }
}

extension NetworkFormat {
  /// The format a name stands for: `yaml`, `cfg` or `darknet`, `csv` or `scalesim` (any case).
  public init(name: String) throws(DSEError) {
    switch name.lowercased() {
    case "yaml", "yml": self = .yaml
    case "cfg", "darknet": self = .darknet
    case "csv", "scalesim", "scale-sim": self = .scaleSim
    default:
      throw DSEError(.invalidArgument, field: "format", "unknown network format \(excerpt(name)): accepted: yaml, cfg, csv")
    }
  }
}

extension Network {
  /// The network with every input `side` x `side`, or unchanged when `side` is nil.
  public func resizingInputs(to side: Int?) throws(DSEError) -> Network {
    guard let side else { return self }
    guard (1...8192).contains(side) else {
      throw DSEError(.invalidArgument, field: "input_size", "\(side): expected a size from 1 to 8192")
    }
    var resized = self
    for index in resized.inputs.indices {
      resized.inputs[index].shape.height = side
      resized.inputs[index].shape.width = side
    }
    return resized
  }
}
