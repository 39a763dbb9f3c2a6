import Foundation

/// The sections of a Darknet cfg that own weights in a `.weights` file, in file order.
///
/// The network model drops `batch_normalize` (batch norm is folded into a bias), but the
/// file layout depends on it, so the cfg text is read again here. Only what the weights layout
/// needs is read; the Networks reader has already checked the rest. Its cfg parser is internal
/// to that module, hence this small scan of the same syntax (`[section]`, `key=value`,
/// `#`/`;` comments).
struct DarknetCfgLayer: Hashable, Sendable {
  enum Kind: Hashable, Sendable { case convolutional, connected }

  var kind: Kind
  /// Darknet's layer index: the section's position after [net], from 0.
  var index: Int
  var line: Int
  var batchNormalize: Bool
  /// `filters` or `output`, and for convolutions `size` and `groups` (Darknet's defaults: 1).
  var outputs: Int
  var size: Int
  var groups: Int

  /// The layer name the Networks Darknet reader gives this section (`conv3`, `fc7`).
  var name: String { (kind == .convolutional ? "conv" : "fc") + String(index) }
}

enum DarknetCfgLayers {
  /// Sections Darknet loads weights for that this reader does not (parser.c, load_weights_upto).
  private static let unsupportedWeighted: Set<String> = [
    "local", "batchnorm", "rnn", "gru", "lstm", "crnn", "conv_lstm", "deconv", "deconvolutional",
  ]

  static func scan(_ text: String, file: String) throws(DarknetWeightsError) -> [DarknetCfgLayer] {
    var layers: [DarknetCfgLayer] = []
    var sections: [(header: String, line: Int, keys: [String: String])] = []
    let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
    for (offset, raw) in lines.enumerated() {
      var line = Substring(raw)
      if let comment = line.firstIndex(where: { $0 == "#" || $0 == ";" }) { line = line[..<comment] }
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if trimmed.isEmpty { continue }
      if trimmed.hasPrefix("[") {
        let header = trimmed.dropFirst().prefix { $0 != "]" }.trimmingCharacters(in: .whitespaces).lowercased()
        sections.append((header, offset + 1, [:]))
      } else if let equals = trimmed.firstIndex(of: "="), !sections.isEmpty {
        let key = trimmed[..<equals].trimmingCharacters(in: .whitespaces)
        sections[sections.count - 1].keys[key] = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespaces)
      }
    }
    guard let first = sections.first, first.header == "net" || first.header == "network" else {
      throw .cfgMismatch(file: file, line: sections.first?.line, message: "a Darknet cfg starts with [net]")
    }
    for (index, section) in sections.dropFirst().enumerated() {
      let kind: DarknetCfgLayer.Kind
      switch section.header {
      case "convolutional", "conv": kind = .convolutional
      case "connected", "conn": kind = .connected
      case let header where unsupportedWeighted.contains(header):
        throw .unsupported(file: file, line: section.line, message: "[\(header)] layers have weights this reader does not load")
      default: continue
      }
      for key in ["dontload", "dontloadscales", "flipped", "share_index", "numload"] {
        // share_index=0 names layer 0; the others are flags or counts where 0 means unset.
        guard let value = section.keys[key], key == "share_index" || (Int(value) ?? 1) != 0 else { continue }
        throw .unsupported(
          file: file, line: section.line,
          message: "[\(section.header)] sets '\(key)', which changes what Darknet reads for the layer; not supported")
      }
      func int(_ key: String, _ fallback: Int) -> Int { section.keys[key].flatMap { Int($0) } ?? fallback }
      layers.append(
        DarknetCfgLayer(
          kind: kind, index: index, line: section.line, batchNormalize: int("batch_normalize", 0) != 0,
          outputs: int(kind == .convolutional ? "filters" : "output", 1), size: int("size", 1), groups: int("groups", 1)))
    }
    return layers
  }
}
