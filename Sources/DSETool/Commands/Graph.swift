import ArgumentParser
import DSE
import Foundation

extension DSECommand {
  struct Graph: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Draw a network as a Graphviz graph (DOT, or SVG/PNG/PDF through Graphviz's dot).",
      discussion: """
        A path ending in .dot (or no path: standard output) gets DOT text. Paths ending in .svg, .png or .pdf \
        are rendered with Graphviz's `dot`, which must be installed (Debian: apt-get install graphviz).

        Examples:
          dse graph nets/mobilenetv2.yaml -o mobilenetv2.dot
          dse graph nets/yolov3-tiny.cfg -o yolov3-tiny.svg
        """)

    @Argument(help: "Network file (.yaml, .cfg, .csv or .onnx).")
    var network: String

    @OptionGroup var modelFile: ModelFileOptions

    @Option(name: .shortAndLong, help: "Output file: .dot, .svg, .png or .pdf (default: DOT on standard output).")
    var output: String?

    static let rendered = ["svg", "png", "pdf"]

    func validate() throws {
      if let output {
        let suffix = output.split(separator: ".").last.map { $0.lowercased() } ?? ""
        guard suffix == "dot" || suffix == "gv" || Self.rendered.contains(suffix) else {
          throw ValidationError("-o \(output): expected a path ending in .dot, .gv, .svg, .png or .pdf")
        }
      }
    }

    func run() throws {
      let dot = NetworkGraph(try loadNetwork(network, modelFile).analyze()).dot()
      guard let output, let suffix = output.split(separator: ".").last.map({ $0.lowercased() }),
        Self.rendered.contains(suffix)
      else {
        return try emit(dot, to: output)
      }
      try GraphvizRenderer.render(dot, format: suffix, to: output)
    }
  }
}

/// Runs Graphviz's `dot` to turn DOT text into an image, writing the result atomically.
enum GraphvizRenderer {
  struct Failure: Error, CustomStringConvertible {
    let description: String
  }

  static func locateDot() -> String? {
    let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
    return paths.map { "\($0)/dot" }.first { FileManager.default.isExecutableFile(atPath: $0) }
  }

  static func render(_ dot: String, format: String, to path: String) throws {
    guard let executable = locateDot() else {
      throw Failure(
        description: "\(path): Graphviz's `dot` is not installed (Debian: apt-get install graphviz); write .dot instead")
    }
    let temporary = temporaryPath(beside: path)
    // Created here first, so that an unwritable place is reported as such rather than by dot.
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw Failure(description: "\(path): cannot write the file: \(fileSystemReason(errno))") }
    close(descriptor)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = ["-T\(format)", "-o", temporary]
    let input = Pipe()
    let errors = Pipe()
    process.standardInput = input
    process.standardError = errors
    try process.run()
    input.fileHandleForWriting.write(Data(dot.utf8))
    try input.fileHandleForWriting.close()
    process.waitUntilExit()
    let message = String(data: errors.fileHandleForReading.readDataToEndOfFile(), encoding: .utf8) ?? ""
    guard process.terminationStatus == 0 else {
      try? FileManager.default.removeItem(atPath: temporary)
      throw Failure(description: "\(path): dot failed: \(message.trimmingCharacters(in: .whitespacesAndNewlines))")
    }
    try moveIntoPlace(temporary, at: path)
  }
}
