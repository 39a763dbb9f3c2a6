import Foundation
import Testing

@testable import DRAM

// Energy expectations written out from the equations of Micron TN-40-07 and DRAMPower
// (docs/dram-model.md, "Energy") and the device figures, not from the model's helpers.
// DDR4-2400 x8 per device: VDD 1.2 V, IDD0 48, IDD2N 34, IDD3N 43, IDD4R 135, IDD4W 123,
// IDD5B 250 mA; VPP 2.5 V, IPP0 = IPP2N = IPP3N = IPP4R = IPP4W = IPP5B = 3 mA; tCK 0.833 ns;
// tRC 55, tRAS 39, tBURST 4, tRFC 420 cycles; 8 devices per rank. mA x V x ns = pJ.

/// Equal to a picojoule.
func closeToPicojoule(_ actual: Double, _ expected: Double) -> Bool { abs(actual - expected) < 1 }

// Per device: ACT/PRE pair VDD: 1.2 x (48 x 55 - (43 x 39 + 34 x 16)) x 0.833 = 1.2 x 419 x 0.833;
// VPP: 2.5 x (3 x 55 - (3 x 39 + 3 x 16)) x 0.833 = 0.
let ddr4ActivationPerRank = (1.2 * 419 * 0.833 + 0) * 8  // 3350.7168 pJ
// Read burst VDD: 1.2 x (135 - 43) x 4 x 0.833; VPP: 2.5 x (3 - 3) x 4 x 0.833 = 0.
let ddr4ReadPerRank = 1.2 * 92 * 4 * 0.833 * 8  // 2942.8224 pJ
// Write burst VDD: 1.2 x (123 - 43) x 4 x 0.833.
let ddr4WritePerRank = 1.2 * 80 * 4 * 0.833 * 8  // 2558.976 pJ
// Refresh VDD: 1.2 x (250 - 43) x 420 x 0.833; VPP: 2.5 x (3 - 3) x 420 x 0.833 = 0.
let ddr4RefreshPerRank = 1.2 * 207 * 420 * 0.833 * 8  // 695241.792 pJ
// Standby per rank-cycle: active (1.2 x 43 + 2.5 x 3) x 0.833 x 8, precharged (1.2 x 34 + 2.5 x 3) x 0.833 x 8.
let ddr4ActivePerCycle = (1.2 * 43 + 2.5 * 3) * 0.833 * 8
let ddr4PrechargedPerCycle = (1.2 * 34 + 2.5 * 3) * 0.833 * 8

// The sequential stream of DRAMTimingTests: 1024 reads, 8 ACTs, 6244 cycles; rank 0 has a
// bank open from cycle 0 to the end, rank 1 none: 6244 active and 6244 precharged rank-cycles.
@Test func sequentialReadEnergyToThePicojoule() throws {
  let report = try ddr4Model().evaluate(reads((0..<1024).map { UInt64($0) * 64 }))
  #expect(report.activeRankCycles == 6244 && report.prechargedRankCycles == 6244)
  #expect(closeToPicojoule(report.activationPicojoules, 8 * ddr4ActivationPerRank))  // 26805.7344
  #expect(closeToPicojoule(report.readPicojoules, 1024 * ddr4ReadPerRank))  // 3013450.1376
  #expect(report.writePicojoules == 0 && report.refreshPicojoules == 0)
  #expect(closeToPicojoule(report.activeStandbyPicojoules, 6244 * ddr4ActivePerCycle))
  #expect(closeToPicojoule(report.prechargedStandbyPicojoules, 6244 * ddr4PrechargedPerCycle))
  let total = 8 * ddr4ActivationPerRank + 1024 * ddr4ReadPerRank + 6244 * (ddr4ActivePerCycle + ddr4PrechargedPerCycle)
  #expect(closeToPicojoule(report.totalPicojoules, total))
  #expect(abs(report.picojoulesPerBit - total / (1024 * 64 * 8)) < 1e-9)
}

// Published DDR figures bound the dynamic energy per bit of a sequential read stream:
// Horowitz, "Computing's energy problem", ISSCC 2014, puts a 64-bit DRAM access at
// 1.3-2.6 nJ, i.e. 20-40 pJ/bit including the off-chip interface; Li, Reddy and Jacob,
// "A performance & power comparison of modern high-speed DRAM architectures", MEMSYS 2018,
// find most DRAM energy in that I/O, which this model leaves out. The device core's share for
// DDR4 must therefore lie well under 20 pJ/bit and above the ~2 pJ/bit of HBM2's whole access
// (O'Connor et al., "Fine-grained DRAM", MICRO 2017, give 3.9 pJ/bit for HBM2).
// By hand: (8 x 3350.7 + 1024 x 2942.8) / (1024 x 512) = 5.80 pJ/bit.
@Test func sequentialReadDynamicEnergyPerBitIsInThePublishedRange() throws {
  let report = try ddr4Model().evaluate(reads((0..<1024).map { UInt64($0) * 64 }))
  #expect(report.dynamicPicojoulesPerBit > 2 && report.dynamicPicojoulesPerBit < 20)
  #expect(abs(report.dynamicPicojoulesPerBit - (8 * ddr4ActivationPerRank + 1024 * ddr4ReadPerRank) / (1024 * 512)) < 1e-9)
  // Longer streams (with refreshes and row wrap-around) stay in the range too.
  let long = try ddr4Model().evaluate(reads((0..<65_536).map { UInt64($0) * 64 }))
  #expect(long.dynamicPicojoulesPerBit > 2 && long.dynamicPicojoulesPerBit < 20)
}

// One read at cycle 100000: 20 refreshes (10 per rank), 1 ACT, 1 read; active rank-cycles
// 2 x 10 x 420 + 36 = 8436, precharged 2 x 100036 - 8436 = 191636.
@Test func refreshAndBackgroundEnergyToThePicojoule() throws {
  let report = try ddr4Model().evaluate([DRAMRequest(address: 0, isWrite: false, cycle: 100_000)])
  #expect(closeToPicojoule(report.refreshPicojoules, 20 * ddr4RefreshPerRank))
  #expect(closeToPicojoule(report.activationPicojoules, ddr4ActivationPerRank))
  #expect(closeToPicojoule(report.readPicojoules, ddr4ReadPerRank))
  #expect(closeToPicojoule(report.activeStandbyPicojoules, 8436 * ddr4ActivePerCycle))
  #expect(closeToPicojoule(report.prechargedStandbyPicojoules, 191_636 * ddr4PrechargedPerCycle))
}

// Writes: the alternation of DRAMTimingTests (3 reads, 2 writes, 1 ACT).
@Test func writeEnergyToThePicojoule() throws {
  let requests = (0..<5).map { DRAMRequest(address: UInt64($0) * 64, isWrite: $0 % 2 == 1) }
  let report = try ddr4Model().evaluate(requests)
  #expect(closeToPicojoule(report.writePicojoules, 2 * ddr4WritePerRank))
  #expect(closeToPicojoule(report.readPicojoules, 3 * ddr4ReadPerRank))
}

// LPDDR4 (two rails): per x16 channel, ACT/PRE pair VDD1 1.8 x (3.5 x 97 - (2.25 x 68 + 2.0 x 29))
// x 0.625 = 144.5625, VDD2 1.1 x (45 x 97 - (30 x 68 + 27 x 29)) x 0.625 = 1060.125; read
// burst VDD1 1.8 x (2.25 - 2.25) x 8 x 0.625 = 0, VDD2 1.1 x (275 - 30) x 8 x 0.625 = 1347.5;
// 4 channels per rank. One row: 64 reads of 128 B, RD i at 29 + 8 i (tCCD 8 = tBURST), data of
// the last ends 533 + 28 + 8 = 569.
@Test func lpddr4TwoRailsToThePicojoule() throws {
  let device = try DRAMDevice.named("lpddr4-x16")
  let model = try DRAMModel(device: device)
  let report = model.evaluate(reads((0..<64).map { UInt64($0) * 128 }))
  #expect(report.activations == 1 && report.rowHits == 63)
  #expect(report.cycles == 569)
  #expect(closeToPicojoule(report.activationPicojoules, (144.5625 + 1060.125) * 4))
  #expect(closeToPicojoule(report.readPicojoules, 64 * 1347.5 * 4))
  // Standby: the rank is active all 569 cycles: (1.8 x 2.25 + 1.1 x 30) x 0.625 x 4 per cycle.
  #expect(closeToPicojoule(report.activeStandbyPicojoules, 569 * (1.8 * 2.25 + 1.1 * 30) * 0.625 * 4))
  #expect(report.prechargedStandbyPicojoules == 0)
}

@Test func reportEncodesWithSnakeCaseKeysAndRendersATable() throws {
  let report = try ddr4Model().evaluate(reads([0, 64]))
  let table = report.description
  #expect(table.contains("row hits") && table.contains("pJ/bit") && table.contains("GB/s"))
  let json = String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
  for key in ["\"pj_per_bit\"", "\"read_row_hits\"", "\"empty_misses\"", "\"bandwidth_gb_per_s\"", "\"time_ns\"", "\"total_pj\""] {
    #expect(json.contains(key), "\(key)")
  }
  #expect(!json.contains("Picojoules"))
  let decoded = try JSONDecoder().decode(DRAMReport.self, from: Data(json.utf8))
  #expect(decoded == report)
}

/// A lazy sequence of `count` sequential reads, never materialized.
struct SequentialReads: Sequence, IteratorProtocol {
  var index = 0
  let count: Int
  let stride: UInt64
  mutating func next() -> DRAMRequest? {
    guard index < count else { return nil }
    defer { index += 1 }
    return DRAMRequest(address: UInt64(index) * stride, isWrite: false)
  }
}

// One million sequential reads from a lazy sequence: constant memory (the model keeps one state
// per bank and, for FR-FCFS, the window). Time printed, not asserted (debug build, 2 cores:
// about 1-2 s in order).
@Test func millionRequestStreamInConstantMemory() throws {
  let clock = ContinuousClock()
  var report: DRAMReport?
  let elapsed = try clock.measure {
    report = try ddr4Model().evaluate(SequentialReads(count: 1_000_000, stride: 64))
  }
  let scheduled = try ddr4Model(scheduling: .frfcfsDefault).evaluate(SequentialReads(count: 1_000_000, stride: 64))
  #expect(report?.requests == 1_000_000)
  #expect(scheduled.requests == 1_000_000)
  print("1M sequential reads (in order): \(elapsed); \(report?.cycles ?? 0) cycles")
}
