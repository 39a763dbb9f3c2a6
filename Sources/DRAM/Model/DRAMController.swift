/// Event counts of one evaluation (all 64-bit), from which time and energy follow.
public struct DRAMCounts: Hashable, Sendable, Codable {
  /// Read requests that found their row open.
  public var readHits: Int64 = 0
  /// Write requests that found their row open.
  public var writeHits: Int64 = 0
  /// Read requests to a precharged bank (ACT only).
  public var readEmptyMisses: Int64 = 0
  /// Write requests to a precharged bank (ACT only).
  public var writeEmptyMisses: Int64 = 0
  /// Read requests that found another row open (PRE then ACT).
  public var readConflicts: Int64 = 0
  /// Write requests that found another row open (PRE then ACT).
  public var writeConflicts: Int64 = 0
  /// ACT commands.
  public var activations: Int64 = 0
  /// PRE commands (conflicts, closed-page auto-precharges, precharges before refreshes).
  public var precharges: Int64 = 0
  /// All-bank refreshes, summed over ranks.
  public var refreshes: Int64 = 0
  /// Cycles from 0 to the end of the last data burst.
  public var cycles: Int64 = 0
  /// Rank-cycles with a bank open or a refresh running, summed over ranks.
  public var activeRankCycles: Int64 = 0
  /// Rank-cycles with every bank precharged, summed over ranks (ranks x cycles - active).
  public var prechargedRankCycles: Int64 = 0

  /// Read requests.
  public var reads: Int64 { readHits + readEmptyMisses + readConflicts }
  /// Write requests.
  public var writes: Int64 { writeHits + writeEmptyMisses + writeConflicts }
  /// All requests.
  public var requests: Int64 { reads + writes }
  /// Row hits, read and write.
  public var rowHits: Int64 { readHits + writeHits }
  /// Empty-bank misses, read and write.
  public var emptyMisses: Int64 { readEmptyMisses + writeEmptyMisses }
  /// Row conflicts, read and write.
  public var conflicts: Int64 { readConflicts + writeConflicts }

  /// Counts all zero.
  public init() {}
}

/// The command-timing state of all channels, ranks and banks, serving one request at a time in
/// the order it is given (docs/dram-model.md, "Timing").
struct DRAMController {
  let device: DRAMDevice
  let policy: DRAMPagePolicy
  let t: DRAMTiming
  var banks: [DRAMBankState]
  var ranks: [DRAMRankState]
  /// Per channel: cycle of the last column command (in-order issue), data bus free cycle.
  var lastColumn: [Int64]
  var busFree: [Int64]
  var counts = DRAMCounts()
  var lastDataEnd: Int64 = 0

  init(device: DRAMDevice, policy: DRAMPagePolicy) {
    self.device = device
    self.policy = policy
    t = device.timing
    let o = device.organization
    banks = Array(repeating: DRAMBankState(), count: o.channels * o.ranks * o.banksPerRank)
    ranks = Array(
      repeating: DRAMRankState(bankGroups: o.bankGroups, refreshInterval: device.timing.refi),
      count: o.channels * o.ranks)
    lastColumn = Array(repeating: distantPast, count: o.channels)
    busFree = Array(repeating: 0, count: o.channels)
  }

  func rankIndex(_ c: DRAMCoordinates) -> Int { c.channel * device.organization.ranks + c.rank }

  func bankIndex(_ c: DRAMCoordinates) -> Int {
    let o = device.organization
    return (rankIndex(c) * o.bankGroups + c.bankGroup) * o.banksPerGroup + c.bank
  }

  /// Whether the request's row is open in its bank now.
  func isRowOpen(_ c: DRAMCoordinates) -> Bool { banks[bankIndex(c)].openRow == c.row }

  /// Serves one request: refreshes that fell due, then PRE / ACT as needed, then RD or WR.
  mutating func serve(_ request: DRAMRequest, at c: DRAMCoordinates) {
    let r = rankIndex(c)
    let b = bankIndex(c)
    let start = max(request.cycle, lastColumn[c.channel])
    while ranks[r].nextRefresh <= start { refresh(rank: r) }

    var bank = banks[b]
    var column = max(start, bank.colAllowed)
    if bank.openRow != c.row {
      var activate = start
      if bank.openRow >= 0 {
        let precharge = max(start, bank.preAllowed)
        counts.precharges += 1
        ranks[r].close(at: precharge)
        bank.actAllowed = max(bank.actAllowed, precharge + t.rp)
        if request.isWrite { counts.writeConflicts += 1 } else { counts.readConflicts += 1 }
      } else {
        if request.isWrite { counts.writeEmptyMisses += 1 } else { counts.readEmptyMisses += 1 }
      }
      activate = ranks[r].earliestActivate(max(activate, bank.actAllowed), group: c.bankGroup, timing: t)
      ranks[r].activate(at: activate, group: c.bankGroup)
      counts.activations += 1
      bank.openRow = c.row
      bank.actAllowed = activate + t.rc
      bank.colAllowed = activate + t.rcd
      bank.preAllowed = activate + t.ras
      column = bank.colAllowed
    } else {
      if request.isWrite { counts.writeHits += 1 } else { counts.readHits += 1 }
    }

    let rank = ranks[r]
    let latency = request.isWrite ? t.cwl : t.cl
    column = max(
      column, rank.lastColumnByGroup[c.bankGroup] + t.ccdL, rank.lastColumn + t.ccdS, busFree[c.channel] - latency)
    if !request.isWrite {
      column = max(column, rank.writeEndByGroup[c.bankGroup] + t.wtrL, rank.writeEnd + t.wtrS)
    }
    let dataEnd = column + latency + t.burst
    busFree[c.channel] = dataEnd
    lastColumn[c.channel] = column
    lastDataEnd = max(lastDataEnd, dataEnd)
    ranks[r].lastColumnByGroup[c.bankGroup] = column
    ranks[r].lastColumn = column
    if request.isWrite {
      ranks[r].writeEndByGroup[c.bankGroup] = dataEnd
      ranks[r].writeEnd = dataEnd
      bank.preAllowed = max(bank.preAllowed, dataEnd + t.wr)
    } else {
      bank.preAllowed = max(bank.preAllowed, column + t.rtp)
    }
    if policy == .closed {
      let precharge = bank.preAllowed
      counts.precharges += 1
      ranks[r].close(at: precharge)
      bank.openRow = -1
      bank.actAllowed = max(bank.actAllowed, precharge + t.rp)
    }
    banks[b] = bank
  }

  /// One all-bank refresh of rank `r`, due at its `nextRefresh`: precharges the open banks,
  /// waits tRP, refreshes for tRFC.
  mutating func refresh(rank r: Int) {
    let o = device.organization
    var start = ranks[r].nextRefresh
    let first = r * o.banksPerRank
    for b in first..<first + o.banksPerRank {
      if banks[b].openRow >= 0 {
        let precharge = max(banks[b].preAllowed, ranks[r].nextRefresh)
        counts.precharges += 1
        ranks[r].close(at: precharge)
        banks[b].openRow = -1
        banks[b].actAllowed = max(banks[b].actAllowed, precharge + t.rp)
      }
      start = max(start, banks[b].actAllowed)
    }
    ranks[r].open(at: start)
    ranks[r].close(at: start + t.rfc)
    for b in first..<first + o.banksPerRank {
      banks[b].actAllowed = max(banks[b].actAllowed, start + t.rfc)
    }
    counts.refreshes += 1
    ranks[r].nextRefresh += t.refi
  }

  /// Ends the stream: the time is the end of the last data burst; every refresh due by then is
  /// counted (without extending the time); the activity sweep is closed at that time.
  mutating func finish() -> DRAMCounts {
    let end = lastDataEnd
    var active: Int64 = 0
    for r in ranks.indices {
      while ranks[r].nextRefresh <= end { refresh(rank: r) }
      ranks[r].finish(at: end)
      active += ranks[r].activeCycles
    }
    counts.cycles = end
    counts.activeRankCycles = active
    counts.prechargedRankCycles = Int64(ranks.count) * end - active
    return counts
  }
}
