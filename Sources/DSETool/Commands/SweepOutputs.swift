import DSE
import Foundation

/// The files a sweep writes for one network, each atomically (temporary file, then rename).
struct SweepOutputs {
  let analysis: NetworkAnalysis
  let sweep: NetworkSweep
  let settings: SweepSettings
  let folder: String
  let plotFolder: String

  /// Writes every file; returns their paths.
  func write() throws -> [String] {
    let records = sweep.records
    let name = analysis.network.name
    let stem = OutputFolder.stem(for: name)
    let metric: SweepMetric = settings.objective == .traffic ? .traffic : .energy
    let networkFloor = TrafficFloor.network(analysis)
    let energy = settings.architecture.energy
    let tables = SweepTables(records: records, energy: energy, networkFloors: [name: networkFloor.entries], metric: metric,
      psumWidth: settings.psumWidth)
    var written: [String] = []
    func save(_ text: String, _ path: String) throws {
      try writeTextAtomically(text, to: path)
      written.append(path)
    }
    try save(tables.summaryCSV(), path(folder, "\(stem).csv"))
    try save(tables.segmentCSV(), path(folder, "\(stem)-segments.csv"))
    if !sweep.problems.isEmpty { try save(PartitionProblem.csv(sweep.problems), path(folder, "\(stem)-candidates.csv")) }
    let plans = records.map(\.plan)
    let plotMetric: SweepPlots.Metric = metric == .traffic ? .traffic : .energy(energy)
    let floor = metric == .traffic ? Double(networkFloor.entries) : Double(networkFloor.bits) / 8 * energy.dramPicojoulesPerByte
    try save(
      SweepPlots.traffic(network: name, plans: plans, floor: floor, metric: plotMetric),
      path(plotFolder, "\(stem)-traffic.svg"))
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
    return sweep.records.map(\.plan.buffer).filter { seen.insert($0).inserted }
  }

  /// The plan drawn for a buffer size: of the strategies run, the most capable.
  private func bestPlan(at size: Int) -> NetworkPlan? {
    let preference: [SweepStrategy] = [.optimal, .fusedGreedy, .layerwiseScan, .layerwiseRowMajor]
    for strategy in preference {
      if let record = sweep.records.first(where: { $0.plan.buffer == size && $0.plan.strategy == strategy.rawValue }) {
        return record.plan
      }
    }
    return nil
  }

  private func path(_ folder: String, _ file: String) -> String {
    folder.hasSuffix("/") ? folder + file : folder + "/" + file
  }
}
