import Tiling

/// What a DRAM device does with a plan's transaction stream: the whole plan in one run of the
/// model, and each unit's stream in a run of its own, from idle banks.
///
/// The plan's figures are the ones to quote: row buffers, refresh and background power carry
/// across unit boundaries as they would on the device. A unit's figures say where the plan's
/// energy goes; their sum differs from the plan's by what crosses the boundaries (a row left
/// open for the next unit, a refresh that falls due in a short unit's run only in the plan's).
public struct DRAMPlanReport: Hashable, Sendable, Codable {
  /// The whole stream.
  public var plan: DRAMReport
  /// Unit i's stream alone, for every unit of the plan (an empty report for a unit that moves nothing).
  public var units: [DRAMReport]
  /// Transactions, burst bytes and useful bytes of the stream.
  public var stream: DRAMStreamSummary

  /// Useful bits over the model's total energy: what the schedule needs per picojoule, inverted
  /// (pJ per useful bit; 0 when nothing moved).
  public var picojoulesPerUsefulBit: Double {
    stream.usefulBits > 0 ? plan.totalPicojoules / Double(stream.usefulBits) : 0
  }
}

extension DRAMModel {
  /// Evaluates the transaction stream of `units` (a plan's units, in order) placed by `layout`,
  /// in bursts of the device's size (`DRAMOrganization.bytesPerBurst`). Requests arrive back to
  /// back (request i at cycle i of its run), so the time is what the device needs, not what
  /// the accelerator's compute would allow. One pass, in memory that does not grow with the stream.
  public func evaluate(units: [PlanUnit], layout: AddressLayout) throws(DRAMError) -> DRAMPlanReport {
    let transactions = try DRAMTransactions(
      units: units, layout: layout, burstBytes: device.organization.bytesPerBurst)
    var whole = DRAMSession(self)
    var current = DRAMSession(self)
    var unitReports: [DRAMReport] = []
    unitReports.reserveCapacity(units.count)
    var summary = DRAMStreamSummary()
    var unitRequests: Int64 = 0
    for transaction in transactions {
      while unitReports.count < transaction.unit {
        unitReports.append(current.finish())
        current = DRAMSession(self)
        unitRequests = 0
      }
      whole.serve(DRAMRequest(address: transaction.address, isWrite: transaction.isWrite, cycle: summary.transactions))
      current.serve(DRAMRequest(address: transaction.address, isWrite: transaction.isWrite, cycle: unitRequests))
      summary.record(transaction)
      unitRequests += 1
    }
    while unitReports.count < units.count {
      unitReports.append(current.finish())
      current = DRAMSession(self)
    }
    return DRAMPlanReport(plan: whole.finish(), units: unitReports, stream: summary)
  }
}
