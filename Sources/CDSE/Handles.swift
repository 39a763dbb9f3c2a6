import CDSEHeader
import DSE
import Synchronization

/// The objects behind the C ABI's opaque handles. A handle is a number the registry hands out,
/// never an address: it is looked up, never dereferenced, and never reused, so a freed or
/// forged handle is detected (DSE_INVALID_HANDLE) instead of touching freed memory.
final class HandleRegistry: Sendable {
  static let shared = HandleRegistry()

  private let objects = Mutex<(next: UInt, live: [UInt: any Sendable])>((next: 0x1000, live: [:]))

  /// Registers `object` and returns its handle.
  func register(_ object: any Sendable) -> OpaquePointer {
    let key = objects.withLock { state in
      state.next += 16
      state.live[state.next] = object
      return state.next
    }
    // Non-nil: keys start above 0x1000.
    return OpaquePointer(bitPattern: key)!
  }

  /// The object of a live handle of type T.
  func lookup<T>(_ handle: OpaquePointer?, as type: T.Type) -> T? {
    guard let handle else { return nil }
    let key = UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(handle)))
    return objects.withLock { $0.live[key] } as? T
  }

  /// Forgets a handle of type T; false when it is not live (or of another type).
  @discardableResult
  func release<T>(_ handle: OpaquePointer?, as type: T.Type) -> Bool {
    guard let handle else { return false }
    let key = UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(handle)))
    return objects.withLock { state in
      guard state.live[key] is T else { return false }
      state.live[key] = nil
      return true
    }
  }
}

/// A C string owned by a handle: allocated once, freed with the handle.
final class OwnedCString: @unchecked Sendable {
  let pointer: UnsafeMutablePointer<CChar>

  init(_ text: String) {
    let bytes = Array(text.utf8CString)
    pointer = .allocate(capacity: bytes.count)
    pointer.initialize(from: bytes, count: bytes.count)
  }

  deinit { pointer.deallocate() }

  var constant: UnsafePointer<CChar> { UnsafePointer(pointer) }
}

/// What `dse_network*` stands for.
final class NetworkHandle: Sendable {
  let analysis: NetworkAnalysis
  let name: OwnedCString

  init(_ analysis: NetworkAnalysis) {
    self.analysis = analysis
    name = OwnedCString(analysis.network.name)
  }
}

/// What `dse_plan*` stands for: the plan and the strings its queries return.
final class PlanHandle: Sendable {
  let plan: Plan
  let network: OwnedCString
  let strategy: OwnedCString
  let solver: OwnedCString
  let units: [UnitStrings]

  struct UnitStrings: Sendable {
    let name: OwnedCString
    let operation: OwnedCString
    let layers: OwnedCString
    let schedule: OwnedCString
    let order: OwnedCString
    let scan: OwnedCString
    let chunks: OwnedCString
    let split: OwnedCString
  }

  init(_ plan: Plan) {
    self.plan = plan
    network = OwnedCString(plan.network)
    strategy = OwnedCString(plan.strategy.rawValue)
    solver = OwnedCString(plan.record.solver)
    units = plan.units.map { unit in
      let loops = unit.loops
      return UnitStrings(
        name: OwnedCString(unit.name), operation: OwnedCString(unit.operation),
        layers: OwnedCString(unit.layerNames.joined(separator: "+")), schedule: OwnedCString(unit.scheduleDescription),
        order: OwnedCString(loops.order.joined(separator: " ")), scan: OwnedCString(loops.scanned.joined(separator: " ")),
        chunks: OwnedCString(loops.chunks.map(String.init).joined(separator: "/")),
        split: OwnedCString(unit.split.description))
    }
  }
}

/// The names of a plan's DRAM tensors as C strings, owned by the iterator that hands them out.
struct TensorNames: Sendable {
  private let names: [String: OwnedCString]

  init(_ plan: Plan) {
    var names: [String: OwnedCString] = [:]
    for unit in plan.units {
      for tensor in unit.tensors() where names[tensor.name] == nil { names[tensor.name] = OwnedCString(tensor.name) }
    }
    self.names = names
  }

  /// The C string of `name` (NULL for a name the plan does not have, which no transfer carries).
  subscript(name: String) -> UnsafePointer<CChar>? { names[name]?.constant }
}

/// What `dse_transfers*` and `dse_transactions*` stand for: a lazy iterator, advanced under a
/// lock so that misuse from two threads cannot corrupt it, and the tensor names it hands out.
final class IteratorHandle<Iterator: IteratorProtocol>: Sendable {
  let iterator: Mutex<Iterator>
  let tensors: TensorNames

  init(_ iterator: sending Iterator, tensors: TensorNames) {
    self.iterator = Mutex(iterator)
    self.tensors = tensors
  }
}

typealias TransfersHandle = IteratorHandle<PlanTransfers.Iterator>
typealias TransactionsHandle = IteratorHandle<DRAMTransactions.Iterator>
