import Foundation

/// Parses SCALE-Sim topology text; see `ScaleSimTopology.read`.
struct ScaleSimReader {
  let file: String

  /// One data row, its values checked.
  private struct Row {
    var name: String
    var ifmap: Extent2D
    var filter: Extent2D
    var channels: Int
    var filters: Int
    var stride: Extent2D
    var line: Int
  }

  func read(_ text: String) throws(NetworkError) -> Network {
    // `isNewline` also splits "\r\n", which Swift keeps as a single Character.
    let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
    var columnCount: Int?
    var rows: [Row] = []
    for (index, rawLine) in lines.enumerated() {
      let lineNumber = index + 1
      let fields = Self.fields(of: String(rawLine))
      guard !fields.isEmpty else { continue }
      guard let expected = columnCount else {
        columnCount = try header(fields, line: lineNumber)
        continue
      }
      rows.append(try row(fields, columns: expected, line: lineNumber))
    }
    guard columnCount != nil else {
      throw NetworkError(
        "missing header: a topology starts with '\(ScaleSimTopology.columns.joined(separator: ", ")),'",
        location: FileLocation(file: file, line: lines.isEmpty ? nil : 1))
    }
    guard !rows.isEmpty else {
      throw NetworkError("the topology has a header but no layers", location: FileLocation(file: file))
    }
    return try network(from: rows)
  }

  /// The trimmed comma-separated values of a line, without its comment and trailing empty
  /// values (the trailing comma SCALE-Sim writes). Empty for blank and all-comma lines.
  static func fields(of line: String) -> [String] {
    let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
    var fields = content.split(separator: ",", omittingEmptySubsequences: false).map {
      $0.trimmingCharacters(in: .whitespacesAndNewlines)
    }
    while fields.last?.isEmpty == true { fields.removeLast() }
    return fields
  }

  /// Checks the header line and returns how many columns rows have (8, or 9 with a stride width).
  private func header(_ fields: [String], line: Int) throws(NetworkError) -> Int {
    let location = FileLocation(file: file, line: line)
    guard fields[0].lowercased() == ScaleSimTopology.columns[0].lowercased() else {
      throw NetworkError(
        "missing header: expected '\(ScaleSimTopology.columns.joined(separator: ", ")),' before the first layer, found \(excerpt(fields.joined(separator: ", ")))",
        location: location)
    }
    let classic = ScaleSimTopology.columns.count
    guard fields.count == classic || fields.count == classic + 1 else {
      throw NetworkError(
        "the header has \(fields.count) columns; expected \(classic) (\(ScaleSimTopology.columns.joined(separator: ", "))) or \(classic + 1) (with \(excerpt(ScaleSimTopology.strideWidthColumn)))",
        location: location)
    }
    return fields.count
  }

  private func row(_ fields: [String], columns: Int, line: Int) throws(NetworkError) -> Row {
    let location = FileLocation(file: file, line: line)
    let names = ScaleSimTopology.columns + [ScaleSimTopology.strideWidthColumn]
    let name = fields[0]
    guard !name.isEmpty else {
      throw NetworkError("the layer name is empty", location: location, field: names[0])
    }
    guard fields.count == columns else {
      if fields.count < columns {
        let missing = names[fields.count..<columns].joined(separator: ", ")
        throw NetworkError(
          "expected \(columns) values, found \(fields.count): missing \(missing)", location: location, layer: name,
          field: names[fields.count])
      }
      throw NetworkError(
        "expected \(columns) values, found \(fields.count): \(excerpt(fields[columns])) follows the last column, \(names[columns - 1])",
        location: location, layer: name)
    }
    var values: [Int] = []
    for column in 1..<columns {
      guard let value = Int(fields[column]) else {
        throw NetworkError(
          "\(excerpt(fields[column])) is not an integer", location: location, layer: name, field: names[column])
      }
      guard value >= 1, value <= Limits.extent else {
        throw NetworkError(
          "expected an integer from 1 to \(Limits.describe(Limits.extent)), found \(value)", location: location, layer: name,
          field: names[column])
      }
      values.append(value)
    }
    let ifmap = Extent2D(height: values[0], width: values[1])
    let filter = Extent2D(height: values[2], width: values[3])
    for (axis, column) in [("height", 3), ("width", 4)] {
      let (size, kernel) = axis == "height" ? (ifmap.height, filter.height) : (ifmap.width, filter.width)
      guard kernel <= size else {
        throw NetworkError(
          "the filter \(axis) \(kernel) is larger than the IFMAP \(axis) \(size) (IFMAP sizes include any padding)",
          location: location, layer: name, field: names[column])
      }
    }
    let stride = Extent2D(height: values[6], width: columns > ScaleSimTopology.columns.count ? values[7] : values[6])
    return Row(
      name: name, ifmap: ifmap, filter: filter, channels: values[4], filters: values[5], stride: stride, line: line)
  }

  private func network(from rows: [Row]) throws(NetworkError) -> Network {
    var network = Network(name: Network.defaultName(forFile: file), inputs: [], layers: [])
    var taken: [String: Int] = [:]
    for row in rows {
      let inputName = "\(row.name).ifmap"
      for name in [row.name, inputName] {
        if let previous = taken[name] {
          throw NetworkError(
            "duplicate name: line \(previous) already defines \(excerpt(name))", location: FileLocation(file: file, line: row.line),
            layer: row.name, field: ScaleSimTopology.columns[0])
        }
        taken[name] = row.line
      }
      let location = FileLocation(file: file, line: row.line)
      network.inputs.append(
        NetworkInput(
          name: inputName, shape: TensorShape(channels: row.channels, height: row.ifmap.height, width: row.ifmap.width)))
      let convolution = Convolution(
        outputChannels: .absolute(row.filters), kernel: row.filter, stride: row.stride, hasBias: false)
      network.layers.append(Layer(name: row.name, operation: .convolution(convolution), inputs: [inputName]))
      network.origins[row.name] = location
      network.origins[inputName] = location
    }
    do {
      _ = try network.analyze()
    } catch {
      // Inputs are checked before layers and carry no location of their own.
      throw error.located(FileLocation(file: file))
    }
    return network
  }
}
