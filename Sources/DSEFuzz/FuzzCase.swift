/// One fuzz case: the files to lay out in a fresh sandbox and the `dse` arguments to run there.
/// Paths are relative to the sandbox's `work` folder, the child's current directory: inputs
/// live in `in/`, outputs are meant for `out/`.
struct FuzzCase: Sendable {
  /// A file the case provides (an input, or a file deliberately in an output's way).
  struct File: Sendable {
    var path: String
    var bytes: [UInt8]
  }

  /// Campaign seed and case index: `CaseGenerator` makes the same case from the same pair.
  var seed: UInt64
  var index: Int
  /// What the case exercises, in a few words (`mutate yolov3.cfg: numbers; convert`).
  var summary: String
  var files: [File] = []
  /// Folders made before the run (for example a folder named like the output file).
  var folders: [String] = []
  /// Stand-ins for `/dev/null`: character devices (1, 3) made in the sandbox, so that a case can
  /// pass a null device as an output path without touching the real one (dse runs as root here).
  var devices: [String] = []
  /// Paths outside `out/` the arguments deliberately name as outputs (`-o ../x.yaml`): writes
  /// there, or below them, are what was asked for and not an escape.
  var allowedWrites: [String] = []
  /// The arguments after `dse`.
  var arguments: [String] = []

  /// Total bytes of the case's files: under 1 KB the run gets the short time limit.
  var inputBytes: Int { files.reduce(0) { $0 + $1.bytes.count } }

  /// The folder name a failing case is saved under: `SEED-INDEX`.
  var label: String { "\(seed)-\(index)" }
}

/// Which subcommand a case runs; each has its own argument generator.
enum Subcommand: String, CaseIterable, Sendable {
  case show, layer, sweep, graph, convert, decompose, prune, precision, quantize, verify, trace, dram
}
