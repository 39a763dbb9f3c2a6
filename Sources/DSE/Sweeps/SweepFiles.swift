/// The files of one task of a sweep (a network at one design point): its summary, segments and
/// candidates CSVs, a DOT drawing and a layer plot of the best plan at each buffer size, and its
/// traffic plot. The one writer of sweep outputs: a shard renders them into the task's part and
/// the merge only concatenates and copies (docs/sweeps.md).
public struct SweepFiles: Sendable {
  /// A file and where it goes: the output folder, or the plots folder.
  public struct File: Hashable, Sendable {
    public var name: String
    public var text: String
    public var isPlot: Bool
  }

  /// The three CSVs of a network, by suffix after its stem: merged by concatenating their rows.
  public static let tableSuffixes = [".csv", "-segments.csv", "-candidates.csv"]

  /// The files of `result`, planned at point `point` of `plan` in `context`.
  public static func render(_ result: Sweep.NetworkResult, plan: SweepPlan, point: Int, context: PlanContext) -> [File] {
    let analysis = result.network
    let name = analysis.network.name
    let stem = OutputFolder.stem(for: name)
    // Several points: the drawings of each have its id in their names, and every CSV row
    // starts with the point's columns.
    let drawingStem = plan.points.count > 1 ? "\(stem)-\(plan.points[point].id)" : stem
    func table(_ text: String) -> String {
      guard plan.points.count > 1 else { return text }
      return CSV.prefixing(
        text, header: DesignPoint.columns(of: plan), values: plan.points[point].columnValues(plan: plan))
    }
    let objective = context.objective
    let networkFloor = NetworkFloor(analysis)
    let energy = context.architecture.energy
    var tables = SweepTables(
      records: result.plans.map(\.record), energy: energy, networkFloors: [name: networkFloor.entries], objective: objective,
      dram: result.dram)
    tables.timing = plan.options.timing
    var files = [
      File(name: "\(stem).csv", text: table(tables.summaryCSV()), isPlot: false),
      File(name: "\(stem)-segments.csv", text: table(tables.segmentCSV()), isPlot: false),
    ]
    if !result.candidates.isEmpty {
      files.append(File(name: "\(stem)-candidates.csv", text: table(PartitionProblem.csv(result.candidates)), isPlot: false))
    }
    let plans = result.plans.map(\.record.plan)
    let floor =
      objective == .traffic ? Double(networkFloor.entries) : Double(networkFloor.bits) / 8 * energy.dramPicojoulesPerByte
    files.append(
      File(
        name: "\(drawingStem)-traffic.svg",
        text: SweepPlots.traffic(network: name, plans: plans, floor: floor, objective: objective, energy: energy), isPlot: true))
    if !result.dram.isEmpty {
      files.append(
        File(
          name: "\(drawingStem)-dram-energy.svg", text: SweepPlots.dramEnergy(network: name, plans: plans, reports: result.dram),
          isPlot: true))
    }
    var seen: Set<Int> = []
    for size in result.plans.map(\.buffer) where seen.insert(size).inserted {
      guard let best = bestPlan(result, at: size) else { continue }
      let label = BufferSizes.label(size)
      files.append(
        File(
          name: "\(drawingStem)-\(label).dot", text: PlanGraph(analysis: analysis, plan: best, energy: energy).dot(),
          isPlot: false))
      files.append(File(name: "\(drawingStem)-layers-\(label).svg", text: SweepPlots.layers(network: name, plan: best), isPlot: true))
    }
    return files
  }

  /// The plan drawn for a buffer size: of the strategies run, the most capable.
  private static func bestPlan(_ result: Sweep.NetworkResult, at size: Int) -> NetworkPlan? {
    let preference: [Strategy] = [.optimal, .fusedGreedy, .layerwiseScan, .layerwiseRowMajor]
    for strategy in preference {
      if let plan = result.plans.first(where: { $0.buffer == size && $0.strategy == strategy }) { return plan.record.plan }
    }
    return nil
  }
}
