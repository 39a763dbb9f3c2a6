import DSE
import Foundation
import Testing

@Suite struct ArchitectureSettingsTests {
  /// Each key sets its field as the architecture file would, over the given architecture;
  /// `mac.array` sets both sizes.
  @Test func everyKeySetsItsField() throws {
    let base = Architecture.default
    let set = try base.applying(
      [
        ("dram.pj_per_byte", "100"), ("dram.bandwidth_bytes_per_cycle", "16"), ("mac.array", "32x16"),
        ("mac.clock_mhz", "500"), ("mac.multiply_pj_8bit", "0.5"), ("mac.add_pj_8bit", "0.05"),
        ("buffer.pj_per_byte", "2"), ("buffer.reference_bytes", "4096"),
      ], source: "--grid")
    #expect(set.energy.dramPicojoulesPerByte == 100)
    #expect(set.dramBandwidthBytesPerCycle == 16)
    #expect(set.macArray == Architecture.MACArray(rows: 32, columns: 16))
    #expect(set.clockMHz == 500)
    #expect(set.energy.multiplyPicojoules8Bit == 0.5 && set.energy.addPicojoules8Bit == 0.05)
    #expect(set.energy.buffer == .squareRootOfCapacity(picojoulesPerByte: 2, referenceBytes: 4096))
    let rows = try base.applying([("mac.array.rows", "7")], source: "--grid")
    #expect(rows.macArray == Architecture.MACArray(rows: 7, columns: base.macArray.columns))
    // Over a constant buffer, only the energy per byte changes; its reference size is refused.
    var constant = base
    constant.energy.buffer = .constant(picojoulesPerByte: 3)
    #expect(try constant.applying([("buffer.pj_per_byte", "4")], source: "--grid").energy.buffer == .constant(picojoulesPerByte: 4))
    #expect(throws: ArchitectureError.self) { try constant.applying([("buffer.reference_bytes", "4")], source: "--grid") }
    #expect(try base.applying([], source: "--grid") == base)
  }

  /// Errors name the key and what it accepts; an unknown key lists the valid ones; a value
  /// cannot add keys of its own.
  @Test func errorsNameTheKey() {
    func message(_ settings: [(key: String, value: String)]) -> String {
      do {
        _ = try Architecture.default.applying(settings, source: "--grid")
        return ""
      } catch {
        return error.description
      }
    }
    #expect(message([("mac.clock", "1")]).contains("accepted keys: buffer.model, buffer.pj_per_byte"))
    #expect(message([("mac.clock_mhz", "fast")]) == "--grid: field 'mac.clock_mhz': expected a number greater than 0 and at most 1000000000, found 'fast'")
    #expect(message([("mac.array", "16")]).contains("expected rows x columns (16x16)"))
    #expect(message([("mac.array", "16x16"), ("mac.array.rows", "8")]).contains("set twice"))
    #expect(message([("dram.pj_per_byte", "1\ndram: 2")]).contains("one line"))
    #expect(message([("buffer.model", "flat")]).contains("expected sqrt_capacity or constant"))
  }
}

@Suite struct DesignGridTests {
  /// Axes are sorted by key; combinations take the first axis outermost, values in the order
  /// given; a grid without axes is one point.
  @Test func combinationsInOrder() throws {
    let grid = try DesignGrid(parsing: ["mac.array=16x16,32x32", "dram.bandwidth_bytes_per_cycle=8,16,32"])
    #expect(grid.axes.map(\.key) == ["dram.bandwidth_bytes_per_cycle", "mac.array"])
    let combinations = grid.combinations.map { $0.map { "\($0.key)=\($0.value)" }.joined(separator: " ") }
    #expect(combinations.count == 6)
    #expect(combinations.first == "dram.bandwidth_bytes_per_cycle=8 mac.array=16x16")
    #expect(combinations[1] == "dram.bandwidth_bytes_per_cycle=8 mac.array=32x32")
    #expect(combinations.last == "dram.bandwidth_bytes_per_cycle=32 mac.array=32x32")
    #expect(try DesignGrid(parsing: []).combinations.count == 1)
    // The same grid written in another order.
    #expect(try DesignGrid(parsing: ["dram.bandwidth_bytes_per_cycle=8,16,32", "mac.array=16x16,32x32"]) == grid)
  }

  @Test func badAxesAreRefused() {
    func message(_ arguments: [String]) -> String {
      do {
        _ = try DesignGrid(parsing: arguments)
        return ""
      } catch {
        return error.description
      }
    }
    #expect(message(["mac.speed=1"]).contains("accepted keys: bits, buffer.model"))
    #expect(message(["bits=8", "bits=16"]).contains("given twice"))
    #expect(message(["bits=8,8"]).contains("repeated"))
    #expect(message(["bits=0"]).contains("width from 1 to 16"))
    #expect(message(["mac.array"]).contains("expected KEY=V1,V2"))
    #expect(message(["mac.array=16x16,"]).contains("no empty value"))
  }

  /// A point's id depends on its settings and the architecture file's contents, not on the
  /// order the grid was written in or the file's path; it is fixed across versions (parts of
  /// a plan are found by it).
  @Test func pointIdsAreStable() {
    let plain = DesignPoint(architecture: nil, architectureSHA256: nil, settings: [])
    // The SHA-256 of "architecture=default\nbits=network\n" (sha256sum agrees).
    #expect(plain.id == "1f4c5a47")
    let set = DesignPoint(architecture: nil, architectureSHA256: nil, settings: [("bits", "8"), ("mac.array", "16x16")])
    #expect(set.bits == 8 && set.settings == [DesignPoint.Setting(key: "mac.array", value: "16x16")])
    #expect(set.id != plain.id)
    let filed = DesignPoint(architecture: 3, architectureSHA256: String(repeating: "0", count: 64), settings: [])
    #expect(DesignPoint(architecture: 0, architectureSHA256: String(repeating: "0", count: 64), settings: []).id == filed.id)
    #expect(filed.id != plain.id)
  }
}

@Suite struct SweepPlanTests {
  /// A plan's bytes are canonical (the same inputs make the same file, and reading it back
  /// gives the same plan); its tasks are every point by every network, points outermost.
  @Test func planIsCanonicalAndReadsBack() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dse-plan-\(getpid())")
    defer { try? FileManager.default.removeItem(at: folder) }
    func make() throws -> SweepPlan {
      try SweepPlan(
        networks: ["nets/squeezenet1_1.yaml", "nets/vgg16-cifar10.yaml"].map { packageRoot.appendingPathComponent($0).path },
        architectures: [], grid: try DesignGrid(parsing: ["bits=8,16"]), buffers: [16384, 65536],
        strategies: [.layerwiseRowMajor, .optimal], options: .init(timing: false))
    }
    let plan = try make()
    #expect(plan.encoded() == (try make()).encoded())
    #expect(plan.tasks.map(\.name) == [
      "\(plan.points[0].id)-squeezenet1_1", "\(plan.points[0].id)-vgg16-cifar10", "\(plan.points[1].id)-squeezenet1_1",
      "\(plan.points[1].id)-vgg16-cifar10",
    ])
    let sweep = SweepFolder(folder.path)
    try sweep.write(plan)
    let read = try SweepPlan.read(path: sweep.planPath)
    #expect(read == plan && read.id == plan.id)
    #expect(SHA256.hex([UInt8](try Data(contentsOf: URL(fileURLWithPath: sweep.planPath)))) == plan.id)
    // The second point plans at 16 bits.
    #expect(try plan.analysis(ofNetwork: 0, point: 1).layers.allSatisfy { $0.layer.precision == Precision(bits: 16) })
  }

  /// `sbatch --array=` lists, and the shards that hold tasks.
  @Test func shardLists() {
    #expect(SweepMerge.arrayList([0, 1, 2, 5, 7, 8]) == "0-2,5,7-8")
    #expect(SweepMerge.arrayList([]) == "")
    #expect(SweepMerge.shards(of: [1, 4, 7, 2], count: 3) == [1, 2])
    #expect(SweepRunner.tasks(ofShard: 1, of: 3, in: try! SweepPlan(
      networks: [SweepPlan.bundledDefaultNetwork], architectures: [], grid: try! DesignGrid(parsing: ["bits=4,8,16,2"]),
      buffers: [1024], strategies: [.optimal], options: .init())) == [1])
  }
}
