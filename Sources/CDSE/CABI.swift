import CDSEHeader
import DSE

// The entry points of include/dse.h. Each checks its pointers and handles before anything else,
// turns every Swift error into a status and a message in the caller's buffer, and never traps.

/// The status of an error, and its message written into the caller's buffer.
func fail(_ error: DSEError, _ buffer: UnsafeMutablePointer<CChar>?, _ size: Int) -> dse_status {
  writeMessage(error.description, buffer, size)
  return dse_status(rawValue: UInt32(error.kind.rawValue))
}

func fail(_ status: dse_status, _ message: String, _ buffer: UnsafeMutablePointer<CChar>?, _ size: Int)
  -> dse_status
{
  writeMessage(message, buffer, size)
  return status
}

/// Writes `message` NUL-terminated into `buffer`, cut to `size` bytes on a character boundary.
func writeMessage(_ message: String, _ buffer: UnsafeMutablePointer<CChar>?, _ size: Int) {
  guard let buffer, size > 0 else { return }
  var bytes: [UInt8] = []
  for character in message {
    let encoded = Array(String(character).utf8)
    guard bytes.count + encoded.count <= size - 1 else { break }
    bytes += encoded
  }
  for (index, byte) in bytes.enumerated() { buffer[index] = CChar(bitPattern: byte) }
  buffer[bytes.count] = 0
}

func succeed(_ buffer: UnsafeMutablePointer<CChar>?, _ size: Int) -> dse_status {
  writeMessage("", buffer, size)
  return DSE_OK
}

func string(_ pointer: UnsafePointer<CChar>?, field: String) throws(DSEError) -> String {
  guard let pointer else { throw DSEError(.invalidArgument, field: field, "NULL: expected a string") }
  return String(cString: pointer)
}

let invalidHandle = "a handle that was freed, or that the library never returned"

/// The API version the library implements (dse.h).
@_cdecl("dse_api_version")
public func dse_api_version() -> UInt32 { UInt32(DSE_API_VERSION) }

private let versionString = OwnedCString(Engine.version)

/// The library's version string (dse.h).
@_cdecl("dse_version")
public func dse_version() -> UnsafePointer<CChar> { versionString.constant }

// MARK: Networks

/// Reads a network file (dse.h).
@_cdecl("dse_network_load")
public func dse_network_load(
  _ path: UnsafePointer<CChar>?, _ network: UnsafeMutablePointer<OpaquePointer?>?, _ message: UnsafeMutablePointer<CChar>?,
  _ messageSize: Int
) -> dse_status {
  guard let network else { return fail(DSEError(.invalidArgument, field: "network", "NULL: expected a place for the handle"), message, messageSize) }
  network.pointee = nil
  do {
    let analysis = try NetworkAnalysis(file: try string(path, field: "path"))
    network.pointee = HandleRegistry.shared.register(NetworkHandle(analysis))
    return succeed(message, messageSize)
  } catch {
    return fail(error, message, messageSize)
  }
}

/// Parses a network from text (dse.h).
@_cdecl("dse_network_parse")
public func dse_network_parse(
  _ text: UnsafePointer<CChar>?, _ format: UnsafePointer<CChar>?, _ name: UnsafePointer<CChar>?,
  _ network: UnsafeMutablePointer<OpaquePointer?>?, _ message: UnsafeMutablePointer<CChar>?, _ messageSize: Int
) -> dse_status {
  guard let network else { return fail(DSEError(.invalidArgument, field: "network", "NULL: expected a place for the handle"), message, messageSize) }
  network.pointee = nil
  do {
    let format = try NetworkFormat(name: try string(format, field: "format"))
    let analysis = try NetworkAnalysis(
      text: try string(text, field: "text"), format: format, name: name.map { String(cString: $0) } ?? "<string>")
    network.pointee = HandleRegistry.shared.register(NetworkHandle(analysis))
    return succeed(message, messageSize)
  } catch {
    return fail(error, message, messageSize)
  }
}

/// Releases a network handle; NULL, freed and unknown handles are ignored.
@_cdecl("dse_network_free")
public func dse_network_free(_ network: OpaquePointer?) {
  HandleRegistry.shared.release(network, as: NetworkHandle.self)
}

/// A network's name and layer count (dse.h).
@_cdecl("dse_network_info")
public func dse_network_info(
  _ network: OpaquePointer?, _ name: UnsafeMutablePointer<UnsafePointer<CChar>?>?, _ layerCount: UnsafeMutablePointer<Int64>?,
  _ message: UnsafeMutablePointer<CChar>?, _ messageSize: Int
) -> dse_status {
  guard let handle = HandleRegistry.shared.lookup(network, as: NetworkHandle.self) else {
    return fail(DSE_INVALID_HANDLE, "network: \(invalidHandle)", message, messageSize)
  }
  name?.pointee = handle.name.constant
  layerCount?.pointee = Int64(handle.analysis.layers.count)
  return succeed(message, messageSize)
}

// MARK: Plans

/// Sets plan options to their defaults (dse.h).
@_cdecl("dse_plan_options_init")
public func dse_plan_options_init(_ options: UnsafeMutablePointer<dse_plan_options>?) {
  guard let options else { return }
  options.pointee = dse_plan_options(
    strategy: nil, objective: nil, architecture_file: nil, psum_width: 1,
    max_segment_length: Int32(PlanContext.defaultMaxSegmentLength), max_stages: Int32(PlanContext.defaultMaxStages),
    time_limit_seconds: 60)
}

/// The context and strategy the options describe (NULL fields and NULL options: the defaults).
private func settings(_ options: UnsafePointer<dse_plan_options>?, buffer: Int64) throws(DSEError) -> (Strategy, PlanContext) {
  var defaults = dse_plan_options()
  dse_plan_options_init(&defaults)
  let given = options?.pointee ?? defaults
  let strategyName = given.strategy.map { String(cString: $0) } ?? Strategy.optimal.rawValue
  guard let strategy = Strategy(rawValue: strategyName) else {
    throw DSEError(
      .invalidArgument, field: "strategy",
      "unknown strategy \(excerpt(strategyName)): accepted: \(Strategy.allCases.map(\.rawValue).joined(separator: ", "))")
  }
  let objectiveName = given.objective.map { String(cString: $0) } ?? Objective.energy.rawValue
  guard let objective = Objective(rawValue: objectiveName) else {
    throw DSEError(.invalidArgument, field: "objective", "unknown objective \(excerpt(objectiveName)): accepted: energy, traffic")
  }
  var architecture = Architecture.default
  if let file = given.architecture_file.map({ String(cString: $0) }) {
    do {
      architecture = try Architecture.read(yaml: try readText(file), file: file)
    } catch {
      throw DSEError(error, file: file)
    }
  }
  let context = PlanContext(
    buffer: Int(clamping: buffer), architecture: architecture, psumWidth: Int(given.psum_width), objective: objective,
    maxSegmentLength: Int(given.max_segment_length), maxStages: Int(given.max_stages),
    solver: SolverOptions(timeLimit: given.time_limit_seconds))
  try context.validate()
  return (strategy, context)
}

/// Plans a network at a buffer size (dse.h).
@_cdecl("dse_plan_create")
public func dse_plan_create(
  _ network: OpaquePointer?, _ buffer: Int64, _ options: UnsafePointer<dse_plan_options>?,
  _ plan: UnsafeMutablePointer<OpaquePointer?>?, _ message: UnsafeMutablePointer<CChar>?, _ messageSize: Int
) -> dse_status {
  guard let plan else { return fail(DSEError(.invalidArgument, field: "plan", "NULL: expected a place for the handle"), message, messageSize) }
  plan.pointee = nil
  guard let handle = HandleRegistry.shared.lookup(network, as: NetworkHandle.self) else {
    return fail(DSE_INVALID_HANDLE, "network: \(invalidHandle)", message, messageSize)
  }
  do {
    let (strategy, context) = try settings(options, buffer: buffer)
    let made = try Planner.plan(handle.analysis, strategy: strategy, context: context).plan
    plan.pointee = HandleRegistry.shared.register(PlanHandle(made))
    return succeed(message, messageSize)
  } catch {
    return fail(error, message, messageSize)
  }
}

/// Releases a plan handle; NULL, freed and unknown handles are ignored.
@_cdecl("dse_plan_free")
public func dse_plan_free(_ plan: OpaquePointer?) {
  HandleRegistry.shared.release(plan, as: PlanHandle.self)
}

private func cCost(_ cost: Cost) -> dse_cost {
  let traffic = cost.traffic
  return dse_cost(
    dram_reads: Int64(cost.reads), dram_writes: Int64(cost.writes), dram_traffic: Int64(cost.entries),
    dram_bytes: Int64(cost.bytes), dram_bits: Int64(cost.bits), dram_energy_pj: cost.dramEnergyPicojoules,
    floor: Int64(cost.floor), input_reads: Int64(traffic.inputReads), skip_reads: Int64(cost.skipReads),
    weight_reads: Int64(traffic.weightReads), output_writes: Int64(traffic.outputWrites),
    psum_reads: Int64(traffic.psumReads), psum_writes: Int64(traffic.psumWrites), macs: Int64(cost.macs),
    halo_macs: Int64(cost.haloMACs), chunk_macs: Int64(cost.chunkMACs), footprint: Int64(cost.footprint))
}

/// A plan's identity and totals (dse.h).
@_cdecl("dse_plan_info_get")
public func dse_plan_info_get(
  _ plan: OpaquePointer?, _ info: UnsafeMutablePointer<dse_plan_info>?, _ message: UnsafeMutablePointer<CChar>?,
  _ messageSize: Int
) -> dse_status {
  guard let handle = HandleRegistry.shared.lookup(plan, as: PlanHandle.self) else {
    return fail(DSE_INVALID_HANDLE, "plan: \(invalidHandle)", message, messageSize)
  }
  guard let info else { return fail(DSEError(.invalidArgument, field: "info", "NULL: expected a dse_plan_info to fill"), message, messageSize) }
  let plan = handle.plan
  info.pointee = dse_plan_info(
    network: handle.network.constant, strategy: handle.strategy.constant, solver: handle.solver.constant,
    buffer_entries: Int64(plan.buffer), unit_count: Int64(plan.units.count),
    network_floor: Int64(plan.networkFloor.entries), totals: cCost(plan.cost))
  return succeed(message, messageSize)
}

/// One unit of a plan (dse.h).
@_cdecl("dse_plan_unit")
public func dse_plan_unit(
  _ plan: OpaquePointer?, _ index: Int64, _ unit: UnsafeMutablePointer<dse_unit>?, _ message: UnsafeMutablePointer<CChar>?,
  _ messageSize: Int
) -> dse_status {
  guard let handle = HandleRegistry.shared.lookup(plan, as: PlanHandle.self) else {
    return fail(DSE_INVALID_HANDLE, "plan: \(invalidHandle)", message, messageSize)
  }
  guard let unit else { return fail(DSEError(.invalidArgument, field: "unit", "NULL: expected a dse_unit to fill"), message, messageSize) }
  let units = handle.plan.units
  guard index >= 0, index < Int64(units.count) else {
    return fail(DSEError(.invalidArgument, field: "index", "\(index): the plan has units 0 to \(units.count - 1)"), message, messageSize)
  }
  let position = Int(index)
  let strings = handle.units[position]
  let loops = units[position].loops
  var filled = dse_unit()
  filled.name = strings.name.constant
  filled.operation = strings.operation.constant
  filled.layers = strings.layers.constant
  filled.schedule = strings.schedule.constant
  filled.layer_count = Int64(units[position].layerNames.count)
  filled.tile_axis_count = Int32(min(loops.axes.count, Int(DSE_MAX_AXES)))
  withUnsafeMutableBytes(of: &filled.tile_axes) { copyAxisNames(loops.axes, into: $0) }
  withUnsafeMutableBytes(of: &filled.tile) { sizes in
    for (axis, size) in loops.tile.prefix(Int(DSE_MAX_AXES)).enumerated() {
      sizes.storeBytes(of: Int64(size), toByteOffset: axis * 8, as: Int64.self)
    }
  }
  filled.order = strings.order.constant
  filled.scan = strings.scan.constant
  filled.chunks = strings.chunks.constant
  filled.buffer_split = strings.split.constant
  filled.cost = cCost(units[position].cost(handle.plan.architecture.energy))
  unit.pointee = filled
  return succeed(message, messageSize)
}

// MARK: Transfers

/// An iterator over a plan's transfers (dse.h).
@_cdecl("dse_transfers_create")
public func dse_transfers_create(
  _ plan: OpaquePointer?, _ unit: Int64, _ transfers: UnsafeMutablePointer<OpaquePointer?>?,
  _ message: UnsafeMutablePointer<CChar>?, _ messageSize: Int
) -> dse_status {
  guard let transfers else {
    return fail(DSEError(.invalidArgument, field: "transfers", "NULL: expected a place for the handle"), message, messageSize)
  }
  transfers.pointee = nil
  guard let handle = HandleRegistry.shared.lookup(plan, as: PlanHandle.self) else {
    return fail(DSE_INVALID_HANDLE, "plan: \(invalidHandle)", message, messageSize)
  }
  do {
    let stream = unit == -1 ? handle.plan.transfers : try handle.plan.transfers(ofUnit: Int(clamping: unit))
    transfers.pointee = HandleRegistry.shared.register(TransfersHandle(stream.makeIterator(), tensors: TensorNames(handle.plan)))
    return succeed(message, messageSize)
  } catch {
    return fail(error, message, messageSize)
  }
}

/// The next transfer: 1, 0 at the end, -1 for a bad iterator or destination (dse.h).
@_cdecl("dse_transfers_next")
public func dse_transfers_next(_ transfers: OpaquePointer?, _ transfer: UnsafeMutablePointer<dse_transfer>?) -> Int32 {
  guard let transfer, let handle = HandleRegistry.shared.lookup(transfers, as: TransfersHandle.self) else { return -1 }
  guard let next = handle.iterator.withLock({ $0.next() }) else { return 0 }
  var filled = dse_transfer()
  let moved = next.transfer
  filled.unit = Int64(next.unit)
  filled.operand = Int32(operandCode(moved.operand).rawValue)
  filled.direction = Int32((moved.direction == .read ? DSE_READ : DSE_WRITE).rawValue)
  filled.layer = Int32(moved.layer)
  filled.axis_count = Int32(min(moved.axes.count, Int(DSE_MAX_AXES)))
  withUnsafeMutableBytes(of: &filled.axes) { copyAxisNames(moved.axes, into: $0) }
  withUnsafeMutableBytes(of: &filled.lower) { lower in
    withUnsafeMutableBytes(of: &filled.upper) { upper in
      for (axis, range) in moved.boundingBox.prefix(Int(DSE_MAX_AXES)).enumerated() {
        lower.storeBytes(of: Int64(range.lowerBound), toByteOffset: axis * 8, as: Int64.self)
        upper.storeBytes(of: Int64(range.upperBound), toByteOffset: axis * 8, as: Int64.self)
      }
    }
  }
  filled.region_entries = Int64(moved.regionEntries)
  filled.entries = Int64(moved.entries)
  filled.bits_per_entry = Int32(moved.bitsPerEntry)
  filled.bits = Int64(moved.bits)
  filled.step = Int64(moved.step)
  filled.tensor = handle.tensors[moved.tensor]
  transfer.pointee = filled
  return 1
}

/// Axis names into a `char [DSE_MAX_AXES][4]` that starts zeroed: at most 3 bytes each, so
/// each stays NUL-terminated.
private func copyAxisNames(_ axes: [String], into names: UnsafeMutableRawBufferPointer) {
  for (axis, name) in axes.prefix(Int(DSE_MAX_AXES)).enumerated() {
    for (offset, byte) in name.utf8.prefix(3).enumerated() { names[axis * 4 + offset] = byte }
  }
}

func operandCode(_ operand: UnitTransfer.Operand) -> dse_operand {
  switch operand {
  case .input: return DSE_OPERAND_INPUT
  case .skip: return DSE_OPERAND_SKIP
  case .weights: return DSE_OPERAND_WEIGHTS
  case .output: return DSE_OPERAND_OUTPUT
  case .psum: return DSE_OPERAND_PSUM
  }
}

/// Releases an iterator; NULL, freed and unknown handles are ignored.
@_cdecl("dse_transfers_free")
public func dse_transfers_free(_ transfers: OpaquePointer?) {
  HandleRegistry.shared.release(transfers, as: TransfersHandle.self)
}

// MARK: Verification

/// Runs a plan on data and reports whether it is bit-exact with the predicted transfers (dse.h).
@_cdecl("dse_plan_verify")
public func dse_plan_verify(
  _ network: OpaquePointer?, _ plan: OpaquePointer?, _ seed: UInt64, _ passed: UnsafeMutablePointer<Int32>?,
  _ message: UnsafeMutablePointer<CChar>?, _ messageSize: Int
) -> dse_status {
  guard let networkHandle = HandleRegistry.shared.lookup(network, as: NetworkHandle.self) else {
    return fail(DSE_INVALID_HANDLE, "network: \(invalidHandle)", message, messageSize)
  }
  guard let planHandle = HandleRegistry.shared.lookup(plan, as: PlanHandle.self) else {
    return fail(DSE_INVALID_HANDLE, "plan: \(invalidHandle)", message, messageSize)
  }
  guard let passed else { return fail(DSEError(.invalidArgument, field: "passed", "NULL: expected an int32_t to set"), message, messageSize) }
  let names = networkHandle.analysis.layers.map(\.name)
  guard planHandle.plan.units.flatMap(\.layerNames) == names else {
    return fail(
      DSEError(.invalidArgument, field: "plan", "the plan is of network '\(excerpt(planHandle.plan.network))', not of this network"),
      message, messageSize)
  }
  do {
    let verifier = try Verifier(networkHandle.analysis, seed: seed)
    let result = try verifier.verify([planHandle.plan])
    passed.pointee = result.allSatisfy(\.passed) ? 1 : 0
    return succeed(message, messageSize)
  } catch {
    return fail(error, message, messageSize)
  }
}
