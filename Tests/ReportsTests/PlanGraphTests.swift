import Foundation
import Testing
import Tiling

@testable import Reports

@Suite struct PlanGraphTests {
  /// The node ids a DOT text defines (`"id" [label=...]`), with the cluster each sits in.
  static func nodes(_ dot: String) -> [(id: String, cluster: String?)] {
    var found: [(String, String?)] = []
    var cluster: String?
    for line in dot.split(separator: "\n").map(String.init) {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if trimmed.hasPrefix("subgraph cluster_") {
        cluster = trimmed.split(separator: " ").dropFirst().first.map(String.init)
      } else if trimmed == "}" {
        cluster = nil
      } else if trimmed.hasPrefix("\""), let end = trimmed.dropFirst().firstIndex(of: "\""),
        trimmed[trimmed.index(after: end)...].hasPrefix(" [label=")
      {
        found.append((String(trimmed[trimmed.index(after: trimmed.startIndex)..<end]), cluster))
      }
    }
    return found
  }

  @Test func everySegmentIsOneClusterOfExactlyItsLayers() throws {
    let analysis = try #require(PlanFixtures.analysis)
    let plan = try #require(PlanFixtures.fused)
    try #require(!plan.segments.isEmpty && !plan.layers.isEmpty, "the fixture should mix segments and lone layers")
    let dot = PlanGraph(analysis: analysis, plan: plan, energy: .default).dot()
    let nodes = Self.nodes(dot)
    let layerNodes = nodes.filter { node in analysis.layers.contains { $0.name == node.id } }
    #expect(layerNodes.map(\.id).sorted() == analysis.layers.map(\.name).sorted(), "every layer exactly once")
    let segments = plan.segments
    for (number, segment) in segments.enumerated() {
      let members = layerNodes.filter { $0.cluster == "cluster_\(number)" }.map(\.id)
      #expect(members == segment.segment.layers.map(\.name))
      #expect(dot.contains(DOT.id(segment.tiling.description).dropFirst().dropLast()), "label has the schedule")
    }
    #expect(Set(nodes.compactMap(\.cluster)).count == segments.count)
    for schedule in plan.layers {
      #expect(layerNodes.contains { $0.id == schedule.layer && $0.cluster == nil })
      #expect(dot.contains(schedule.scheduleDescription), "\(schedule.layer)'s schedule is in its label")
    }
  }

  @Test func graphLabelNamesThePlan() throws {
    let analysis = try #require(PlanFixtures.analysis)
    let plan = try #require(PlanFixtures.fused)
    let dot = PlanGraph(analysis: analysis, plan: plan, energy: .default).dot()
    let label = try #require(dot.split(separator: "\n").first { $0.contains("graph [rankdir") })
    for part in ["mobilenetv2", "fused-greedy", "16K", "\(plan.traffic.total)", formatFixed(plan.ratioToFloor, decimals: 2) + "x"] {
      #expect(label.contains(part), "\(part)")
    }
    #expect(dot == PlanGraph(analysis: analysis, plan: plan, energy: .default).dot())
  }

  @Test func aLayerwisePlanHasNoCluster() throws {
    let analysis = try #require(PlanFixtures.analysis)
    let plan = try #require(PlanFixtures.plans.first)
    let dot = PlanGraph(analysis: analysis, plan: plan, energy: .default).dot()
    #expect(!dot.contains("subgraph"))
    #expect(Self.nodes(dot).count == analysis.layers.count + analysis.network.inputs.count)
  }

  @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/dot"), "needs Graphviz at /usr/bin/dot"))
  func graphvizRendersIt() throws {
    let analysis = try #require(PlanFixtures.analysis)
    for plan in [PlanFixtures.fused, PlanFixtures.plans.first].compactMap({ $0 }) {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/usr/bin/dot")
      process.arguments = ["-Tsvg"]
      let input = Pipe()
      let output = Pipe()
      let errors = Pipe()
      process.standardInput = input
      process.standardOutput = output
      process.standardError = errors
      try process.run()
      input.fileHandleForWriting.write(Data(PlanGraph(analysis: analysis, plan: plan, energy: .default).dot().utf8))
      try input.fileHandleForWriting.close()
      // Read before waiting: a full pipe would block dot forever.
      let svg = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      let messages = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      process.waitUntilExit()
      #expect(process.terminationStatus == 0, "\(messages)")
      #expect(messages.isEmpty, "dot warned: \(messages)")
      #expect(svg.contains("<svg"))
    }
  }
}
