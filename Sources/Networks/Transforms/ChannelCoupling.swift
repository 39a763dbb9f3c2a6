/// Which channel counts of a network must change together.
///
/// Every layer that chooses its own output channel count (a non-depthwise convolution or an FC
/// layer) and every network input is a *variable*. Any other tensor's channel count is a sum of
/// variables times multipliers: a depthwise layer multiplies its input's terms by its channel
/// multiplier, pooling and upsampling pass them on, a concat lists its inputs' terms side by side.
/// An add needs equal counts on all inputs, so it unites their variables into one group, which
/// is what ties the project layers of a residual stage together.
///
/// A group is *frozen* (its count cannot change) when it holds a network input, reaches a network
/// output, or meets an add in a form that is not a single shared variable (an add of a concat or
/// of tensors with different multipliers), where a common count would need solving a sum.
/// Groups also collect a divisor, so grouped convolutions still divide their channels evenly.
struct ChannelCoupling {
  /// One term of a tensor's channel count: `multiplier` times the count of `variable`.
  struct Term: Hashable {
    var variable: Int
    var multiplier: Int
  }

  /// Original channel count of each variable.
  private(set) var counts: [Int] = []
  /// The layer (or network input) each variable belongs to.
  private(set) var owners: [String] = []
  /// The variable of each layer that chooses its own count.
  private(set) var variableOfLayer: [String: Int] = [:]
  /// Each tensor's channel count as terms over variables.
  private(set) var terms: [String: [Term]] = [:]
  private var parents: [Int] = []
  private var frozen: [Bool] = []
  private var divisors: [Int] = []

  init(_ analysis: NetworkAnalysis) {
    for input in analysis.network.inputs {
      let variable = newVariable(input.name, count: input.shape.channels, frozen: true)
      terms[input.name] = [Term(variable: variable, multiplier: 1)]
    }
    for layer in analysis.layers { add(layer) }
    for output in analysis.network.outputNames { freeze(terms[output] ?? []) }
  }

  private mutating func add(_ layer: LayerAnalysis) {
    let input = layer.layer.inputs.first.flatMap { terms[$0] } ?? []
    switch layer.layer.operation {
    case .convolution(let conv):
      if case .depthwise = conv.groups {
        let multiplier = layer.outputShape.channels / max(1, layer.inputShape.channels)
        terms[layer.name] = input.map { Term(variable: $0.variable, multiplier: $0.multiplier * multiplier) }
        return
      }
      if layer.groups > 1 { requireDivisible(input, by: layer.groups) }
      own(layer, divisor: layer.groups)
    case .fullyConnected:
      own(layer, divisor: 1)
    case .pooling, .globalAveragePool, .upsample:
      terms[layer.name] = input
    case .concat:
      terms[layer.name] = layer.layer.inputs.flatMap { terms[$0] ?? [] }
    case .add:
      let operands = layer.layer.inputs.map { terms[$0] ?? [] }
      terms[layer.name] = operands.first ?? []
      let singles = operands.compactMap { $0.count == 1 ? $0[0] : nil }
      if singles.count == operands.count, let first = singles.first,
        singles.allSatisfy({ $0.multiplier == first.multiplier })
      {
        for term in singles.dropFirst() { union(first.variable, term.variable) }
      } else {
        for operand in operands { freeze(operand) }
      }
    }
  }

  private mutating func own(_ layer: LayerAnalysis, divisor: Int) {
    let variable = newVariable(layer.name, count: layer.outputShape.channels, frozen: false)
    divisors[variable] = divisor
    variableOfLayer[layer.name] = variable
    terms[layer.name] = [Term(variable: variable, multiplier: 1)]
  }

  private mutating func newVariable(_ owner: String, count: Int, frozen isFrozen: Bool) -> Int {
    counts.append(count)
    owners.append(owner)
    parents.append(parents.count)
    frozen.append(isFrozen)
    divisors.append(1)
    return counts.count - 1
  }

  /// A grouped convolution's input must stay divisible by its group count.
  private mutating func requireDivisible(_ input: [Term], by groups: Int) {
    guard input.count == 1 else { return freeze(input) }
    let term = input[0]
    let root = find(term.variable)
    divisors[root] = lcm(divisors[root], groups / gcd(groups, term.multiplier))
  }

  private mutating func freeze(_ input: [Term]) {
    for term in input { frozen[find(term.variable)] = true }
  }

  mutating func find(_ variable: Int) -> Int {
    var root = variable
    while parents[root] != root { root = parents[root] }
    var node = variable
    while parents[node] != root {
      let next = parents[node]
      parents[node] = root
      node = next
    }
    return root
  }

  private mutating func union(_ a: Int, _ b: Int) {
    let (rootA, rootB) = (find(a), find(b))
    guard rootA != rootB else { return }
    parents[rootB] = rootA
    frozen[rootA] = frozen[rootA] || frozen[rootB]
    divisors[rootA] = lcm(divisors[rootA], divisors[rootB])
  }

  mutating func isFrozen(_ variable: Int) -> Bool { frozen[find(variable)] }
  mutating func divisor(_ variable: Int) -> Int { divisors[find(variable)] }
}

func gcd(_ a: Int, _ b: Int) -> Int {
  var (x, y) = (abs(a), abs(b))
  while y != 0 { (x, y) = (y, x % y) }
  return x
}

func lcm(_ a: Int, _ b: Int) -> Int {
  guard a != 0, b != 0 else { return 0 }
  return a / gcd(a, b) * b
}
