import Foundation
import Networks

/// The product of `sizes`, or Int.max when it overflows (sizes come from the file: a product
/// past any real tensor is refused by the checks that compare it, never trapped on).
func elementCount(_ sizes: some Sequence<Int>) -> Int {
  sizes.reduce(1) { product, size in
    let (result, overflow) = product.multipliedReportingOverflow(by: size)
    return overflow ? Int.max : result
  }
}

/// A constant tensor of the graph (an initializer, a `Constant`, or what folding made): its
/// dimensions, and its values when they are small enough to matter for shapes (shapes, axes,
/// pads, scales, clip bounds); weights keep their dimensions only.
struct ONNXConstant: Sendable {
  var dims: [Int]
  /// The values in row-major order, or nil for a tensor kept by its shape only.
  var values: [Double]?
  /// Where the values of a large tensor are: the initializer (decoded when weights are asked
  /// for), or one value repeated (`ConstantOfShape`); nil when unknown (external data, folded).
  var source: Source? = nil
  /// The ONNX element type (TensorProto.DataType) of a tensor read from the file.
  var elementType: Int32? = nil

  /// The values of a tensor too large to keep decoded.
  indirect enum Source: Sendable {
    case tensor(Onnx_TensorProto)
    case fill(Double)
    /// `DequantizeLinear` of integer values: (q - zero point) x scale, per tensor or per slice
    /// along `axis`.
    case dequantized(ONNXConstant, scale: [Double], zeroPoint: [Double], axis: Int)
    /// `QuantizeLinear` of float values: round(x / scale) + zero point, saturated to `range`.
    case quantized(ONNXConstant, scale: [Double], zeroPoint: [Double], axis: Int, range: ClosedRange<Double>)
  }

  init(dims: [Int], values: [Double]?, source: Source? = nil) {
    self.dims = dims
    self.values = values
    self.source = source
  }

  /// Every value as a Float, in row-major order; nil when they are not known (external data that
  /// is not beside the model in `directory`, a weight computed by an operator dse does not fold).
  func floats(directory: String? = nil) -> [Float]? {
    if let values { return values.map(Float.init) }
    // Past 2^34 elements (64 GiB of floats) no model holds a tensor: the dimensions are corrupt.
    guard count <= 1 << 34 else { return nil }
    switch source {
    case .fill(let value)?: return Array(repeating: Float(value), count: count)
    case .dequantized(let quantized, let scale, let zeroPoint, let axis)?:
      guard let raw = quantized.floats(directory: directory) else { return nil }
      return Self.dequantize(raw, dims: dims, scale: scale, zeroPoint: zeroPoint, axis: axis)
    case .quantized(let input, let scale, let zeroPoint, let axis, let range)?:
      guard let raw = input.floats(directory: directory) else { return nil }
      return Self.quantize(raw, dims: dims, scale: scale, zeroPoint: zeroPoint, axis: axis, range: range)
    case .tensor(var tensor)?:
      if tensor.dataLocation == .external {
        guard let directory, let data = Self.externalData(tensor, directory: directory) else { return nil }
        tensor.rawData = data
        tensor.dataLocation = .default
        return ONNXConstant(dims: dims, values: nil, source: .tensor(tensor)).floats()
      }
      // float32, the usual weight, straight from its bytes or field; every other type through
      // the general decoder (a malformed tensor gives nil, named by the caller).
      if tensor.dataType == ONNXElementType.float.rawValue {
        if tensor.rawData.count == count * 4 {
          return tensor.rawData.withUnsafeBytes { raw in
            (0..<count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
          }
        }
        if tensor.rawData.isEmpty && tensor.floatData.count == count { return tensor.floatData }
      }
      return (try? ONNXConstant(tensor, decodingAll: true) { _ in ONNXError("", file: "") })?.values?.map(Float.init)
    case nil: return nil
    }
  }

  /// Tensors with at most this many elements keep their values.
  static let valueLimit = 4096

  var count: Int { elementCount(dims) }

  /// Integer values, when all are whole numbers that fit.
  var integers: [Int]? {
    values.flatMap { values in
      let whole = values.compactMap { $0.isFinite && $0 == $0.rounded() && abs($0) < 9.0e18 ? Int($0) : nil }
      return whole.count == values.count ? whole : nil
    }
  }
}

/// ONNX element types dse reads (TensorProto.DataType).
enum ONNXElementType: Int32 {
  case float = 1, uint8 = 2, int8 = 3, uint16 = 4, int16 = 5, int32 = 6, int64 = 7, string = 8, bool = 9,
    float16 = 10, double = 11, uint32 = 12, uint64 = 13, bfloat16 = 16

  /// Bytes per element in raw_data (nil for strings).
  var size: Int? {
    switch self {
    case .float, .int32, .uint32: 4
    case .uint8, .int8, .bool: 1
    case .uint16, .int16, .float16, .bfloat16: 2
    case .int64, .double, .uint64: 8
    case .string: nil
    }
  }
}

extension ONNXConstant {
  /// A constant from a TensorProto: dimensions always, values when small (or always, with
  /// `decodingAll`). `where` names it in errors.
  init(_ tensor: Onnx_TensorProto, decodingAll: Bool = false, where place: (String?) -> ONNXError) throws(ONNXError) {
    var dims: [Int] = []
    for dim in tensor.dims {
      guard dim >= 0 && dim <= 1 << 40 else {
        throw place("dims")
      }
      dims.append(Int(dim))
    }
    self.dims = dims
    elementType = tensor.dataType
    let count = elementCount(dims)
    guard count <= ONNXConstant.valueLimit || (decodingAll && count <= 1 << 34) else {
      values = nil
      source = .tensor(tensor)
      return
    }
    guard let type = ONNXElementType(rawValue: tensor.dataType) else {
      values = nil
      return
    }
    if tensor.dataLocation == .external {
      values = nil
      source = .tensor(tensor)
      return
    }
    if !tensor.rawData.isEmpty {
      guard let size = type.size, tensor.rawData.count == count * size else {
        throw place("raw_data")
      }
      values = Self.decode(tensor.rawData, type: type, count: count)
      return
    }
    switch type {
    case .float: values = tensor.floatData.map(Double.init)
    case .double: values = tensor.doubleData
    case .int64: values = tensor.int64Data.map(Double.init)
    case .uint64: values = tensor.uint64Data.map(Double.init)
    case .int32, .int16, .int8, .uint16, .uint8, .bool: values = tensor.int32Data.map(Double.init)
    case .float16, .bfloat16: values = tensor.int32Data.map { Self.half(UInt16(truncatingIfNeeded: $0), brain: type == .bfloat16) }
    case .uint32: values = tensor.uint64Data.map(Double.init)
    case .string: values = nil
    }
    if let values, values.count != count {
      // A scalar given once for a tensor of one element is the same; anything else is malformed.
      guard count == 1 && values.count == 1 else { throw place("data") }
    }
  }

  /// round(x / scale) + zero point (ties to even, as ONNX rounds), saturated to `range`, with
  /// `dequantize`'s per-tensor or per-axis parameters.
  static func quantize(
    _ values: [Float], dims: [Int], scale: [Double], zeroPoint: [Double], axis: Int, range: ClosedRange<Double>
  ) -> [Float]? {
    // Dequantizing with scale 1 / s and zero point -z * s... is not exact; compute directly.
    guard !scale.isEmpty, !scale.contains(0), zeroPoint.isEmpty || zeroPoint.count == scale.count else { return nil }
    let normalized = axis < 0 ? axis + dims.count : axis
    let perSlice = scale.count > 1
    guard !perSlice || (dims.indices.contains(normalized) && dims[normalized] == scale.count) else { return nil }
    let inner = perSlice ? elementCount(dims[(normalized + 1)...]) : 1
    return values.indices.map { index in
      let slice = perSlice ? (index / max(inner, 1)) % scale.count : 0
      let q = (Double(values[index]) / scale[slice]).rounded(.toNearestOrEven) + (zeroPoint.isEmpty ? 0 : zeroPoint[slice])
      return Float(min(max(q, range.lowerBound), range.upperBound))
    }
  }

  /// (q - zero point) x scale, element by element; one scale (and zero point) for the tensor, or
  /// one per index along `axis`. nil when the counts do not fit the dimensions.
  static func dequantize(_ values: [Float], dims: [Int], scale: [Double], zeroPoint: [Double], axis: Int) -> [Float]? {
    guard !scale.isEmpty, zeroPoint.isEmpty || zeroPoint.count == scale.count else { return nil }
    if scale.count == 1 {
      let zero = zeroPoint.first ?? 0
      return values.map { Float((Double($0) - zero) * scale[0]) }
    }
    let normalized = axis < 0 ? axis + dims.count : axis
    guard dims.indices.contains(normalized), dims[normalized] == scale.count else { return nil }
    let inner = elementCount(dims[(normalized + 1)...])
    return values.indices.map { index in
      let slice = (index / max(inner, 1)) % scale.count
      return Float((Double(values[index]) - (zeroPoint.isEmpty ? 0 : zeroPoint[slice])) * scale[slice])
    }
  }

  /// The bytes of a tensor stored in a file beside the model (`external_data`: `location`,
  /// optional `offset` and `length`); nil when the file or range is missing or the location
  /// leaves the model's folder.
  private static func externalData(_ tensor: Onnx_TensorProto, directory: String) -> Data? {
    let entries = Dictionary(tensor.externalData.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
    guard let location = entries["location"], !location.hasPrefix("/"),
      !location.split(separator: "/").contains("..")
    else { return nil }
    let offset = entries["offset"].flatMap { Int($0) } ?? 0
    let path = (directory as NSString).appendingPathComponent(location)
    guard offset >= 0, let handle = FileHandle(forReadingAtPath: path) else { return nil }
    defer { try? handle.close() }
    do {
      try handle.seek(toOffset: UInt64(offset))
      let length = entries["length"].flatMap { Int($0) }
      let data = try length.map { try handle.read(upToCount: $0) } ?? handle.readToEnd()
      if let length, data?.count != length { return nil }
      return data
    } catch {
      return nil
    }
  }

  private static func decode(_ data: Data, type: ONNXElementType, count: Int) -> [Double] {
    let bytes = [UInt8](data)
    func word(_ index: Int, _ size: Int) -> UInt64 {
      var value: UInt64 = 0
      for offset in 0..<size { value |= UInt64(bytes[index * size + offset]) << (8 * UInt64(offset)) }
      return value
    }
    return (0..<count).map { index in
      switch type {
      case .float: Double(Float(bitPattern: UInt32(word(index, 4))))
      case .double: Double(bitPattern: word(index, 8))
      case .int64: Double(Int64(bitPattern: word(index, 8)))
      case .uint64: Double(word(index, 8))
      case .int32: Double(Int32(bitPattern: UInt32(word(index, 4))))
      case .uint32: Double(UInt32(word(index, 4)))
      case .int16: Double(Int16(bitPattern: UInt16(word(index, 2))))
      case .uint16: Double(UInt16(word(index, 2)))
      case .int8: Double(Int8(bitPattern: bytes[index]))
      case .uint8, .bool: Double(bytes[index])
      case .float16: half(UInt16(word(index, 2)), brain: false)
      case .bfloat16: half(UInt16(word(index, 2)), brain: true)
      case .string: 0
      }
    }
  }

  /// An IEEE half or a bfloat16 as a Double.
  private static func half(_ bits: UInt16, brain: Bool) -> Double {
    if brain { return Double(Float(bitPattern: UInt32(bits) << 16)) }
    let sign: Double = bits & 0x8000 != 0 ? -1 : 1
    let exponent = Int((bits >> 10) & 0x1F)
    let fraction = Double(bits & 0x3FF)
    switch exponent {
    case 0: return sign * fraction * pow(2, -24)
    case 31: return fraction == 0 ? sign * .infinity : .nan
    default: return sign * (1 + fraction / 1024) * pow(2, Double(exponent - 15))
    }
  }
}
