import ArgumentParser
import DSE

/// Options every scheduling command shares: the architecture (energy model) and the width of
/// partial sums. Flags override the file, which overrides the defaults (docs/energy-model.md).
struct ArchitectureOptions: ParsableArguments {
  @Option(
    name: .customLong("arch"),
    help: "Architecture file (YAML; see arch/default.yaml and docs/energy-model.md); sweep and plan-sweep take several, each a design point.")
  var architectureFiles: [String] = []

  @Option(help: "DRAM energy in pJ per byte (default 243.75, Horowitz ISSCC 2014).")
  var dramPjPerByte: Double?

  @Option(help: "Width of a partial sum in buffer entries (1: as wide as an output; 2: an accumulator twice as wide).")
  var psumWidth: Int = 1

  func validate() throws {

    if let dramPjPerByte, !(dramPjPerByte.isFinite && (0...Limits.architectureValue).contains(dramPjPerByte)) {
      throw ValidationError("--dram-pj-per-byte \(dramPjPerByte): expected a number from 0 to \(Limits.architectureValue)")
    }
    guard (1...Limits.psumWidth).contains(psumWidth) else {
      throw ValidationError("--psum-width \(psumWidth): expected an integer from 1 to \(Limits.psumWidth)")
    }
  }

  /// The architecture the options describe; more than one `--arch` is an error here (only
  /// sweep and plan-sweep take several, as design points).
  func architecture() throws -> Architecture {
    guard architectureFiles.count <= 1 else {
      throw ValidationError(
        "--arch is given \(architectureFiles.count) times: this command takes one architecture (sweep and plan-sweep take several)")
    }
    var architecture = Architecture.default
    if let architectureFile = architectureFiles.first {
      architecture = try Architecture.read(yaml: try readText(architectureFile), file: architectureFile)
    }
    if let dramPjPerByte { architecture.energy.dramPicojoulesPerByte = dramPjPerByte }
    return architecture
  }
}

/// Parses one buffer size given as an option (`64K`, `65536`, `32KiB`).
func parseBufferSize(_ text: String, option: String, bits: Int = 8) throws -> Int {
  let sizes: [Int]
  do {
    sizes = try BufferSizes.parse(text, bits: bits)
  } catch {
    throw ValidationError("\(option) \(text): \(error)")
  }
  guard sizes.count == 1, let size = sizes.first else {
    throw ValidationError("\(option) \(text): expected one buffer size (64K, 65536 or 32KiB), found \(sizes.count)")
  }
  return size
}
