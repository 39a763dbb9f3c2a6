import Foundation
import Testing

@Suite struct LayerCommandTests {
  /// The case of docs/tiling-model.md, "Floors": the search goes below the invalid bound 2MNK/sqrt(B) + MN = 3,612,672 and
  /// stays on or above the valid floor, 3,277,824 (compulsory).
  @Test func jsonHasTheDocumentedShapeAndRespectsTheFloor() throws {
    let result = try dse("layer", "--m", "3136", "--k", "16", "--n", "1024", "--buffer", "64K", "--format", "json", "--top", "3")
    #expect(result.status == 0, "\(result.standardError)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
    #expect(json["m"] as? Int == 3136)
    #expect(json["k"] as? Int == 16)
    #expect(json["n"] as? Int == 1024)
    #expect(json["buffer"] as? Int == 65536)
    let best = try #require(json["best"] as? [String: Any])
    for key in ["tile", "order", "scan", "traffic", "bytes", "energy_pj", "floor", "ratio_to_floor"] {
      #expect(best[key] != nil, "missing \(key)")
    }
    let traffic = try #require(best["traffic"] as? [String: Int])
    #expect(Set(traffic.keys) == ["input_reads", "weight_reads", "output_writes", "psum_reads", "psum_writes", "total"])
    let total = try #require(traffic["total"])
    #expect(total < 3_612_672)
    #expect(total >= 3_277_824)
    #expect(best["floor"] as? Int == 3_277_824)
    let tile = try #require(best["tile"] as? [String: Int])
    #expect(Set(tile.keys) == ["m", "k", "n"])
    #expect((json["alternatives"] as? [Any])?.count == 2)
  }

  @Test func convolutionLayerTable() throws {
    let result = try dse("layer", "--conv", "16,16,14,14,3,1", "--buffer", "2K", "--top", "2")
    #expect(result.status == 0, "\(result.standardError)")
    #expect(result.standardOutput.contains("cin=16 cout=16 h=14 w=14 kernel=3 stride=1 groups=1 padding=1 buffer=2048"))
    #expect(result.standardOutput.split(separator: "\n").count == 5)
  }

  @Test func badInputSaysWhatIsAccepted() throws {
    let small = try dse("layer", "--m", "8", "--k", "8", "--n", "8", "--buffer", "2")
    #expect(small.status != 0)
    #expect(small.standardError.contains("needs 3 entries"))
    let zero = try dse("layer", "--m", "0", "--k", "8", "--n", "8", "--buffer", "64K")
    #expect(zero.status != 0)
    #expect(zero.standardError.contains("--m 0"))
    let order = try dse("layer", "--m", "8", "--k", "8", "--n", "8", "--buffer", "64K", "--order", "mmk")
    #expect(order.status != 0)
    #expect(order.standardError.contains("mnk, mkn, nmk, nkm, kmn, knm"))
    let buffer = try dse("layer", "--m", "8", "--k", "8", "--n", "8", "--buffer", "64Q")
    #expect(buffer.status != 0)
    #expect(buffer.standardError.contains("--buffer 64Q"))
  }
}

@Suite struct SweepCommandTests {
  /// The sweep writes both CSVs; every row's traffic is at least its floor, Scan never moves more
  /// than row-major, and the per-layer rows add up to the network rows.
  @Test func layerwiseSweepOfMobileNetV2() throws {
    let directory = try temporaryDirectory()
    let result = try dse(
      "sweep", "nets/mobilenetv2.yaml", "--buffers", "16K..64K", "--strategy", "layerwise", "--out", directory.path)
    #expect(result.status == 0, "\(result.standardError)")
    #expect(result.standardError.contains("mobilenetv2 64K layerwise-scan"))
    let summary = try String(contentsOf: directory.appendingPathComponent("mobilenetv2.csv"), encoding: .utf8)
    let rows = summary.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    #expect(rows.first?.joined(separator: ",") == "network,buffer_entries,strategy,dram_reads,dram_writes,dram_traffic,dram_bytes,dram_energy_pj,dram_model,row_hit_rate,activations,dram_time_us,floor,ratio_to_floor,network_floor,saving_vs_baseline,segments,solver,solve_ms")
    #expect(rows.count == 7)
    var traffic: [String: Int] = [:]
    let floorColumn = try #require(rows.first?.firstIndex(of: "floor"))
    for row in rows.dropFirst() {
      let total = try #require(Int(row[5]))
      let floor = try #require(Int(row[floorColumn]))
      #expect(row[8] == "pj-per-byte" && row[9...11].allSatisfy(\.isEmpty), "no --dram: energy per byte")
      #expect(total >= floor, "\(row)")
      #expect(Int(row[3]).map { $0 + (Int(row[4]) ?? 0) } == total)
      traffic[row[1] + row[2]] = total
    }
    for buffer in ["16384", "32768", "65536"] {
      let scan = try #require(traffic[buffer + "layerwise-scan"])
      let rowMajor = try #require(traffic[buffer + "layerwise-rowmajor"])
      #expect(scan <= rowMajor)
    }
    let layers = try String(contentsOf: directory.appendingPathComponent("mobilenetv2-segments.csv"), encoding: .utf8)
    let layerLines = layers.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
    let trafficColumn = try #require(layerLines.first?.firstIndex(of: "dram_traffic"))
    let layerRows = layerLines.dropFirst()
    #expect(layerRows.count == 6 * 64)
    let first = layerRows.filter { $0[1] == "16384" && $0[2] == "layerwise-scan" }.compactMap { Int($0[trafficColumn]) }
      .reduce(0, +)
    #expect(first == traffic["16384layerwise-scan"])
  }

  /// `--strategy fused` writes the layerwise-rowmajor baseline beside fused-greedy; segment rows
  /// name their layers, sum to the network row and stay on or above their floors.
  @Test func fusedSweepKeepsTheBaselineAndListsSegments() throws {
    let directory = try temporaryDirectory()
    let result = try dse("sweep", "nets/mobilenetv2.yaml", "--buffers", "64K", "--strategy", "fused", "--out", directory.path)
    #expect(result.status == 0, "\(result.standardError)")
    let summary = try String(contentsOf: directory.appendingPathComponent("mobilenetv2.csv"), encoding: .utf8)
    let rows = summary.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
    #expect(rows.map { $0[2] } == ["layerwise-rowmajor", "fused-greedy"])
    let baseline = try #require(Int(rows[0][5]))
    let fused = try #require(Int(rows[1][5]))
    #expect(fused < baseline / 2, "fusion should remove most of MobileNetV2's activation traffic")
    let layers = try String(contentsOf: directory.appendingPathComponent("mobilenetv2-segments.csv"), encoding: .utf8)
    let lines = layers.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    let header = try #require(lines.first)
    let column = { (name: String) in header.firstIndex(of: name) ?? 0 }
    let segments = lines.dropFirst().filter { $0[column("op")] == "segment" }
    // Whole blocks with their adds, within segments that may reach across blocks.
    #expect(segments.contains { $0[column("layers")].contains("b3.expand+b3.dw+b3.project+b3.add") })
    for segment in segments {
      #expect(Int(segment[column("dram_traffic")]) ?? 0 >= Int(segment[column("floor")]) ?? .max, "\(segment)")
    }
    let fusedRows = lines.dropFirst().filter { $0[column("strategy")] == "fused-greedy" }
    #expect(fusedRows.compactMap { Int($0[column("dram_traffic")]) }.reduce(0, +) == fused)
  }

  @Test func unknownStrategyAndBadBuffers() throws {
    let strategy = try dse("sweep", "nets/mobilenetv2.yaml", "--strategy", "fastest")
    #expect(strategy.status != 0)
    #expect(strategy.standardError.contains("layerwise-rowmajor"))
    let buffers = try dse("sweep", "nets/mobilenetv2.yaml", "--buffers", "256K..16K")
    #expect(buffers.status != 0)
    #expect(buffers.standardError.contains("--buffers 256K..16K"))
  }
}
