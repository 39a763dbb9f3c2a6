extension NetworkAnalysis {
  /// Reads a network file (`.yaml`/`.yml`, Darknet `.cfg`, SCALE-Sim `.csv`, by extension) and
  /// infers every layer's shapes. `inputSize` sets the height and width of every input (nil:
  /// the file's). Errors name the file, line and field at fault.
  public init(file: String, inputSize: Int? = nil) throws(DSEError) {
    do {
      self = try NetworkFormat.load(path: file).resizingInputs(to: inputSize).analyze()
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
