import CDSEHeader
import DSE

// The DRAM entry points of include/dse.h: a plan's transactions and its report on the DRAM model.

/// The defaults of `dse_dram_options` (dse.h).
@_cdecl("dse_dram_options_init")
public func dse_dram_options_init(_ options: UnsafeMutablePointer<dse_dram_options>?) {
  guard let options else { return }
  options.pointee = dse_dram_options(
    layout: nil, burst_bytes: 64, alignment: 4096, device: nil, mapping: nil, policy: nil, scheduling: nil)
}

/// `options` (NULL: the defaults) read into the library's values.
private struct DRAMSettings {
  var stream: DRAMStreamOptions
  var options: dse_dram_options

  init(_ given: UnsafePointer<dse_dram_options>?) throws(DSEError) {
    var defaults = dse_dram_options()
    dse_dram_options_init(&defaults)
    options = given?.pointee ?? defaults
    let layout: TensorLayout
    do {
      layout = try options.layout.map { try TensorLayout(parsing: String(cString: $0)) } ?? TensorLayout()
    } catch {
      throw DSEError(error)
    }
    for (field, value) in [("burst_bytes", Int64(options.burst_bytes)), ("alignment", options.alignment)]
    where value <= 0 || value > Int64(Int32.max) || value & (value - 1) != 0 {
      throw DSEError(.invalidArgument, field: field, "expected a power of two bytes, found \(value)")
    }
    stream = DRAMStreamOptions(layout: layout, burstBytes: Int(options.burst_bytes), alignment: Int(options.alignment))
  }

  /// The model of the options' device, mapping, policy and scheduling.
  func model() throws(DSEError) -> DRAMModel {
    let device = try DRAMDevice.load(options.device.map { String(cString: $0) } ?? "ddr4-2400-x8")
    let policyName = options.policy.map { String(cString: $0) } ?? DRAMPagePolicy.open.rawValue
    guard let policy = DRAMPagePolicy(rawValue: policyName) else {
      throw DSEError(.invalidArgument, field: "policy", "'\(policyName.prefix(40))': expected open or closed")
    }
    let scheduling = try DRAMScheduling(parsing: options.scheduling.map { String(cString: $0) } ?? "in-order")
    do {
      let mapping = try options.mapping.map { try AddressMapping(String(cString: $0), device: device) }
      return try DRAMModel(device: device, mapping: mapping, policy: policy, scheduling: scheduling)
    } catch {
      throw DSEError(error)
    }
  }
}

/// An iterator over a plan's DRAM transactions (dse.h).
@_cdecl("dse_transactions_create")
public func dse_transactions_create(
  _ plan: OpaquePointer?, _ unit: Int64, _ options: UnsafePointer<dse_dram_options>?,
  _ transactions: UnsafeMutablePointer<OpaquePointer?>?, _ message: UnsafeMutablePointer<CChar>?, _ messageSize: Int
) -> dse_status {
  guard let transactions else {
    return fail(
      DSEError(.invalidArgument, field: "transactions", "NULL: expected a place for the handle"), message, messageSize)
  }
  transactions.pointee = nil
  guard let handle = HandleRegistry.shared.lookup(plan, as: PlanHandle.self) else {
    return fail(DSE_INVALID_HANDLE, "plan: \(invalidHandle)", message, messageSize)
  }
  do {
    let settings = try DRAMSettings(options)
    let stream = try handle.plan.transactions(settings.stream, unit: unit == -1 ? nil : Int(unit))
    transactions.pointee = HandleRegistry.shared.register(
      TransactionsHandle(stream.makeIterator(), tensors: TensorNames(handle.plan)))
    return succeed(message, messageSize)
  } catch {
    return fail(error, message, messageSize)
  }
}

/// The next transaction: 1, 0 at the end, -1 for a bad iterator or destination (dse.h).
@_cdecl("dse_transactions_next")
public func dse_transactions_next(
  _ transactions: OpaquePointer?, _ transaction: UnsafeMutablePointer<dse_transaction>?
) -> Int32 {
  guard let transaction, let handle = HandleRegistry.shared.lookup(transactions, as: TransactionsHandle.self) else {
    return -1
  }
  guard let next = handle.iterator.withLock({ $0.next() }) else { return 0 }
  transaction.pointee = dse_transaction(
    address: next.address, is_write: next.isWrite ? 1 : 0, bytes: Int32(clamping: next.bytes),
    useful_bits: Int32(clamping: next.usefulBits), operand: Int32(operandCode(next.operand).rawValue),
    unit: Int64(next.unit), layer: Int32(clamping: next.layer), step: Int64(next.step), tensor: handle.tensors[next.tensor])
  return 1
}

/// Releases a transaction iterator; NULL, freed and unknown handles are ignored.
@_cdecl("dse_transactions_free")
public func dse_transactions_free(_ transactions: OpaquePointer?) {
  HandleRegistry.shared.release(transactions, as: TransactionsHandle.self)
}

/// The plan's transactions on the DRAM model (dse.h).
@_cdecl("dse_plan_dram")
public func dse_plan_dram(
  _ plan: OpaquePointer?, _ options: UnsafePointer<dse_dram_options>?, _ report: UnsafeMutablePointer<dse_dram_report>?,
  _ message: UnsafeMutablePointer<CChar>?, _ messageSize: Int
) -> dse_status {
  guard let report else {
    return fail(DSEError(.invalidArgument, field: "report", "NULL: expected a place for the report"), message, messageSize)
  }
  guard let handle = HandleRegistry.shared.lookup(plan, as: PlanHandle.self) else {
    return fail(DSE_INVALID_HANDLE, "plan: \(invalidHandle)", message, messageSize)
  }
  do {
    let settings = try DRAMSettings(options)
    let evaluated = try handle.plan.dramReport(
      DRAMEvaluation(model: try settings.model(), layout: settings.stream.layout, alignment: settings.stream.alignment))
    let whole = evaluated.plan
    report.pointee = dse_dram_report(
      requests: whole.requests, reads: whole.reads, writes: whole.writes, row_hits: whole.rowHits,
      empty_misses: whole.emptyMisses, conflicts: whole.conflicts, activations: whole.activations,
      precharges: whole.precharges, refreshes: whole.refreshes, cycles: whole.cycles, time_ns: whole.timeNanoseconds,
      hit_rate: whole.hitRate, activation_pj: whole.activationPicojoules, read_pj: whole.readPicojoules,
      write_pj: whole.writePicojoules, refresh_pj: whole.refreshPicojoules,
      standby_pj: whole.activeStandbyPicojoules + whole.prechargedStandbyPicojoules, dynamic_pj: whole.dynamicPicojoules,
      total_pj: whole.totalPicojoules, useful_bytes: evaluated.stream.usefulBytes(units: handle.plan.units),
      burst_bytes: evaluated.stream.burstBytes)
    return succeed(message, messageSize)
  } catch {
    return fail(error, message, messageSize)
  }
}
