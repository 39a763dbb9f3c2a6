/// The DRAM model: a device, an address mapping, a page policy and a scheduling order, that
/// evaluates a stream of requests into counts, time and energy (`DRAMReport`) in memory that
/// does not grow with the stream (the FR-FCFS window and one state per bank).
public struct DRAMModel: Hashable, Sendable {
  /// The device, already validated.
  public let device: DRAMDevice
  /// How addresses map to channel, rank, bank group, bank, row and column.
  public let mapping: AddressMapping
  /// Open or closed page.
  public let policy: DRAMPagePolicy
  /// In order, or FR-FCFS within a window.
  public let scheduling: DRAMScheduling

  /// A model; refuses an invalid device, a mapping built for another organization and an
  /// FR-FCFS window outside 1...`DRAMScheduling.largestWindow`.
  public init(
    device: DRAMDevice, mapping: AddressMapping? = nil, policy: DRAMPagePolicy = .open,
    scheduling: DRAMScheduling = .inOrder
  ) throws(DRAMError) {
    try device.validate()
    let o = device.organization
    guard o.channels * o.ranks * o.banksPerRank <= 1 << 20 else {
      throw DRAMError("at most 2^20 banks in all channels and ranks are modelled", field: "organization.channels")
    }
    let resolved: AddressMapping
    if let mapping {
      resolved = mapping
    } else {
      resolved = try AddressMapping(AddressMapping.defaultOrder, device: device)
    }
    let expected = try AddressMapping(resolved.description, device: device)
    guard expected == resolved else {
      throw DRAMError("the mapping was built for another device organization; build it for \(device.name)", field: "mapping")
    }
    if case .frfcfs(let window) = scheduling, window < 1 || window > DRAMScheduling.largestWindow {
      throw DRAMError(
        "expected an FR-FCFS window from 1 to \(DRAMScheduling.largestWindow) requests, found \(window)",
        field: "scheduling.window")
    }
    self.device = device
    self.mapping = resolved
    self.policy = policy
    self.scheduling = scheduling
  }

  /// Evaluates `requests` (iterated once, never stored).
  public func evaluate(_ requests: some Sequence<DRAMRequest>) -> DRAMReport {
    var session = DRAMSession(self)
    for request in requests { session.serve(request) }
    return session.finish()
  }
}

/// One run of a `DRAMModel` fed a request at a time, for callers that produce requests as they
/// go (a simulator, or a plan's units each with its own run): `serve` each request in trace
/// order, then `finish` for the report. `DRAMModel.evaluate` is a session over a sequence.
public struct DRAMSession: Sendable {
  /// The model this session runs.
  public let model: DRAMModel
  private var controller: DRAMController
  private var queue: DRAMRequestWindow?

  /// A session from idle: every bank precharged, the first refresh due tREFI from cycle 0.
  public init(_ model: DRAMModel) {
    self.model = model
    controller = DRAMController(device: model.device, policy: model.policy)
    if case .frfcfs(let window) = model.scheduling {
      queue = DRAMRequestWindow(capacity: window, offsetBits: model.mapping.offsetBits)
    }
  }

  /// Takes the next request of the trace (in order; FR-FCFS may serve it later).
  public mutating func serve(_ request: DRAMRequest) {
    let coordinates = model.mapping.decode(request.address)
    guard queue != nil else {
      controller.serve(request, at: coordinates)
      return
    }
    if queue?.isFull == true { serveOneQueued() }
    queue?.append(request, coordinates)
  }

  /// Serves what is queued and returns the report of every request served.
  public mutating func finish() -> DRAMReport {
    while queue?.isEmpty == false { serveOneQueued() }
    let counts = controller.finish()
    return DRAMReport(
      device: model.device, mapping: model.mapping, policy: model.policy, scheduling: model.scheduling, counts: counts)
  }

  private mutating func serveOneQueued() {
    // The window moves out while it is searched, so that the search reads the controller's
    // banks without copying them.
    guard var window = queue else { return }
    queue = nil
    let next = window.takeNext(isRowOpen: { controller.isRowOpen($0) })
    queue = window
    if let (request, coordinates) = next { controller.serve(request, at: coordinates) }
  }
}

/// The FR-FCFS queue: at most `capacity` requests in trace order.
struct DRAMRequestWindow {
  let capacity: Int
  let offsetBits: Int
  var requests: [DRAMRequest] = []
  var coordinates: [DRAMCoordinates] = []

  init(capacity: Int, offsetBits: Int) {
    self.capacity = capacity
    self.offsetBits = offsetBits
    requests.reserveCapacity(capacity)
    coordinates.reserveCapacity(capacity)
  }

  var isFull: Bool { requests.count >= capacity }

  var isEmpty: Bool { requests.isEmpty }

  mutating func append(_ request: DRAMRequest, _ at: DRAMCoordinates) {
    requests.append(request)
    coordinates.append(at)
  }

  /// Removes and returns the oldest request whose row is open and that no older queued request
  /// shares a burst address with; else the oldest; nil when empty.
  mutating func takeNext(isRowOpen: (DRAMCoordinates) -> Bool) -> (DRAMRequest, DRAMCoordinates)? {
    guard !requests.isEmpty else { return nil }
    var chosen = 0
    search: for index in requests.indices where isRowOpen(coordinates[index]) {
      let burst = requests[index].address >> UInt64(offsetBits)
      for older in 0..<index where requests[older].address >> UInt64(offsetBits) == burst { continue search }
      chosen = index
      break
    }
    let request = requests.remove(at: chosen)
    let at = coordinates.remove(at: chosen)
    return (request, at)
  }
}

extension DRAMModel {
  /// Evaluates every request of a trace file, read in chunks (memory does not grow with it).
  /// - Throws: the `TraceError` of the first malformed line (file, line, field), after which
  ///   nothing is reported.
  public func evaluate(trace reader: TraceReader) throws(TraceError) -> DRAMReport {
    var session = DRAMSession(self)
    while let record = try reader.next() { session.serve(record.request) }
    return session.finish()
  }
}
