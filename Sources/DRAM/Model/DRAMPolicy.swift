/// What a bank does with its row after a column command.
public enum DRAMPagePolicy: String, Hashable, Sendable, Codable, CaseIterable {
  /// Keep the row open until another row of the bank is needed (or a refresh closes it).
  case open
  /// Precharge right after every column command (auto-precharge), so every request activates.
  case closed
}

/// The order in which the controller serves requests.
public enum DRAMScheduling: Hashable, Sendable, Codable, CustomStringConvertible {
  /// Trace order.
  case inOrder
  /// First-ready, first-come-first-served over a window of `window` queued requests (in trace
  /// order): the oldest request that hits an open row, else the oldest; a request never passes
  /// an older one to the same burst address.
  case frfcfs(window: Int)

  /// FR-FCFS with the default window of 32 requests.
  public static let frfcfsDefault = DRAMScheduling.frfcfs(window: 32)

  /// Largest window accepted.
  public static let largestWindow = 4096

  /// `in-order` or `frfcfs(window)`.
  public var description: String {
    switch self {
    case .inOrder: "in-order"
    case .frfcfs(let window): "frfcfs(\(window))"
    }
  }
}
