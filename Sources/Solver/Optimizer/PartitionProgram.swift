import Tiling

/// The MILP of docs/optimizer.md over one candidate set: a binary x_c per candidate, one
/// equality row per layer (covered exactly once), the objective, and the coupling rows.
struct PartitionProgram {
  let set: PartitionProblem
  let objective: PlanObjective
  let constraints: PlanConstraints
  let architecture: Architecture

  /// A coupling row: its name (the command-line option), each candidate's coefficient, its bound.
  struct Coupling {
    var option: String
    var coefficient: (CandidateFigures) -> Double
    var bound: Double
  }

  var couplings: [Coupling] {
    var rows: [Coupling] = []
    if let cycles = constraints.maxLatencyCycles {
      let architecture = architecture
      rows.append(Coupling(option: "--max-latency", coefficient: { $0.cycles(architecture) }, bound: cycles))
    }
    if let segments = constraints.maxSegments {
      rows.append(Coupling(option: "--max-segments", coefficient: { _ in 1 }, bound: Double(segments)))
    }
    return rows
  }

  /// Objective coefficients scaled to about 1 per layer: GLPK's tolerances are relative, and pJ
  /// totals near 10^10 would otherwise blur differences of a few bytes.
  var objectiveScale: Double {
    let largest = set.candidates.map { objective.cost($0, energy: architecture.energy) }.max() ?? 1
    return largest > 0 ? largest : 1
  }

  /// The program minimizing `minimized` (the objective by default, or a coupling row's left side
  /// when diagnosing), subject to the cover rows and the `kept` couplings.
  func program(minimizing minimized: ((CandidateFigures) -> Double)? = nil, keeping kept: [Coupling]) -> LinearProgram {
    var program = LinearProgram(direction: .minimize)
    let energy = architecture.energy
    let scale = minimized == nil ? objectiveScale : 1
    for (index, candidate) in set.candidates.enumerated() {
      let cost = minimized?(candidate) ?? objective.cost(candidate, energy: energy)
      program.addColumn("x\(index)", kind: .binary, cost: cost / scale)
    }
    var byLayer = Array(repeating: [Int](), count: set.layerCount)
    for (index, candidate) in set.candidates.enumerated() { for layer in candidate.layers { byLayer[layer].append(index) } }
    for (layer, indices) in byLayer.enumerated() {
      program.addRow("cover \(set.layerNames[layer])", terms: indices.map { ($0, 1.0) }, lower: 1, upper: 1)
    }
    for coupling in kept {
      program.addRow(
        coupling.option, terms: set.candidates.indices.map { ($0, coupling.coefficient(set.candidates[$0])) },
        upper: coupling.bound)
    }
    return program
  }

  /// The chosen candidates, in layer order, from a solution's values.
  func chosen(_ values: [Double]) -> [Int] {
    set.candidates.indices.filter { values[$0] > 0.5 }.sorted { set.candidates[$0].layers.lowerBound < set.candidates[$1].layers.lowerBound }
  }

  /// Whether the chosen candidates cover every layer exactly once and meet every coupling row.
  func isFeasible(_ chosen: [Int]) -> Bool {
    var next = 0
    for index in chosen {
      guard set.candidates[index].layers.lowerBound == next else { return false }
      next = set.candidates[index].layers.upperBound
    }
    guard next == set.layerCount else { return false }
    return couplings.allSatisfy { coupling in
      chosen.reduce(0) { $0 + coupling.coefficient(set.candidates[$1]) } <= coupling.bound * (1 + 1e-9)
    }
  }

  func cost(_ chosen: [Int]) -> Double {
    chosen.reduce(0) { $0 + objective.cost(set.candidates[$1], energy: architecture.energy) }
  }
}
