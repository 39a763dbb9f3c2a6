import Networks

/// Constant folding: operators whose inputs are all constants (shape subgraphs, weights made by
/// `ConstantOfShape`, reshaped or cast weights) give a constant, computed here.
enum ONNXFolding {
  /// The constant `c` makes, or nil when an input is a feature map (not a constant subgraph).
  static func fold(_ c: ONNXNodeContext) throws(ONNXError) -> ONNXValue? {
    var constants: [ONNXConstant?] = []
    for input in c.inputs {
      switch input {
      case .constant(let constant)?: constants.append(constant)
      case nil: constants.append(nil)
      case .feature?: return nil
      }
    }
    switch c.node.opType {
    case "Constant":
      return .constant(try constantNode(c))
    case "ConstantOfShape":
      guard let shape = c.constantIntegers(at: 0), shape.allSatisfy({ $0 >= 0 }) else {
        throw c.fail("expected a constant shape of sizes 0 or more", field: "input")
      }
      let fill = try c.attributes.tensor("value")?.values?.first ?? 0
      let count = elementCount(shape)
      return .constant(
        ONNXConstant(
          dims: shape, values: count <= ONNXConstant.valueLimit ? Array(repeating: fill, count: count) : nil,
          source: .fill(fill)))
    case "DequantizeLinear":
      // Quantized weights (QDQ models): the float values the graph computes with.
      guard let quantized = constants.first ?? nil, let scale = c.constantValues(at: 1) else {
        throw c.fail("expected constant values and a constant scale", field: "x_scale")
      }
      let zeroPoint = c.constantValues(at: 2) ?? []
      let axis = c.attributes.int("axis") ?? 1
      var values: [Double]?
      if let small = quantized.values {
        values = ONNXConstant.dequantize(small.map(Float.init), dims: quantized.dims, scale: scale, zeroPoint: zeroPoint, axis: axis)?
          .map(Double.init)
      }
      return .constant(
        ONNXConstant(
          dims: quantized.dims, values: values,
          source: .dequantized(quantized, scale: scale, zeroPoint: zeroPoint, axis: axis)))
    case "QuantizeLinear":
      guard let input = constants.first ?? nil, let scale = c.constantValues(at: 1) else {
        throw c.fail("expected constant values and a constant scale", field: "y_scale")
      }
      let zeroPoint = c.constant(at: 2)
      // The zero point's type is the output's: uint8 saturates to 0...255, the rest to int8.
      let range: ClosedRange<Double> = zeroPoint?.elementType == ONNXElementType.uint8.rawValue ? 0...255 : -128...127
      let axis = c.attributes.int("axis") ?? 1
      let source = ONNXConstant.Source.quantized(
        input, scale: scale, zeroPoint: zeroPoint?.values ?? [], axis: axis, range: range)
      let values =
        input.count <= ONNXConstant.valueLimit
        ? ONNXConstant(dims: input.dims, values: nil, source: source).floats().map { $0.map(Double.init) } : nil
      return .constant(ONNXConstant(dims: input.dims, values: values, source: source))
    case "Identity", "Cast", "Dropout":
      guard let input = constants.first ?? nil else { throw c.fail("expected an input") }
      return .constant(input)
    case "Shape":
      guard let input = constants.first ?? nil else { throw c.fail("expected an input") }
      return .constant(ONNXConstant(dims: [input.dims.count], values: input.dims.map(Double.init)))
    case "Reshape":
      guard let input = constants.first ?? nil, let target = c.constantIntegers(at: 1) else {
        throw c.fail("expected a constant shape", field: "shape")
      }
      var dims = zip(target.indices, target).map { $0.1 == 0 && $0.0 < input.dims.count ? input.dims[$0.0] : $0.1 }
      let known = elementCount(dims.filter { $0 != -1 })
      if let missing = dims.firstIndex(of: -1), known > 0 { dims[missing] = input.count / known }
      guard dims.allSatisfy({ $0 >= 0 }), elementCount(dims) == input.count else {
        throw c.fail("reshapes \(input.dims) to \(target)", field: "shape")
      }
      return .constant(ONNXConstant(dims: dims, values: input.values, source: input.source))
    case "Squeeze", "Unsqueeze":
      guard let input = constants.first ?? nil else { throw c.fail("expected an input") }
      let dims = try squeezing(input.dims, c)
      return .constant(ONNXConstant(dims: dims, values: input.values, source: input.source))
    case "Concat":
      let parts = constants.compactMap { $0 }
      guard let first = parts.first else { throw c.fail("expected inputs") }
      let axis = c.attributes.int("axis") ?? 0
      let normalized = axis < 0 ? axis + first.dims.count : axis
      guard normalized >= 0 && normalized < max(first.dims.count, 1) else { throw c.fail("axis \(axis) out of range", field: "axis") }
      var dims = first.dims
      if !dims.isEmpty { dims[normalized] = parts.reduce(0) { $0 + ($1.dims.count > normalized ? $1.dims[normalized] : 0) } }
      let values: [Double]? = first.dims.count == 1 && parts.allSatisfy({ $0.values != nil }) ? parts.flatMap { $0.values ?? [] } : nil
      return .constant(ONNXConstant(dims: dims, values: values))
    case "Gather":
      guard let data = constants.first ?? nil, let indices = c.constant(at: 1) else { throw c.fail("expected data and indices") }
      guard data.dims.count == 1, let values = data.values, let picked = indices.integers else {
        // Gathering from a weight: the shape is what matters (rows picked along axis 0).
        var dims = indices.dims + Array(data.dims.dropFirst())
        if data.dims.isEmpty { dims = indices.dims }
        return .constant(ONNXConstant(dims: dims, values: nil))
      }
      let gathered = try picked.map { index throws(ONNXError) -> Double in
        let position = index < 0 ? index + values.count : index
        guard values.indices.contains(position) else { throw c.fail("index \(index) out of range of \(values.count)", field: "indices") }
        return values[position]
      }
      return .constant(ONNXConstant(dims: indices.dims, values: gathered))
    case "Add", "Sub", "Mul", "Div":
      guard constants.count == 2, let a = constants[0], let b = constants[1] else { throw c.fail("expected two inputs") }
      let dims = a.count >= b.count ? a.dims : b.dims
      var values: [Double]?
      if let x = a.values, let y = b.values, x.count == y.count || x.count == 1 || y.count == 1 {
        let count = max(x.count, y.count)
        values = (0..<count).map { index in
          let (p, q) = (x[x.count == 1 ? 0 : index], y[y.count == 1 ? 0 : index])
          switch c.node.opType {
          case "Add": return p + q
          case "Sub": return p - q
          case "Mul": return p * q
          default: return q == 0 ? .nan : p / q
          }
        }
      }
      return .constant(ONNXConstant(dims: dims, values: values))
    default:
      return nil
    }
  }

  /// The dimensions `Squeeze` or `Unsqueeze` (`c`) makes of `dims`: axes as an attribute (before
  /// opset 13) or a constant input; `Squeeze` without axes drops every size-1 axis.
  static func squeezing(_ dims: [Int], _ c: ONNXNodeContext) throws(ONNXError) -> [Int] {
    let axes = c.attributes.ints("axes") ?? c.constantIntegers(at: 1)
    if c.node.opType == "Squeeze" {
      let drop = Set((axes ?? dims.indices.filter { dims[$0] == 1 }).map { $0 < 0 ? $0 + dims.count : $0 })
      return dims.indices.filter { !drop.contains($0) }.map { dims[$0] }
    }
    guard let axes else { throw c.fail("expected axes", field: "axes") }
    var result = dims
    let rank = dims.count + axes.count
    for axis in axes.map({ $0 < 0 ? $0 + rank : $0 }).sorted() where axis >= 0 && axis <= result.count {
      result.insert(1, at: axis)
    }
    return result
  }

  /// `Constant`: a tensor in `value`, or a scalar or list in `value_float(s)` / `value_int(s)`.
  private static func constantNode(_ c: ONNXNodeContext) throws(ONNXError) -> ONNXConstant {
    if let tensor = try c.attributes.tensor("value") { return tensor }
    if let value = c.attributes.float("value_float") { return ONNXConstant(dims: [], values: [value]) }
    if let value = c.attributes.int("value_int") { return ONNXConstant(dims: [], values: [Double(value)]) }
    if let values = c.attributes.floats("value_floats") { return ONNXConstant(dims: [values.count], values: values) }
    if let values = c.attributes.ints("value_ints") { return ONNXConstant(dims: [values.count], values: values.map(Double.init)) }
    throw c.fail("expected a value attribute (value, value_float(s) or value_int(s))", field: "value")
  }
}
