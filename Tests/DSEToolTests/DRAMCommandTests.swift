import DRAM
import Foundation
import Testing

/// `dse trace` and `dse dram` as a user runs them: traces read back by the reader, useful bytes
/// against the plan's, a hand-written trace with counts worked out by hand, errors that name
/// the line, and `dse sweep --dram`.
@Suite struct DRAMCommandTests {
  /// Every format holds the same requests, one per transaction; CSV carries the annotation, and
  /// its useful bytes add up to the plan's dram_bytes (also said in the summary line).
  @Test func traceWritesEveryFormatWithTheSameRequests() throws {
    let directory = try temporaryDirectory()
    var requests: [TraceFormat: [DRAMRequest]] = [:]
    var usefulBytes = 0
    for format in TraceFormat.allCases {
      let path = directory.appendingPathComponent("unit.\(format.rawValue)").path
      let result = try dse(
        "trace", "nets/squeezenet1_1.yaml", "--buffer", "4K", "--input-size", "32", "--unit", "1", "--format",
        format.rawValue, "-o", path)
      #expect(result.status == 0, "\(result.standardError)")
      let summary = result.standardError
      let match = try #require(summary.firstMatch(of: /useful (\d+) bytes \(the plan's dram_bytes: (\d+)\)/))
      #expect(match.1 == match.2, "\(summary)")
      let reader = try TraceReader(path: path, format: format)
      var found: [DRAMRequest] = []
      while let record = try reader.next() {
        found.append(record.request)
        if format == .csv { usefulBytes += try #require(record.annotation).usefulBytes }
      }
      #expect(summary.contains("\(found.count) transactions"), "\(summary)")
      requests[format] = found
    }
    let reference = try #require(requests[.csv])
    #expect(!reference.isEmpty)
    for format in TraceFormat.allCases {
      let found = try #require(requests[format])
      #expect(found.map(\.address) == reference.map(\.address), "\(format)")
      #expect(found.map(\.isWrite) == reference.map(\.isWrite), "\(format)")
    }
    #expect(requests[.dramsim3]?.map(\.cycle) == Array(0..<Int64(reference.count)), "back-to-back issue")
    // 19.2 GB/s at 1200 MHz is 16 bytes a cycle: a 64-byte burst every 4 cycles.
    let paced = directory.appendingPathComponent("paced.trace").path
    let pacedRun = try dse(
      "trace", "nets/squeezenet1_1.yaml", "--buffer", "4K", "--input-size", "32", "--unit", "1", "--issue", "bandwidth",
      "--bandwidth", "19.2", "--clock", "1200", "-o", paced)
    #expect(pacedRun.status == 0, "\(pacedRun.standardError)")
    var cycles: [Int64] = []
    try TraceReader(path: paced).read { cycles.append($0.request.cycle) }
    #expect(cycles == (0..<Int64(reference.count)).map { $0 * 4 })
    let planBytes = try #require(
      try dse("trace", "nets/squeezenet1_1.yaml", "--buffer", "4K", "--input-size", "32", "--unit", "1", "-o", "/dev/null")
        .standardError.firstMatch(of: /dram_bytes: (\d+)/))
    // Per transaction, useful bytes round up; the unit's operands together never lose a byte.
    #expect(usefulBytes >= Int(planBytes.1) ?? .max)
  }

  /// Six requests worked out by hand on ddr4-2400-x8 (rochrababgco: 6 offset bits, 7 column
  /// bits, bank group at bit 13, bank at 15, rank at 17, row from bit 18): an empty miss, two
  /// hits in the open row, a conflict with row 1 of the same bank, a write conflicting back to
  /// row 0, and an empty miss in bank group 1. Four ACT, two PRE, no refresh in 100 cycles.
  @Test func dramEvaluatesAHandWrittenTrace() throws {
    let directory = try temporaryDirectory()
    let path = try writeFile(
      """
      0x0 READ 0
      0x40 READ 1
      0x80 READ 2
      0x40000 READ 3
      0x0 WRITE 4
      0x2000 READ 5

      """, named: "six.trace", in: directory)
    let result = try dse("dram", path, "--device", "ddr4-2400-x8", "--json")
    #expect(result.status == 0, "\(result.standardError)")
    let report = try JSONDecoder().decode(DRAMReport.self, from: Data(result.standardOutput.utf8))
    #expect(report.requests == 6 && report.reads == 5 && report.writes == 1)
    #expect(report.rowHits == 2 && report.readRowHits == 2)
    #expect(report.emptyMisses == 2 && report.conflicts == 2 && report.writeConflicts == 1)
    #expect(report.activations == 4 && report.precharges == 2 && report.refreshes == 0)
    #expect(report.totalPicojoules > report.dynamicPicojoules && report.dynamicPicojoules > 0)
    let table = try dse("dram", path, "--device", "arch/dram/ddr4-2400-x8.yaml", "--policy", "closed")
    #expect(table.status == 0, "\(table.standardError)")
    #expect(table.standardOutput.contains("row hits            0"), "closed page: every access activates")
    #expect(table.standardOutput.contains("6 ACT, 6 PRE"), "\(table.standardOutput)")
  }

  @Test func malformedTracesAndOptionsNameWhatIsWrong() throws {
    let directory = try temporaryDirectory()
    let path = try writeFile("0x0 READ 0\n0x40 RAED 1\n", named: "bad.trace", in: directory)
    let bad = try dse("dram", path)
    #expect(bad.status != 0)
    #expect(bad.standardError.contains("bad.trace:2"), "\(bad.standardError)")
    #expect(bad.standardError.contains("READ"), "\(bad.standardError)")
    let device = try dse("dram", path, "--device", "ddr9")
    #expect(device.status != 0 && device.standardError.contains("ddr4-2400-x8"), "\(device.standardError)")
    let scheduling = try dse("dram", path, "--scheduling", "frfcfs:0")
    #expect(scheduling.status != 0 && scheduling.standardError.contains("frfcfs:N"), "\(scheduling.standardError)")
    let mapping = try dse("dram", path, "--mapping", "rochba")
    #expect(mapping.status != 0 && mapping.standardError.contains("lacks"), "\(mapping.standardError)")
    let layer = try dse("trace", "nets/squeezenet1_1.yaml", "--buffer", "4K", "--input-size", "32", "--layer", "nope", "-o", "/dev/null")
    #expect(layer.status != 0 && layer.standardError.contains("nope"), "\(layer.standardError)")
    let issue = try dse("trace", "nets/squeezenet1_1.yaml", "--buffer", "4K", "--issue", "bandwidth", "-o", "/dev/null")
    #expect(issue.status != 0 && issue.standardError.contains("--bandwidth GB/s and --clock MHz"), "\(issue.standardError)")
    let unit = try dse("trace", "nets/squeezenet1_1.yaml", "--buffer", "4K", "--input-size", "32", "--unit", "999", "-o", "/dev/null")
    #expect(unit.status != 0 && unit.standardError.contains("999"), "\(unit.standardError)")
  }

  /// `--dram` fills the DRAM columns from the model per plan and per unit, and writes the plot
  /// of model energy.
  @Test func sweepWithADRAMModel() throws {
    let directory = try temporaryDirectory()
    let net = try writeFile(OptimalSweepCommandTests.smallNetwork, named: "tiny.yaml", in: directory)
    let result = try dse(
      "sweep", net, "--buffers", "1K,2K", "--strategy", "all", "--dram", "lpddr4-x16", "--layout", "nhwc,hwio",
      "--out", directory.path)
    #expect(result.status == 0, "\(result.standardError)")
    func table(_ name: String) throws -> [[String: String]] {
      let lines = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8).split(separator: "\n")
      let header = try #require(lines.first).split(separator: ",").map(String.init)
      return lines.dropFirst().map { line in
        Dictionary(uniqueKeysWithValues: zip(header, line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
      }
    }
    let plans = try table("tiny.csv")
    #expect(plans.count == 8)
    let units = try table("tiny-segments.csv")
    for plan in plans {
      #expect(plan["dram_model"] == "lpddr4-x16")
      let rate = try #require(Double(plan["row_hit_rate"] ?? ""))
      #expect(rate > 0 && rate < 1)
      #expect(Double(plan["dram_time_us"] ?? "") ?? 0 > 0)
      #expect(Int(plan["activations"] ?? "") ?? 0 > 0)
      let mine = units.filter { $0["buffer_entries"] == plan["buffer_entries"] && $0["strategy"] == plan["strategy"] }
      #expect(!mine.isEmpty && mine.allSatisfy { $0["dram_model"] == "lpddr4-x16" })
      // Each unit's run starts from idle banks: every unit that moves data activates a row.
      #expect(mine.allSatisfy { Int($0["dram_bytes"] ?? "") == 0 || Int($0["activations"] ?? "") ?? 0 > 0 })
    }
    #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("plots/tiny-dram-energy.svg").path))
  }
}
