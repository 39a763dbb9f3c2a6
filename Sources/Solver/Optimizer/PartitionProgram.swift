import Tiling

/// A plan as the optimizer sees it: the chosen candidates in layer order, and the width chosen
/// for each layer that has a width choice.
struct PartitionChoice: Hashable {
  var chosen: [Int]
  var widths: [Int: Int] = [:]
}

/// The MILP of docs/optimizer.md over one partition problem, and the exact evaluation of a
/// choice that every answer is checked with.
struct PartitionProgram {
  let set: PartitionProblem
  let objective: Objective
  let constraints: PlanConstraints
  let architecture: Architecture

  // MARK: Exact evaluation

  /// Bits candidate `index` moves with the layers at `widths` (declared widths without a choice).
  func bits(_ index: Int, widths: [Int: Int]) -> Int {
    let candidate = set.candidates[index]
    guard let choices = constraints.widths else { return candidate.bits }
    return candidate.moves.reduce(0) { total, move in total + move.entries * choices.width(of: move.owner, chosen: widths) }
  }

  func cost(_ index: Int, widths: [Int: Int]) -> Double {
    switch objective {
    case .energy: return Double(bits(index, widths: widths)) / 8 * architecture.energy.dramPicojoulesPerByte
    case .traffic: return Double(set.candidates[index].traffic)
    }
  }

  func cycles(_ index: Int, widths: [Int: Int]) -> Double {
    let candidate = set.candidates[index]
    let compute = Double(candidate.macs) / Double(architecture.macArray.macsPerCycle)
    return max(compute, Double(bits(index, widths: widths)) / 8 / architecture.dramBandwidthBytesPerCycle)
  }

  func cost(_ choice: PartitionChoice) -> Double { choice.chosen.reduce(0) { $0 + cost($1, widths: choice.widths) } }
  func cycles(_ choice: PartitionChoice) -> Double { choice.chosen.reduce(0) { $0 + cycles($1, widths: choice.widths) } }

  func error(_ choice: PartitionChoice) -> Double {
    guard let choices = constraints.widths else { return 0 }
    return choice.widths.reduce(0) { $0 + (choices.errors[$1.key]?[$1.value] ?? .infinity) }
  }

  /// Whether a choice covers every layer exactly once, gives every choosing layer an allowed
  /// width, and meets every constraint.
  func isFeasible(_ choice: PartitionChoice) -> Bool {
    var next = 0
    for index in choice.chosen {
      guard set.candidates[index].layers.lowerBound == next else { return false }
      next = set.candidates[index].layers.upperBound
    }
    guard next == set.layerCount else { return false }
    let slack = 1 + 1e-9
    if let budget = constraints.maxLatencyCycles, cycles(choice) > budget * slack { return false }
    if let segments = constraints.maxSegments, choice.chosen.count > segments { return false }
    if let choices = constraints.widths {
      let choosing = Set(choices.errors.keys)
      guard Set(choice.widths.keys) == choosing, error(choice) <= choices.budget * slack + 1e-12 else { return false }
    }
    return true
  }

  // MARK: The program

  /// The built program and where its parts are.
  struct Built {
    var program: LinearProgram
    /// Each coupling row: its option and row index, in a fixed order.
    var couplings: [(option: String, row: Int)] = []
    /// x_c of each candidate.
    var selected: [Int] = []
    /// w[c, l, b]: candidate, layer, width, column.
    var widthColumns: [(candidate: Int, layer: Int, width: Int, column: Int)] = []
    /// z columns waiting for their row, which needs every candidate's w columns of the producer.
    var pendingProducts: [(z: Int, candidate: Int, producer: Int, width: Int)] = []
  }

  /// Objective coefficients are divided by the largest candidate cost: GLPK's tolerances are
  /// relative, and pJ totals near 10^10 would otherwise blur differences of a few bytes.
  private var scale: Double {
    let largest = set.candidates.indices.map { cost($0, widths: [:]) }.max() ?? 1
    return largest > 0 ? largest : 1
  }

  func build() -> Built {
    var built = Built(program: LinearProgram(direction: .minimize))
    let scale = scale
    let perBit = objective == .energy ? architecture.energy.dramPicojoulesPerByte / 8 / scale : 0
    let perByteCycles = 1 / architecture.dramBandwidthBytesPerCycle / 8
    let choices = constraints.widths
    // Terms of each candidate's bits that depend on chosen widths, and its fixed bits.
    var variableBits: [[LinearProgram.Term]] = []
    var fixedBits: [Double] = []
    for (index, candidate) in set.candidates.enumerated() {
      let fixedCost = choices == nil ? cost(index, widths: [:]) / scale : 0
      built.selected.append(built.program.addColumn("x\(index)", kind: .binary, cost: fixedCost))
      variableBits.append([])
      fixedBits.append(Double(candidate.bits))
    }
    if let choices {
      for (index, candidate) in set.candidates.enumerated() {
        fixedBits[index] = 0
        var owned: [Int: Int] = [:]
        var read: [Int: Int] = [:]
        for move in candidate.moves {
          switch move.owner {
          case .weights(let layer), .activations(let layer):
            if choices.errors[layer] == nil {
              fixedBits[index] += Double(move.entries * choices.width(of: move.owner, chosen: [:]))
            } else if candidate.layers.contains(layer) {
              owned[layer, default: 0] += move.entries
            } else {
              read[layer, default: 0] += move.entries
            }
          case .input(let bits):
            fixedBits[index] += Double(move.entries * bits)
          }
        }
        if objective == .traffic {
          built.program.columns[built.selected[index]].cost = Double(candidate.traffic) / scale
        } else {
          built.program.columns[built.selected[index]].cost = fixedBits[index] * perBit
        }
        for layer in candidate.layers where choices.errors[layer] != nil {
          var terms = [(column: built.selected[index], coefficient: -1.0)]
          for width in choices.choices(layer) {
            let entries = Double(owned[layer] ?? 0)
            let column = built.program.addColumn("w\(index)_\(layer)_\(width)", kind: .binary, cost: entries * Double(width) * perBit)
            built.widthColumns.append((index, layer, width, column))
            terms.append((column, 1))
            if entries > 0 { variableBits[index].append(LinearProgram.Term(column: column, coefficient: entries * Double(width))) }
          }
          built.program.addRow("one width of \(set.layerNames[layer]) in x\(index)", terms: terms, lower: 0, upper: 0)
        }
        // Reads of a tensor whose producer is elsewhere, priced at the producer's width: one z per
        // width, summing to x_c, each at most the producer's choice of that width (y_p,b, the sum
        // of its w columns). Tighter than z >= x_c + y_p,b - 1, which leaves GLPK a weak bound.
        for (producer, entries) in read.sorted(by: { $0.key < $1.key }) {
          var terms = [(column: built.selected[index], coefficient: -1.0)]
          for width in choices.choices(producer) {
            let bits = Double(entries * width)
            let z = built.program.addColumn("z\(index)_\(producer)_\(width)", lower: 0, upper: 1, cost: bits * perBit)
            variableBits[index].append(LinearProgram.Term(column: z, coefficient: bits))
            built.pendingProducts.append((z, index, producer, width))
            terms.append((z, 1))
          }
          built.program.addRow("one width of \(set.layerNames[producer]) read by x\(index)", terms: terms, lower: 0, upper: 0)
        }
      }
      let producing = Dictionary(grouping: built.widthColumns) { [$0.layer, $0.width] }
      for product in built.pendingProducts {
        var terms = [(column: product.z, coefficient: 1.0)]
        for entry in producing[[product.producer, product.width], default: []] { terms.append((entry.column, -1)) }
        built.program.addRow("read \(set.layerNames[product.producer]) at \(product.width) bits in x\(product.candidate)", terms: terms, upper: 0)
      }
      let errorTerms = built.widthColumns.map { (column: $0.column, coefficient: choices.errors[$0.layer]?[$0.width] ?? 0) }
      built.couplings.append(
        ("--error-budget", built.program.addRow("--error-budget", terms: errorTerms, upper: choices.budget)))
    }
    for (layer, name) in set.layerNames.enumerated() {
      let terms = set.candidates.indices.filter { set.candidates[$0].layers.contains(layer) }.map {
        (column: built.selected[$0], coefficient: 1.0)
      }
      built.program.addRow("cover \(name)", terms: terms, lower: 1, upper: 1)
    }
    if let budget = constraints.maxLatencyCycles {
      var latency: [(column: Int, coefficient: Double)] = []
      for (index, candidate) in set.candidates.enumerated() {
        let compute = Double(candidate.macs) / Double(architecture.macArray.macsPerCycle)
        if variableBits[index].isEmpty {
          latency.append((built.selected[index], max(compute, fixedBits[index] * perByteCycles)))
          continue
        }
        // t_c >= compute x_c and t_c >= bits / 8 / bandwidth: the roofline's max, linearly.
        let t = built.program.addColumn("t\(index)", lower: 0)
        built.program.addRow("compute of x\(index)", terms: [(t, 1), (built.selected[index], -compute)], lower: 0)
        built.program.addRow(
          "memory of x\(index)",
          terms: [(t, 1), (built.selected[index], -fixedBits[index] * perByteCycles)]
            + variableBits[index].map { ($0.column, -$0.coefficient * perByteCycles) }, lower: 0)
        latency.append((t, 1))
      }
      built.couplings.append(("--max-latency", built.program.addRow("--max-latency", terms: latency, upper: budget)))
    }
    if let segments = constraints.maxSegments {
      let terms = built.selected.map { (column: $0, coefficient: 1.0) }
      built.couplings.append(("--max-segments", built.program.addRow("--max-segments", terms: terms, upper: Double(segments))))
    }
    return built
  }

  /// The choice a solution's values encode.
  func choice(_ values: [Double], of built: Built) -> PartitionChoice {
    let chosen = set.candidates.indices.filter { values[built.selected[$0]] > 0.5 }.sorted {
      set.candidates[$0].layers.lowerBound < set.candidates[$1].layers.lowerBound
    }
    var widths: [Int: Int] = [:]
    for entry in built.widthColumns where values[entry.column] > 0.5 { widths[entry.layer] = entry.width }
    return PartitionChoice(chosen: chosen, widths: widths)
  }
}
