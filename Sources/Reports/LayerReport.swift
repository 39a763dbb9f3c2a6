import Tiling

/// The output of `dse layer`: the best schedules of one layer at one buffer size, best first,
/// as JSON or a table.
public struct LayerReport: Sendable {
  /// The layer's dimensions as JSON members, e.g. ("m", 3136), ("k", 64), ("n", 256).
  public let dimensions: [(String, Int)]
  public let buffer: Int
  public let schedules: [LayerSchedule]
  public let energy: EnergyModel

  public init(dimensions: [(String, Int)], buffer: Int, schedules: [LayerSchedule], energy: EnergyModel) {
    self.dimensions = dimensions
    self.buffer = buffer
    self.schedules = schedules
    self.energy = energy
  }

  public func json() -> JSONValue {
    var members = dimensions.map { ($0.0, JSONValue.int($0.1)) }
    members.append(("buffer", .int(buffer)))
    members.append(("best", schedules.first.map(scheduleJSON) ?? .null))
    members.append(("alternatives", .array(schedules.dropFirst().map(scheduleJSON))))
    return .object(members)
  }

  public func table() -> String {
    let header = ["rank", "schedule", "footprint", "input", "weight", "output", "psum_rd", "psum_wr", "total", "floor", "ratio"]
    let rows = schedules.enumerated().map { rank, schedule in
      let traffic = schedule.traffic
      return [
        String(rank + 1), schedule.scheduleDescription, String(schedule.footprint), String(traffic.inputReads),
        String(traffic.weightReads), String(traffic.outputWrites), String(traffic.psumReads), String(traffic.psumWrites),
        String(traffic.total), String(schedule.floor.value), formatFixed(schedule.ratioToFloor, decimals: 3),
      ]
    }
    let title = dimensions.map { "\($0.0)=\($0.1)" }.joined(separator: " ") + " buffer=\(buffer) entries\n"
    return title + TextTable(header: header, rows: rows, leftAligned: [1]).rendered()
  }

  private func scheduleJSON(_ schedule: LayerSchedule) -> JSONValue {
    var members: [(String, JSONValue)] = []
    switch schedule.choice {
    case .gemm(let tiling):
      members.append(("tile", .object(GEMMDimension.allCases.map { ($0.rawValue, .int(tiling.tile[$0])) })))
      members.append(("order", .string(tiling.order.name)))
      members.append(("scan", .object(GEMMDimension.allCases.map { ($0.rawValue, .bool(tiling.scan[$0])) })))
    case .convolution(let tiling):
      members.append(("tile", .object(tiling.order.map { ($0.rawValue, .int(tiling.tile[$0] ?? 0)) })))
      members.append(("order", .string(tiling.order.map(\.rawValue).joined(separator: "-"))))
      members.append(("scan", .object(tiling.order.map { ($0.rawValue, .bool(tiling.scan.contains($0))) })))
    case .streaming:
      members.append(("tile", .null))
    }
    let traffic = schedule.traffic
    members += [
      (
        "traffic",
        .object([
          ("input_reads", .int(traffic.inputReads)), ("weight_reads", .int(traffic.weightReads)),
          ("output_writes", .int(traffic.outputWrites)), ("psum_reads", .int(traffic.psumReads)),
          ("psum_writes", .int(traffic.psumWrites)), ("total", .int(traffic.total)),
        ])
      ),
      ("footprint", .int(schedule.footprint)),
      ("bytes", .int(schedule.bytes)),
      ("energy_pj", .double(schedule.dramEnergy(energy))),
      ("floor", .int(schedule.floor.value)),
      ("ratio_to_floor", .double(schedule.ratioToFloor)),
    ]
    return .object(members)
  }
}
