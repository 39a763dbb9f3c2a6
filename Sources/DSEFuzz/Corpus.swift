import Foundation

/// The seed texts mutations start from: every bundled network in `nets/` (YAML and Darknet
/// cfg), SCALE-Sim CSV topologies made from a few of them by `dse convert` at start-up, the
/// architecture file `arch/default.yaml` and the DRAM device files of `arch/dram/`. Loaded in name order, so that case generation depends
/// only on these files and the seed.
struct Corpus: Sendable {
  /// One seed network.
  struct Entry: Sendable {
    /// File name, for case summaries (`vgg16.csv`).
    var name: String
    /// Extension of the format: `yaml`, `cfg` or `csv`.
    var format: String
    var bytes: [UInt8]
    /// Networks whose sweeps and verifications take seconds (large layers or many of them):
    /// cases pick cheaper commands and options for them.
    var heavy: Bool
  }

  var networks: [Entry]
  /// The default architecture file, mutated for `--arch`.
  var architecture: [UInt8]
  /// The DRAM device files of `arch/dram/`, in name order, mutated for `dse dram --device`.
  var dramDevices: [[UInt8]] = []

  /// Bundled networks that `dse convert` turns into SCALE-Sim CSV (convolution and FC only).
  static let csvSources = ["alexnet", "mobilenetv2", "resnet50", "vgg16", "vgg16-cifar10"]
  /// Networks too large for sweeps and verifications within the time budget of a case.
  static let heavyNames: Set<String> = ["yolov3", "vgg16", "resnet50-cp", "resnet50"]

  /// Reads `nets` and `arch` under `root` and converts `csvSources` with `dse` in `scratch`.
  /// Conversions that fail are left out with a warning.
  static func load(root: String, dse: String, scratch: String) throws -> Corpus {
    let nets = (root as NSString).appendingPathComponent("nets")
    let names = try FileManager.default.contentsOfDirectory(atPath: nets).sorted()
    var entries: [Entry] = []
    for name in names where name.hasSuffix(".yaml") || name.hasSuffix(".cfg") || name.hasSuffix(".onnx") {
      let path = (nets as NSString).appendingPathComponent(name)
      let stem = (name as NSString).deletingPathExtension
      entries.append(
        Entry(name: name, format: (name as NSString).pathExtension, bytes: try readBytes(path), heavy: heavyNames.contains(stem)))
    }
    try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    for stem in csvSources {
      let source = (nets as NSString).appendingPathComponent(stem + ".yaml")
      let target = (scratch as NSString).appendingPathComponent(stem + ".csv")
      guard FileManager.default.fileExists(atPath: source) else { continue }
      let result = ChildProcess.run(
        executable: dse, arguments: ["convert", source, target], directory: scratch, timeLimit: 60, memoryLimitMB: 0)
      if result.exitCode == 0, let bytes = try? readBytes(target) {
        entries.append(Entry(name: stem + ".csv", format: "csv", bytes: bytes, heavy: heavyNames.contains(stem)))
      } else {
        FileHandle.standardError.write(Data("dse-fuzz: warning: dse convert \(source) failed; no CSV seed from it\n".utf8))
      }
    }
    guard !entries.isEmpty else { throw FuzzError("no networks in \(nets)") }
    let archPath = (root as NSString).appendingPathComponent("arch/default.yaml")
    let architecture = (try? readBytes(archPath)) ?? Array("dram:\n  pj_per_byte: 243.75\n".utf8)
    let dram = (root as NSString).appendingPathComponent("arch/dram")
    let deviceNames = ((try? FileManager.default.contentsOfDirectory(atPath: dram)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
    let devices = deviceNames.compactMap { try? readBytes((dram as NSString).appendingPathComponent($0)) }
    return Corpus(networks: entries, architecture: architecture, dramDevices: devices)
  }
}

/// The bytes of the file at `path`.
func readBytes(_ path: String) throws -> [UInt8] {
  guard let data = FileManager.default.contents(atPath: path) else { throw FuzzError("cannot read \(path)") }
  return [UInt8](data)
}

/// An error of dse-fuzz itself (bad arguments, unreadable files): reported in one line.
struct FuzzError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}
