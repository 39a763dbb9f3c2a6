import ArgumentParser
import DSE

@main
struct DSECommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dse",
    abstract: "Design-space exploration of tiling, loop order and fusion for CNN inference accelerators.",
    discussion: """
      Networks are read from YAML (.yaml, the native format), Darknet (.cfg) or SCALE-Sim topology (.csv) files, \
      chosen by extension. The bundled networks are in nets/.

      Examples:
        dse show nets/mobilenetv2.yaml
        dse graph nets/resnet50.yaml -o resnet50.svg
        dse convert nets/yolov3-tiny.cfg yolov3-tiny.yaml
      """,
    version: Engine.version,
    subcommands: [Show.self, Layer.self, Sweep.self, Bench.self, Verify.self, Graph.self, Convert.self, Decompose.self, Prune.self, SetPrecision.self, Quantize.self])
}

/// Loads a network file, reporting where it went wrong.
func loadNetwork(_ path: String) throws -> Network {
  try NetworkFormat.load(path: path)
}

/// Writes `text` to stdout, or atomically to `path` when one is given.
func emit(_ text: String, to path: String?) throws {
  if let path {
    try writeTextAtomically(text, to: path)
  } else {
    print(text, terminator: "")
  }
}
