import Foundation
import Networks
import SwiftProtobuf
import Testing

@testable import ONNX

/// Repeated scalars come packed or not (proto2's onnx.proto declares them unpacked, but a
/// conforming parser must take both, and some writers pack), and int64 values may be negative
/// (ten-byte varints): the same model in every form reads to the same network and weights.
@Suite struct ONNXWireFormTests {
  typealias M = ONNXMalformedTests

  /// Where repeated scalars sit: message field -> nested schema, or a packable scalar field.
  indirect enum Schema {
    case message([UInt64: Schema])
    case varints
    case fixed32s
  }

  static let tensor = Schema.message([1: .varints, 4: .fixed32s, 5: .varints, 7: .varints])
  static let attribute = Schema.message([5: tensor, 7: .fixed32s, 8: .varints])
  static let graph = Schema.message([1: .message([5: attribute]), 5: tensor])
  static let modelSchema = Schema.message([7: graph])

  /// `bytes` with every repeated scalar of the schema written packed (one length-delimited
  /// record holding all the values of the field, where its first value was), or, with `pack`
  /// false, unpacked (one record per value).
  static func packed(_ bytes: [UInt8], _ schema: Schema, pack: Bool = true) -> [UInt8] {
    guard case .message(let fields) = schema else { return bytes }
    var position = 0
    func varint() -> UInt64 {
      var value: UInt64 = 0
      var shift: UInt64 = 0
      while true {
        let byte = bytes[position]
        position += 1
        value |= UInt64(byte & 0x7f) << shift
        if byte < 0x80 { return value }
        shift += 7
      }
    }
    func encode(_ value: UInt64) -> [UInt8] {
      var value = value, out: [UInt8] = []
      while value >= 0x80 {
        out.append(UInt8(value & 0x7f) | 0x80)
        value >>= 7
      }
      return out + [UInt8(value)]
    }
    // Each record: (field, wire type, payload bytes as written after the key).
    var records: [(field: UInt64, wire: UInt64, payload: [UInt8])] = []
    while position < bytes.count {
      let key = varint()
      let (field, wire) = (key >> 3, key & 7)
      let start = position
      switch wire {
      case 0: _ = varint()
      case 1: position += 8
      case 2:
        let length = Int(varint())
        let body = Array(bytes[position..<position + length])
        position += length
        if let nested = fields[field], case .message = nested {
          records.append((field, 2, packed(body, nested, pack: pack)))
          continue
        }
        records.append((field, 2, body))
        continue
      case 5: position += 4
      default: return bytes
      }
      records.append((field, wire, Array(bytes[start..<position])))
    }
    var out: [UInt8] = []
    var done: Set<UInt64> = []
    if !pack {
      for record in records {
        switch (fields[record.field], record.wire) {
        case (.varints?, 2):
          var values = record.payload[...]
          while let last = values.firstIndex(where: { $0 < 0x80 }) {
            out += encode(record.field << 3) + values[...last]
            values = values[(last + 1)...]
          }
        case (.fixed32s?, 2):
          for start in stride(from: 0, to: record.payload.count, by: 4) {
            out += encode(record.field << 3 | 5) + record.payload[start..<start + 4]
          }
        case (_, 2): out += encode(record.field << 3 | 2) + encode(UInt64(record.payload.count)) + record.payload
        default: out += encode(record.field << 3 | record.wire) + record.payload
        }
      }
      return out
    }
    for record in records {
      let packable: Bool
      switch fields[record.field] {
      case .varints?: packable = record.wire == 0
      case .fixed32s?: packable = record.wire == 5
      default: packable = false
      }
      if packable {
        guard done.insert(record.field).inserted else { continue }
        let values = records.filter { $0.field == record.field && $0.wire == record.wire }.flatMap(\.payload)
        out += encode(record.field << 3 | 2) + encode(UInt64(values.count)) + values
      } else if record.wire == 2 {
        out += encode(record.field << 3 | 2) + encode(UInt64(record.payload.count)) + record.payload
      } else {
        out += encode(record.field << 3 | record.wire) + record.payload
      }
    }
    return out
  }

  @Test(arguments: ["bn_shuffle_squeeze", "torch_flatten", "auto_pad", "clip_attributes"])
  func packedRepeatedScalarsReadAlike(model: String) throws {
    let path = ONNXQuirkTests.folder.appendingPathComponent(model + ".onnx").path
    let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    let repacked = Self.packed(original, Self.modelSchema)
    #expect(repacked != original, "the fixture has unpacked repeated scalars to pack")
    let plain = try ONNXReader.read(data: Data(original), name: model)
    let packed = try ONNXReader.read(data: Data(repacked), name: model)
    #expect(packed.network.layers == plain.network.layers)
    #expect(packed.network.inputs == plain.network.inputs)
    let (a, b) = (try plain.layerParameters(), try packed.layerParameters())
    #expect(a.keys.sorted() == b.keys.sorted())
    for (name, parameters) in a { #expect(b[name]?.weights == parameters.weights && b[name]?.bias == parameters.bias, "\(name)") }
  }

  /// A Reshape to [1, -1] with its shape in `int64_data` (a negative varint, ten bytes), packed
  /// or not, and a typed `float_data` weight (fixed32 values, packed or not).
  @Test func negativeVarintsInTypedFields() throws {
    var shape = Onnx_TensorProto()
    shape.name = "shape"
    shape.dataType = 7
    shape.dims = [2]
    shape.int64Data = [1, -1]
    var weight = Onnx_TensorProto()
    weight.name = "w"
    weight.dataType = 1
    weight.dims = [48, 5]
    weight.floatData = (0..<240).map { Float($0) / 240 - 0.5 }
    let model = M.model(
      [
        M.node("MaxPool", ["image"], ["p"], name: "pool", ints: ["kernel_shape": [2, 2], "strides": [2, 2]]),
        M.node("Reshape", ["p", "shape"], ["flat"], name: "flatten"),
        M.node("Gemm", ["flat", "w"], ["y"], name: "fc"),
      ],
      initializers: [shape, weight])
    let bytes = [UInt8](try model.serializedData())
    #expect(bytes.count > 0)
    let unpacked = Self.packed(bytes, Self.modelSchema, pack: false)
    #expect(unpacked.count > bytes.count + 200, "swift-protobuf packs float_data and int64_data; unpacked, each value has a key")
    for form in [bytes, Self.packed(bytes, Self.modelSchema), unpacked] {
      let imported = try ONNXReader.read(data: Data(form), name: "negative.onnx")
      let analysis = try imported.network.analyze()
      #expect(analysis.layers.map(\.name) == ["pool", "fc"])
      #expect(analysis.layers.last?.outputShape.channels == 5)
      // [K][N] as written, [N][K] as the fixed-point core takes it.
      let expected = (0..<5).flatMap { n in (0..<48).map { k in weight.floatData[k * 5 + n] } }
      #expect(try imported.layerParameters()["fc"]?.weights == expected)
    }
  }
}
