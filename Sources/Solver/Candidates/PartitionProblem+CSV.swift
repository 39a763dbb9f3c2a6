import Foundation

/// The candidates of partition problems as CSV (`results/<network>-candidates.csv`): what the
/// optimizer chose from, one row per candidate, so that the choice can be re-solved and
/// checked without searching again.
extension PartitionProblem {
  package static let csvHeader = [
    "network", "buffer_entries", "layer_count", "pruned", "first", "end", "first_layer", "last_layer", "dram_bits",
    "dram_traffic", "macs", "extra_macs",
  ]

  /// Rows of `problems`, header first. Layer names are quoted when they need it.
  package static func csv(_ problems: [PartitionProblem]) -> String {
    var lines = [csvHeader.joined(separator: ",")]
    for problem in problems {
      for candidate in problem.candidates {
        let fields = [
          quoted(problem.network), String(problem.buffer), String(problem.layerCount), prunedField(problem.prunedAbove),
          String(candidate.layers.lowerBound), String(candidate.layers.upperBound),
          quoted(problem.layerNames[candidate.layers.lowerBound]), quoted(problem.layerNames[candidate.layers.upperBound - 1]),
          String(candidate.bits), String(candidate.traffic), String(candidate.macs), String(candidate.extraMACs),
        ]
        lines.append(fields.joined(separator: ","))
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// Reads what `csv` wrote: one problem per (network, buffer size), in file order. Layer names
  /// are not kept (only the first and last of each candidate are written): a layer is named by index.
  package static func parse(csv text: String, file: String) throws(CandidateFileError) -> [PartitionProblem] {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if lines.last == "" { lines.removeLast() }
    guard let header = lines.first, splitFields(header) == csvHeader else {
      throw CandidateFileError(file: file, line: 1, message: "expected the header \(csvHeader.joined(separator: ","))")
    }
    var problems: [PartitionProblem] = []
    for (offset, line) in lines.dropFirst().enumerated() {
      let number = offset + 2
      let fields = splitFields(line)
      guard fields.count == csvHeader.count else {
        throw CandidateFileError(file: file, line: number, message: "expected \(csvHeader.count) fields, found \(fields.count)")
      }
      func integer(_ column: String) throws(CandidateFileError) -> Int {
        let index = csvHeader.firstIndex(of: column) ?? 0
        guard let value = Int(fields[index]), value >= 0 else {
          throw CandidateFileError(file: file, line: number, message: "field '\(column)': expected an integer >= 0, found '\(fields[index])'")
        }
        return value
      }
      let buffer = try integer("buffer_entries")
      let layerCount = try integer("layer_count")
      let first = try integer("first")
      let end = try integer("end")
      guard first < end, end <= layerCount else {
        throw CandidateFileError(file: file, line: number, message: "layers \(first)..<\(end) outside 0..<\(layerCount)")
      }
      guard let prunedAbove = prunedAbove(fields[3]) else {
        throw CandidateFileError(
          file: file, line: number, message: "field 'pruned': expected no, yes or above-N-stages, found '\(fields[3])'")
      }
      let candidate = CandidateFigures(
        layers: first..<end, bits: try integer("dram_bits"), traffic: try integer("dram_traffic"), macs: try integer("macs"),
        extraMACs: try integer("extra_macs"))
      let network = fields[0]
      if let last = problems.last, last.network == network, last.buffer == buffer {
        guard last.layerCount == layerCount else {
          throw CandidateFileError(file: file, line: number, message: "layer_count \(layerCount) differs from the earlier rows' \(last.layerCount)")
        }
        problems[problems.count - 1].candidates.append(candidate)
      } else {
        problems.append(
          PartitionProblem(
            network: network, buffer: buffer, layerNames: (0..<layerCount).map { "layer \($0)" }, candidates: [candidate],
            prunedAbove: prunedAbove))
      }
    }
    return problems
  }

  /// The `pruned` field: "no" (nothing left out), "yes" (every losing segment left out) or
  /// "above-N-stages" (losing segments of more than N stages left out).
  private static func prunedField(_ prunedAbove: Int) -> String {
    switch prunedAbove {
    case .max: "no"
    case CandidateOptions.everyLosing: "yes"
    default: "above-\(prunedAbove)-stages"
    }
  }

  private static func prunedAbove(_ field: String) -> Int? {
    switch field {
    case "no": return .max
    case "yes": return CandidateOptions.everyLosing
    default:
      guard field.hasPrefix("above-"), field.hasSuffix("-stages"),
        let stages = Int(field.dropFirst("above-".count).dropLast("-stages".count)), stages > 0
      else { return nil }
      return stages
    }
  }

  private static func quoted(_ field: String) -> String {
    guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return field }
    return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  /// Splits one CSV line, honouring double quotes.
  private static func splitFields(_ line: String) -> [String] {
    var fields: [String] = []
    var current = ""
    var inQuotes = false
    var characters = line.makeIterator()
    while let character = characters.next() {
      switch (character, inQuotes) {
      case ("\"", true):
        // A doubled quote inside quotes is a literal quote.
        var lookahead = characters
        if lookahead.next() == "\"" {
          current.append("\"")
          characters = lookahead
        } else {
          inQuotes = false
        }
      case ("\"", false) where current.isEmpty: inQuotes = true
      case (",", false):
        fields.append(current)
        current = ""
      default: current.append(character)
      }
    }
    fields.append(current)
    return fields
  }
}

/// A candidate file that cannot be read: where, and what is wrong.
package struct CandidateFileError: Error, Hashable, Sendable, CustomStringConvertible {
  package var file: String
  package var line: Int
  package var message: String

  package var description: String { "\(file):\(line): \(message)" }
}
