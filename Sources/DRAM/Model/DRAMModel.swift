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
    var controller = DRAMController(device: device, policy: policy)
    switch scheduling {
    case .inOrder:
      for request in requests { controller.serve(request, at: mapping.decode(request.address)) }
    case .frfcfs(let window):
      var queue = DRAMRequestWindow(capacity: window, offsetBits: mapping.offsetBits)
      var iterator = requests.makeIterator()
      var exhausted = false
      while true {
        while !exhausted && !queue.isFull {
          if let request = iterator.next() {
            queue.append(request, mapping.decode(request.address))
          } else {
            exhausted = true
          }
        }
        guard let (request, coordinates) = queue.takeNext(isRowOpen: { controller.isRowOpen($0) }) else { break }
        controller.serve(request, at: coordinates)
      }
    }
    let counts = controller.finish()
    return DRAMReport(device: device, mapping: mapping, policy: policy, scheduling: scheduling, counts: counts)
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
