import Foundation
import Testing

/// `dse sweep` with the optimizer: its files, its defaults, and its errors.
@Suite struct OptimalSweepCommandTests {
  /// A small network (a MobileNetV2-style block at 16x16) that every strategy plans in moments.
  static let smallNetwork = """
    name: tiny
    input: [8, 16, 16]
    bits: 8
    layers:
      - {name: stem, op: conv, out: 16, kernel: 3, padding: 1, activation: relu}
      - {name: expand, op: pointwise, out: 48, activation: relu6}
      - {name: dw, op: depthwise, kernel: 3, padding: 1, activation: relu6}
      - {name: project, op: pointwise, out: 16}
      - {name: add, op: add, inputs: [project, stem]}
      - {name: head, op: pointwise, out: 32, activation: relu}
      - {name: pool, op: globalavgpool}
      - {name: fc, op: fc, out: 10}
    """

  static func rows(_ path: URL) throws -> [[String: String]] {
    let lines = try String(contentsOf: path, encoding: .utf8).split(separator: "\n").map {
      $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }
    guard let header = lines.first else { return [] }
    return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
  }

  /// `--strategy all` writes every file; optimal is never worse than any other strategy, its
  /// solver is the MILP, savings are against row-major, and two runs give the same bytes
  /// (solve_ms aside).
  @Test func everyStrategyEveryFileDeterministic() throws {
    let directory = try temporaryDirectory()
    let net = try writeFile(Self.smallNetwork, named: "tiny.yaml", in: directory)
    var outputs: [String] = []
    for run in 0..<2 {
      let out = directory.appendingPathComponent("run\(run)")
      let result = try dse(
        "sweep", net, "--buffers", "1K..4K", "--strategy", "all", "--jobs", "2", "--out", out.path, "--plots",
        out.appendingPathComponent("plots").path)
      #expect(result.status == 0, "\(result.standardError)")
      for file in [
        "tiny.csv", "tiny-segments.csv", "tiny-candidates.csv", "tiny-1K.dot", "tiny-4K.dot", "plots/tiny-traffic.svg",
        "plots/tiny-layers-2K.svg",
      ] {
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), "\(file)")
      }
      let rows = try Self.rows(out.appendingPathComponent("tiny.csv"))
      #expect(rows.count == 3 * 4)
      for buffer in ["1024", "2048", "4096"] {
        let here = rows.filter { $0["buffer_entries"] == buffer }
        let energy = { (strategy: String) in here.first { $0["strategy"] == strategy }.flatMap { Double($0["dram_energy_pj"] ?? "") } }
        let optimal = try #require(energy("optimal"))
        for other in ["layerwise-rowmajor", "layerwise-scan", "fused-greedy"] {
          #expect(optimal <= (try #require(energy(other))), "\(buffer) \(other)")
        }
        let row = try #require(here.first { $0["strategy"] == "optimal" })
        #expect(row["solver"] == "milp")
        let saving = try #require(Double(row["saving_vs_baseline"] ?? ""))
        #expect(abs(saving - (1 - optimal / (try #require(energy("layerwise-rowmajor"))))) < 1e-4)
        #expect(Int(row["dram_traffic"] ?? "") ?? 0 >= Int(row["network_floor"] ?? "") ?? .max)
      }
      let summary = try String(contentsOf: out.appendingPathComponent("tiny.csv"), encoding: .utf8)
      // Timing is the one column that may differ between runs.
      let withoutTiming = summary.split(separator: "\n").map { $0.split(separator: ",").dropLast().joined(separator: ",") }
      var texts = [withoutTiming.joined(separator: "\n")]
      for file in ["tiny-segments.csv", "tiny-candidates.csv", "tiny-2K.dot", "plots/tiny-layers-2K.svg"] {
        texts.append(try String(contentsOf: out.appendingPathComponent(file), encoding: .utf8))
      }
      outputs.append(texts.joined(separator: "\n--\n"))
    }
    #expect(outputs[0] == outputs[1])
  }

  /// With no network the sweep runs the embedded MobileNetV2 and writes into results/ and plots/
  /// under the working folder.
  @Test func noNetworkSweepsTheBundledMobileNetV2() throws {
    let directory = try temporaryDirectory()
    let result = try dse("sweep", "--buffers", "256K", "--strategy", "layerwise-rowmajor", in: directory)
    #expect(result.status == 0, "\(result.standardError)")
    #expect(result.standardError.contains("bundled MobileNetV2"))
    let rows = try Self.rows(directory.appendingPathComponent("results/mobilenetv2.csv"))
    #expect(rows.first?["dram_traffic"] == "17629224")
    #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("plots/mobilenetv2-traffic.svg").path))
  }

  /// Constraints no plan meets name the binding option and the smallest value that works; that
  /// value then works.
  @Test func unmeetableConstraintsNameTheSmallestValueThatWorks() throws {
    let directory = try temporaryDirectory()
    let net = try writeFile(Self.smallNetwork, named: "tiny.yaml", in: directory)
    let tight = try dse("sweep", net, "--buffers", "2K", "--max-latency", "1cycles", "--out", directory.path)
    #expect(tight.status != 0)
    #expect(tight.standardError.contains("--max-latency is binding"), "\(tight.standardError)")
    let smallest = try #require(
      tight.standardError.components(separatedBy: "smallest value that works is ").dropFirst().first?.split(separator: " ").first)
    let met = try dse("sweep", net, "--buffers", "2K", "--max-latency", "\(smallest)cycles", "--out", directory.path)
    #expect(met.status == 0, "\(met.standardError)")
    let segments = try dse("sweep", net, "--buffers", "2K", "--max-segments", "1", "--out", directory.path)
    #expect(segments.status != 0)
    #expect(segments.standardError.contains("--max-segments is binding"), "\(segments.standardError)")
    let badLatency = try dse("sweep", net, "--max-latency", "fast")
    #expect(badLatency.status != 0)
    #expect(badLatency.standardError.contains("4ms"))
    let tiny = try dse("sweep", net, "--buffers", "8", "--out", directory.path)
    #expect(tiny.status != 0)
    #expect(tiny.standardError.contains("stem"), "\(tiny.standardError)")
  }
}

/// results/ is what the planner gives today: a sweep of a bundled network at the results' five
/// buffer sizes with every strategy writes the same summary (solve times aside), segments,
/// candidates and DOT files. Speed work must keep every plan and every tie-break (issue 19);
/// four networks that plan in seconds stand for the rest (`dse bench` plans all ten; MobileNetV1
/// has the long chains that the segment search rules out without building their structures).
@Suite struct BundledResultsTests {
  @Test(arguments: [
    ("mobilenetv1.yaml", "mobilenetv1"), ("mobilenetv2.yaml", "mobilenetv2"), ("squeezenet1_1.yaml", "squeezenet1_1"),
    ("yolov3-tiny.cfg", "yolov3-tiny"),
  ])
  func aSweepReproducesResults(file: String, stem: String) throws {
    let directory = try temporaryDirectory()
    let out = directory.appendingPathComponent("out")
    let result = try dse(
      "sweep", "nets/\(file)", "--buffers", "16K..256K", "--strategy", "all", "--out", out.path, "--plots",
      directory.appendingPathComponent("plots").path)
    #expect(result.status == 0, "\(result.standardError)")
    let results = packageRoot.appendingPathComponent("results")
    func text(_ folder: URL, _ name: String) throws -> String { try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8) }
    // solve_ms, the last column, is the one that differs between runs.
    func withoutTiming(_ csv: String) -> [String] {
      csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).dropLast().joined(separator: ",") }
    }
    #expect(withoutTiming(try text(out, "\(stem).csv")) == withoutTiming(try text(results, "\(stem).csv")))
    for name in ["\(stem)-segments.csv", "\(stem)-candidates.csv"] + ["16K", "32K", "64K", "128K", "256K"].map({ "\(stem)-\($0).dot" }) {
      #expect(try text(out, name) == text(results, name), "\(name)")
    }
  }
}
