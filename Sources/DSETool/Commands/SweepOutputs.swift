import DSE
import Foundation

/// The files a sweep writes for one network, each atomically (temporary file, then rename).
struct SweepOutputs {
  let result: DSE.Sweep.NetworkResult
  let context: PlanContext
  let folder: String
  let plotFolder: String

  /// Writes every file; returns their paths.
  func write() throws -> [String] {
    let analysis = result.network
    let name = analysis.network.name
    let stem = OutputFolder.stem(for: name)
    let objective = context.objective
    let networkFloor = NetworkFloor(analysis)
    let energy = context.architecture.energy
    let tables = SweepTables(
      records: result.plans.map(\.record), energy: energy, networkFloors: [name: networkFloor.entries], objective: objective,
      dram: result.dram)
    var written: [String] = []
    func save(_ text: String, _ path: String) throws {
      try writeTextAtomically(text, to: path)
      written.append(path)
    }
    try save(tables.summaryCSV(), path(folder, "\(stem).csv"))
    try save(tables.segmentCSV(), path(folder, "\(stem)-segments.csv"))
    if !result.candidates.isEmpty {
      try save(PartitionProblem.csv(result.candidates), path(folder, "\(stem)-candidates.csv"))
    }
    let plans = result.plans.map(\.record.plan)
    let floor =
      objective == .traffic ? Double(networkFloor.entries) : Double(networkFloor.bits) / 8 * energy.dramPicojoulesPerByte
    try save(
      SweepPlots.traffic(network: name, plans: plans, floor: floor, objective: objective, energy: energy),
      path(plotFolder, "\(stem)-traffic.svg"))
    if !result.dram.isEmpty {
      try save(
        SweepPlots.dramEnergy(network: name, plans: plans, reports: result.dram), path(plotFolder, "\(stem)-dram-energy.svg"))
    }
    for size in orderedSizes {
      guard let best = bestPlan(at: size) else { continue }
      let label = BufferSizes.label(size)
      try save(PlanGraph(analysis: analysis, plan: best, energy: energy).dot(), path(folder, "\(stem)-\(label).dot"))
      try save(SweepPlots.layers(network: name, plan: best), path(plotFolder, "\(stem)-layers-\(label).svg"))
    }
    return written
  }

  private var orderedSizes: [Int] {
    var seen: Set<Int> = []
    return result.plans.map(\.buffer).filter { seen.insert($0).inserted }
  }

  /// The plan drawn for a buffer size: of the strategies run, the most capable.
  private func bestPlan(at size: Int) -> NetworkPlan? {
    let preference: [Strategy] = [.optimal, .fusedGreedy, .layerwiseScan, .layerwiseRowMajor]
    for strategy in preference {
      if let plan = result.plans.first(where: { $0.buffer == size && $0.strategy == strategy }) { return plan.record.plan }
    }
    return nil
  }

  private func path(_ folder: String, _ file: String) -> String {
    folder.hasSuffix("/") ? folder + file : folder + "/" + file
  }
}
