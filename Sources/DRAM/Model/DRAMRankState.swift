/// Far enough in the past that adding any timing stays far from overflow.
let distantPast = Int64.min / 4

/// The state of one bank: its open row and the earliest cycle of each next command.
struct DRAMBankState {
  /// The open row, or -1 when the bank is precharged.
  var openRow: Int64 = -1
  /// Earliest ACT (tRC after the last ACT, tRP after the last PRE, tRFC after a refresh).
  var actAllowed: Int64 = 0
  /// Earliest RD/WR (tRCD after the ACT).
  var colAllowed: Int64 = 0
  /// Earliest PRE (tRAS after the ACT, tRTP after a read, write data end + tWR after a write).
  var preAllowed: Int64 = 0
}

/// Per-rank command history for the inter-bank constraints, and the sweep that measures the
/// cycles during which the rank has a bank open (or is refreshing).
struct DRAMRankState {
  /// Cycle of the last ACT in each bank group (tRRD_L).
  var lastActByGroup: [Int64]
  /// Cycle of the last ACT in the rank (tRRD_S).
  var lastAct: Int64 = distantPast
  /// The last four ACT cycles, oldest first position at `fawIndex` (tFAW).
  var recentActs: [Int64] = [distantPast, distantPast, distantPast, distantPast]
  var fawIndex = 0
  /// Cycle of the last column command in each bank group (tCCD_L), and in the rank (tCCD_S).
  var lastColumnByGroup: [Int64]
  var lastColumn: Int64 = distantPast
  /// End of the last write data burst in each bank group (tWTR_L), and in the rank (tWTR_S).
  var writeEndByGroup: [Int64]
  var writeEnd: Int64 = distantPast
  /// Due cycle of the next all-bank refresh.
  var nextRefresh: Int64

  // Sweep over open intervals: opens arrive in nondecreasing cycle order; closes wait in
  // `pendingCloses` (at most one per bank, plus a refresh) until an open passes them.
  var pendingCloses: [Int64] = []
  var openCount = 0
  var openSince: Int64 = 0
  /// Cycles so far during which at least one bank was open or a refresh ran.
  var activeCycles: Int64 = 0

  init(bankGroups: Int, refreshInterval: Int64) {
    lastActByGroup = Array(repeating: distantPast, count: bankGroups)
    lastColumnByGroup = Array(repeating: distantPast, count: bankGroups)
    writeEndByGroup = Array(repeating: distantPast, count: bankGroups)
    nextRefresh = refreshInterval
  }

  /// The earliest cycle at or after `cycle` at which bank group `group` may take an ACT.
  func earliestActivate(_ cycle: Int64, group: Int, timing t: DRAMTiming) -> Int64 {
    max(cycle, lastActByGroup[group] + t.rrdL, lastAct + t.rrdS, recentActs[fawIndex] + t.faw)
  }

  /// Records an ACT.
  mutating func activate(at cycle: Int64, group: Int) {
    lastActByGroup[group] = cycle
    lastAct = cycle
    recentActs[fawIndex] = cycle
    fawIndex = (fawIndex + 1) % 4
    open(at: cycle)
  }

  /// An interval of activity starts (a bank opens, a refresh begins).
  mutating func open(at cycle: Int64) {
    drainCloses(upTo: cycle)
    if openCount == 0 { openSince = cycle }
    openCount += 1
  }

  /// An interval of activity ends (a bank precharges, a refresh ends).
  mutating func close(at cycle: Int64) {
    pendingCloses.append(cycle)
  }

  private mutating func drainCloses(upTo cycle: Int64) {
    guard pendingCloses.contains(where: { $0 <= cycle }) else { return }
    pendingCloses.sort()
    var remaining: [Int64] = []
    for close in pendingCloses {
      if close <= cycle { endOne(at: close) } else { remaining.append(close) }
    }
    pendingCloses = remaining
  }

  private mutating func endOne(at cycle: Int64) {
    openCount -= 1
    if openCount == 0 { activeCycles += max(0, cycle - openSince) }
  }

  /// Closes every interval at the end of the stream, clamping them to `end`.
  mutating func finish(at end: Int64) {
    pendingCloses.sort()
    for close in pendingCloses where openCount > 0 {
      let clamped = min(close, end)
      openCount -= 1
      if openCount == 0 { activeCycles += max(0, clamped - min(openSince, end)) }
    }
    pendingCloses = []
    if openCount > 0 {
      activeCycles += max(0, end - min(openSince, end))
      openCount = 0
    }
  }
}
