import Testing

@testable import DRAM

// Hand-computed streams on the DDR4-2400 x8 device (arch/dram/ddr4-2400-x8.yaml), mapping
// rochrababgco: a burst is 64 B; bits 6-12 column, 13-14 bank group, 15-16 bank, 17 rank,
// 18-33 row. Timing (cycles): tRCD 16, tRP 16, tRAS 39, tRC 55, CL 16, CWL 12, tCCD_S 4,
// tCCD_L 6, tRRD_S 4, tRRD_L 6, tFAW 26, tWTR_S 3, tWTR_L 9, tRTP 9, tWR 18, tBURST 4,
// tREFI 9364, tRFC 420. The timing model: a request's commands issue no earlier than its
// arrival and the previous request's column command; data of a read occupies
// [RD + CL, RD + CL + tBURST), of a write [WR + CWL, WR + CWL + tBURST).

func ddr4Model(
  policy: DRAMPagePolicy = .open, scheduling: DRAMScheduling = .inOrder, mapping: String = "rochrababgco"
) throws -> DRAMModel {
  let device = try DRAMDevice.named("ddr4-2400-x8")
  return try DRAMModel(
    device: device, mapping: AddressMapping(mapping, device: device), policy: policy, scheduling: scheduling)
}

func reads(_ addresses: [UInt64]) -> [DRAMRequest] { addresses.map { DRAMRequest(address: $0, isWrite: false) } }

/// Byte address of (row, rank, bank, bank group, burst) under rochrababgco.
func ddr4Address(row: UInt64 = 0, rank: UInt64 = 0, bank: UInt64 = 0, group: UInt64 = 0, burst: UInt64 = 0) -> UInt64 {
  row << 18 | rank << 17 | bank << 15 | group << 13 | burst << 6
}

// Sequential reads: 128 bursts per row, then the next bank group (then bank, rank).
// Row j's first RD comes tRCD = 16 after its ACT, which issues at the previous RD; each later
// RD of the row tCCD_L = 6 after the last: RD(j, i) = 16 + 778 j + 6 i, 778 = 6 x 127 + 16.
// 8 rows (1024 requests): last RD = 16 + 778 x 7 + 762 = 6224, data ends 6224 + 16 + 4 = 6244.
@Test func sequentialReadsActivateOncePerRow() throws {
  let report = try ddr4Model().evaluate(reads((0..<1024).map { UInt64($0) * 64 }))
  #expect(report.requests == 1024)
  #expect(report.activations == 8)
  #expect(report.emptyMisses == 8 && report.readEmptyMisses == 8)
  #expect(report.rowHits == 1016 && report.readRowHits == 1016)
  #expect(report.conflicts == 0 && report.precharges == 0)
  #expect(report.cycles == 6244)
  #expect(report.refreshes == 0)  // 6244 < tREFI
  #expect(abs(report.timeNanoseconds - 6244 * 0.833) < 1e-6)
  #expect(abs(report.bandwidthGigabytesPerSecond - 1024 * 64 / (6244 * 0.833)) < 1e-9)
  #expect(abs(report.hitRate - 1016.0 / 1024.0) < 1e-12)
}

// Stride of one row (2^18 B): same bank, new row each time. ACT i at 55 i (tRC; the PRE at
// ACT + tRAS = 39 and ACT at PRE + tRP = 55), RD at ACT + 16; 8 requests end at
// 55 x 7 + 16 + 16 + 4 = 421.
@Test func rowStrideConflictsEveryTime() throws {
  let report = try ddr4Model().evaluate(reads((0..<8).map { ddr4Address(row: UInt64($0)) }))
  #expect(report.emptyMisses == 1)
  #expect(report.conflicts == 7 && report.readConflicts == 7)
  #expect(report.rowHits == 0)
  #expect(report.activations == 8 && report.precharges == 7)
  #expect(report.cycles == 421)
  // Rank 0 has the bank open during [55 i, 55 i + 39) for i < 7 and [385, 421): 7 x 39 + 36.
  #expect(report.activeRankCycles == 309)
  #expect(report.prechargedRankCycles == 2 * 421 - 309)
}

// Each request in another bank: 32 banks (4 groups x 4 banks x 2 ranks), bank stride 8 KiB,
// then back to burst 1 of each. Pass 0: ACT k at 16 k (each at the previous RD), RD at
// 16 k + 16 -> last RD 512, data end 532. Pass 1 (hits): first RD waits for the data bus
// (532 - CL = 516), then one every tCCD_S = 4 (bank groups alternate) -> last RD 640, end 660.
// Pass p >= 1 starts at 516 + 128 (p - 1).
@Test func bankStrideMissesOnceThenHits() throws {
  func stream(passes: Int) -> [DRAMRequest] {
    reads(
      (0..<passes).flatMap { pass in
        (0..<32).map { k in UInt64(k) * 8192 + UInt64(pass) * 64 }
      })
  }
  let two = try ddr4Model().evaluate(stream(passes: 2))
  #expect(two.emptyMisses == 32 && two.rowHits == 32 && two.conflicts == 0)
  #expect(two.activations == 32)
  #expect(two.cycles == 660)
  let four = try ddr4Model().evaluate(stream(passes: 4))
  #expect(four.emptyMisses == 32 && four.rowHits == 96)
  #expect(four.cycles == 660 + 128 * 2)
}

// Read/write alternation in one row: R0 RD 16 (data 32-36); W1 WR 24 (data bus: 36 - CWL);
// data 36-40; R2 waits tWTR_L after the write data: RD 40 + 9 = 49, data 65-69; W3 WR at
// 69 - 12 = 57, data 69-73; R4 RD at 73 + 9 = 82, data 98-102. All reads would end at 60.
@Test func readWriteAlternationShowsWriteToReadTurnaround() throws {
  let requests = (0..<5).map { DRAMRequest(address: UInt64($0) * 64, isWrite: $0 % 2 == 1) }
  let four = try ddr4Model().evaluate(requests.prefix(4))
  #expect(four.cycles == 73)
  let five = try ddr4Model().evaluate(requests)
  #expect(five.cycles == 102)
  #expect(five.reads == 3 && five.writes == 2)
  #expect(five.readRowHits == 2 && five.writeRowHits == 2 && five.readEmptyMisses == 1)
  let allReads = try ddr4Model().evaluate(reads((0..<5).map { UInt64($0) * 64 }))
  #expect(allReads.cycles == 16 + 6 * 4 + 20)
}

// Closed page: every request activates. ACT i at 55 i (PRE at ACT + tRAS, ACT at PRE + tRP =
// tRC); 4 requests end at 165 + 16 + 16 + 4 = 201. The bank is open [55 i, 55 i + 39),
// the last clamped at 201: 3 x 39 + 36 = 153 active rank-cycles.
@Test func closedPageActivatesEveryRequest() throws {
  let report = try ddr4Model(policy: .closed).evaluate(reads((0..<4).map { UInt64($0) * 64 }))
  #expect(report.activations == 4 && report.precharges == 4)
  #expect(report.emptyMisses == 4 && report.rowHits == 0 && report.conflicts == 0)
  #expect(report.cycles == 201)
  #expect(report.activeRankCycles == 153)
}

// Two rows of one bank interleaved: in order every request after the first conflicts;
// FR-FCFS (window 32) serves row 0's four requests, then row 1's: 2 activations, 6 hits.
@Test func frfcfsTurnsAnInterleavingIntoHits() throws {
  let stream = reads((0..<8).map { ddr4Address(row: UInt64($0 % 2), burst: UInt64($0 / 2)) })
  let inOrder = try ddr4Model().evaluate(stream)
  #expect(inOrder.activations == 8 && inOrder.conflicts == 7 && inOrder.rowHits == 0)
  let scheduled = try ddr4Model(scheduling: .frfcfsDefault).evaluate(stream)
  #expect(scheduled.activations == 2 && scheduled.conflicts == 1 && scheduled.emptyMisses == 1)
  #expect(scheduled.rowHits == 6)
  #expect(scheduled.cycles < inOrder.cycles)
  #expect(scheduled.scheduling == "frfcfs(32)")
  // A window of one is in-order service.
  let windowOne = try ddr4Model(scheduling: .frfcfs(window: 1)).evaluate(stream)
  #expect(windowOne == inOrder.with(scheduling: "frfcfs(1)"))
}

// A write then a read of the same burst (row 1) behind a request to row 0: the read hits only
// if it is served after the write (which opens row 1); served before, it would be the conflict.
@Test func frfcfsNeverReordersOneBurstAddress() throws {
  let x = ddr4Address(row: 1, burst: 3)
  let stream = [
    DRAMRequest(address: ddr4Address(row: 0), isWrite: false),
    DRAMRequest(address: x, isWrite: true),
    DRAMRequest(address: ddr4Address(row: 0, burst: 1), isWrite: false),
    DRAMRequest(address: x, isWrite: false),
  ]
  let report = try ddr4Model(scheduling: .frfcfsDefault).evaluate(stream)
  #expect(report.writeConflicts == 1 && report.writeRowHits == 0)
  #expect(report.readRowHits == 2 && report.readEmptyMisses == 1 && report.readConflicts == 0)
}

// Refresh: every rank refreshes at each multiple of tREFI up to the end of the stream.
@Test func refreshesAreFloorOfTimeOverRefreshIntervalPerRank() throws {
  // One read arriving at cycle 100000: ACT at 100000, data ends 100036; floor(100036 / 9364)
  // = 10 refreshes in each of the 2 ranks.
  let idle = try ddr4Model().evaluate([DRAMRequest(address: 0, isWrite: false, cycle: 100_000)])
  #expect(idle.cycles == 100_036)
  #expect(idle.refreshes == 2 * (100_036 / 9364))
  // Active rank-cycles: 10 refreshes x tRFC 420 per rank, and rank 0's bank for 36 cycles.
  #expect(idle.activeRankCycles == 2 * 10 * 420 + 36)
  // A long sequential stream (crosses several refreshes and wraps into row conflicts).
  let long = try ddr4Model().evaluate(reads((0..<20_000).map { UInt64($0) * 64 }))
  #expect(long.refreshes == 2 * (long.cycles / 9364))
  // One ACT per row (157 rows of 128 bursts), plus one per row that a refresh closed midway.
  #expect(long.activations >= 157 && long.activations <= 157 + long.refreshes)
  #expect(long.rowHits + long.emptyMisses + long.conflicts == 20_000)
}

// A request cannot start before it arrives.
@Test func requestsWaitForTheirArrival() throws {
  let report = try ddr4Model().evaluate([
    DRAMRequest(address: 0, isWrite: false, cycle: 0), DRAMRequest(address: 64, isWrite: false, cycle: 500),
  ])
  #expect(report.cycles == 500 + 16 + 4)  // hit: RD at 500, data 516-520
}

extension DRAMReport {
  /// The report with another scheduling label.
  func with(scheduling: String) -> DRAMReport {
    var copy = self
    copy.scheduling = scheduling
    return copy
  }
}
