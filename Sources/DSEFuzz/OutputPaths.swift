import Networks

/// Output paths for a case's arguments: normally a file or folder inside `out/`, sometimes a
/// hostile one (outside `out/`, a null device, an existing file, a folder named like the file,
/// a missing folder, an empty path). A path outside `out/` that the arguments name on purpose
/// is recorded in `allowedWrites`, so that writing there is not taken for an escape.
struct OutputPaths {
  /// Chance that an output path is hostile.
  var hostileChance = 0.25

  /// A path for a single output file with extension `ext` (no dot; empty for none).
  func file(_ ext: String, in fuzzCase: inout FuzzCase, _ g: inout SeededGenerator) -> String {
    let dotted = ext.isEmpty ? "" : "." + ext
    guard g.chance(hostileChance) else { return "out/x\(dotted)" }
    switch g.int(0..<16) {
    case 0:
      fuzzCase.allowedWrites.append("../x\(dotted)")
      return "../x\(dotted)"
    case 1:
      fuzzCase.devices.append("dev/null")
      return "dev/null"
    case 2:
      fuzzCase.files.append(FuzzCase.File(path: "out/existing\(dotted)", bytes: Array("old contents\n".utf8)))
      return "out/existing\(dotted)"
    case 3:
      if let input = fuzzCase.files.first?.path {
        fuzzCase.allowedWrites.append(input)
        return input
      }
      return "out/x\(dotted)"
    case 4:
      fuzzCase.folders.append("out/x\(dotted)")
      return "out/x\(dotted)"
    case 5: return "out/missing/folder/x\(dotted)"
    case 6: return (fuzzCase.files.first?.path ?? "in") + "/x\(dotted)"
    case 7: return ""
    case 8: return g.pick(["out", "out/", ".", "in", "out/x\(dotted)/"])
    case 9: return "out/x\(dotted).bak"
    case 10: return g.pick(["out/x", "out/x.YAML", "out/\(dotted)", "out/x.", "out/x.yaml.csv.cfg"])
    case 11: return "out/" + String(repeating: "n", count: g.pick([255, 256, 300, 5000])) + dotted
    case 12: return "out/" + g.pick(["na\nme", "ünï 🙂", "-", "--", "a b", "x;touch injected", "$(x)", "*"]) + dotted
    case 13:
      fuzzCase.allowedWrites.append("deep")
      return "out/../deep/../deep/x\(dotted)"
    case 14: return "out/./x\(dotted)"
    default:
      fuzzCase.allowedWrites.append("-")
      return "-"
    }
  }

  /// A path for an output folder (sweep's `--out` and `--plots`); `normal` when not hostile.
  func folder(normal: String, in fuzzCase: inout FuzzCase, _ g: inout SeededGenerator) -> String {
    guard g.chance(hostileChance) else { return normal }
    switch g.int(0..<10) {
    case 0:
      fuzzCase.allowedWrites.append("../outside")
      return "../outside"
    case 1:
      fuzzCase.devices.append("dev/null")
      return "dev/null"
    case 2: return fuzzCase.files.first?.path ?? "in"
    case 3:
      fuzzCase.files.append(FuzzCase.File(path: "out/file", bytes: Array("a file\n".utf8)))
      return "out/file"
    case 4: return ""
    case 5: return "out/" + String(repeating: "d", count: g.pick([255, 256, 5000]))
    case 6: return "out/a/../b"
    case 7: return "out/na\nme"
    case 8: return "out/" + String(repeating: "d/", count: 200)
    default: return normal + "/"
    }
  }
}
