import ArgumentParser
import DSE
import Foundation

@main
struct DSECommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dse",
    abstract: "Design-space exploration of tiling, loop order and fusion for CNN inference accelerators.",
    discussion: """
      Networks are read from YAML (.yaml, the native format), Darknet (.cfg), SCALE-Sim topology (.csv) or \
      ONNX (.onnx; docs/onnx.md) files, chosen by extension. The bundled networks are in nets/.

      Examples:
        dse show nets/mobilenetv2.yaml
        dse graph nets/resnet50.yaml -o resnet50.svg
        dse convert nets/yolov3-tiny.cfg yolov3-tiny.yaml
      """,
    version: Engine.version,
    subcommands: [Show.self, Layer.self, Sweep.self, PlanSweep.self, Merge.self, Slurm.self, Bench.self, Verify.self, Trace.self, EvaluateDRAM.self, Graph.self, Convert.self, Decompose.self, Prune.self, SetPrecision.self, Quantize.self])

  /// Longest error message printed, in characters: the readers quote user text in short
  /// excerpts already; this bounds whatever else an error carries.
  static let longestError = 2_000

  /// Runs the command. A failure prints one line, `Error: ` and the message (no usage block:
  /// `dse help COMMAND` shows that), and exits with 64 for bad arguments, 1 for the rest;
  /// help and version requests print as ArgumentParser does.
  static func main() {
    // Past a file-size limit (`ulimit -f`) a write should fail with EFBIG, which the writers
    // report naming the file and clean up after, rather than kill the process mid-file.
    signal(SIGXFSZ, SIG_IGN)
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch {
      let code = exitCode(for: error)
      guard code != .success else { exit(withError: error) }
      // One line whatever user text the message carries (a path or an argument with a newline).
      var message = printable(message(for: error).trimmingCharacters(in: .whitespacesAndNewlines).unicodeScalars)
      // `ExitCode(1)` after a report already printed (a failed verification) says nothing more.
      guard !message.isEmpty else { Foundation.exit(code.rawValue) }
      if message.count > longestError {
        message = String(message.prefix(longestError)) + "… (\(message.count) characters)"
      }
      FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
      Foundation.exit(code.rawValue)
    }
  }
}

/// Loads a network file of any format (`NetworkFile`), reporting where it went wrong; an ONNX
/// reader's warnings go to standard error, and, for commands that compute values
/// (`computesValues`), the element-wise nodes the network run leaves out.
func loadNetwork(_ path: String, _ options: ModelFileOptions, inputSize: Int? = nil, computesValues: Bool = false) throws
  -> Network
{
  let file = try NetworkFile(path: path, inputSize: inputSize, skipUnsupported: options.skipUnsupported)
  for warning in file.warnings { progress("\(path): warning: \(warning)") }
  if computesValues, let summary = file.passThroughSummary { progress("\(path): warning: \(summary)") }
  return file.network
}

/// `loadNetwork`, then shapes inferred; errors name the file.
func loadAnalysis(_ path: String, _ options: ModelFileOptions, inputSize: Int? = nil, computesValues: Bool = false)
  throws -> NetworkAnalysis
{
  let network = try loadNetwork(path, options, inputSize: inputSize, computesValues: computesValues)
  do {
    return try network.analyze()
  } catch {
    throw DSEError(error, file: path)
  }
}

/// The options of every command that reads a network file.
struct ModelFileOptions: ParsableArguments {
  @Flag(help: "ONNX models: model operators dse does not know as pass-throughs, with a warning each, instead of failing.")
  var skipUnsupported = false
}

/// Writes `text` to stdout, or atomically to `path` when one is given.
func emit(_ text: String, to path: String?) throws {
  if let path {
    try writeTextAtomically(text, to: path)
  } else {
    print(text, terminator: "")
  }
}

/// Checks a bit-width option: one rule (`Precision.validBits`, 1 to 16) for every command.
func validateBitWidth(_ value: Int, option: String) throws {
  guard Precision.validBits.contains(value) else {
    throw ValidationError(
      "\(option) \(value) is out of range; expected an integer from \(Precision.validBits.lowerBound) to \(Precision.validBits.upperBound)")
  }
}

/// Parses a list of bit widths (`4,8,16`) given as an option, each within `range`.
func parseWidths(_ text: String, option: String, range: ClosedRange<Int>) throws -> [Int] {
  let parsed = text.split(separator: ",", omittingEmptySubsequences: false).map {
    Int($0.trimmingCharacters(in: .whitespaces))
  }
  guard !parsed.isEmpty, parsed.allSatisfy({ $0.map { range.contains($0) } ?? false }) else {
    throw ValidationError(
      "\(option) \(text): expected bit widths from \(range.lowerBound) to \(range.upperBound) separated by commas, e.g. 4,8,16")
  }
  return Array(Set(parsed.compactMap { $0 })).sorted()
}

/// Checks `--input-size` and `--calibration`, which quantize and verify share.
func validateSeededInputs(inputSize: Int?, calibration: Int) throws {
  if let inputSize, !(1...8192).contains(inputSize) {
    throw ValidationError("--input-size \(inputSize): expected a size from 1 to 8192")
  }
  guard (1...1000).contains(calibration) else {
    throw ValidationError("--calibration \(calibration): expected a number of images from 1 to 1000")
  }
}
