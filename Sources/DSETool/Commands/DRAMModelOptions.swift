import ArgumentParser
import DSE

extension DRAMPagePolicy: ExpressibleByArgument {}

/// How the DRAM model maps addresses and serves requests: `dse dram` and `dse sweep --dram`.
struct DRAMModelOptions: ParsableArguments {
  @Option(help: "Address mapping: a field order of ro, ch, ra, bg, ba, co, most significant first, or xor, or xor:ORDER (default rochrababgco).")
  var mapping: String?

  @Option(help: "Page policy: open (rows stay open until a conflict) or closed (precharge after every access).")
  var policy: DRAMPagePolicy = .open

  @Option(help: "Request order: in-order, frfcfs (a 32-request window) or frfcfs:N.")
  var scheduling: String = "in-order"

  func validate() throws {
    _ = try DRAMScheduling(parsing: scheduling)
  }

  /// The model of `device` (a bundled name or a device YAML file) with these options.
  func model(device: String) throws -> DRAMModel {
    let loaded = try DRAMDevice.load(device)
    do {
      return try DRAMModel(
        device: loaded, mapping: try mapping.map { try AddressMapping($0, device: loaded) }, policy: policy,
        scheduling: try DRAMScheduling(parsing: scheduling))
    } catch let error as DRAMError {
      throw DSEError(error)
    }
  }
}
