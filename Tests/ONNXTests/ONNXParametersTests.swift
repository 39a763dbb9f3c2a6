import Foundation
import Networks
import SwiftProtobuf
import Testing

@testable import ONNX

/// The parameters handed to the fixed-point core, against values worked out by hand: batch norm
/// folded, a batch norm written as Mul and Add folded, a Gemm without transB transposed, and the
/// writer's seeded floats decoded as written.
@Suite struct ONNXParametersTests {
  typealias M = ONNXMalformedTests

  static func tensor(_ name: String, _ dims: [Int64], _ values: [Float]) -> Onnx_TensorProto {
    var tensor = Onnx_TensorProto()
    tensor.name = name
    tensor.dims = dims
    tensor.dataType = 1
    var bytes = [UInt8]()
    for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
    tensor.rawData = Data(bytes)
    return tensor
  }

  /// w = 1, no bias; scale 2, shift 3, mean 1, variance 3, epsilon 1: w' = 1 * 2 / sqrt(3 + 1) = 1,
  /// b' = (0 - 1) * 1 + 3 = 2.
  @Test func batchNormFolds() throws {
    var bn = M.node("BatchNormalization", ["c", "scale", "shift", "mean", "var"], ["n"], name: "bn")
    var epsilon = Onnx_AttributeProto()
    epsilon.name = "epsilon"
    epsilon.type = .float
    epsilon.f = 1
    bn.attribute = [epsilon]
    let model = M.model(
      [M.node("Conv", ["image", "w"], ["c"], name: "conv"), bn, M.node("Relu", ["n"], ["r"])],
      initializers: [
        Self.tensor("w", [2, 3, 1, 1], Array(repeating: 1, count: 6)), Self.tensor("scale", [2], [2, 2]),
        Self.tensor("shift", [2], [3, 3]), Self.tensor("mean", [2], [1, 1]), Self.tensor("var", [2], [3, 3]),
      ])
    let imported = try M.read(model)
    let conv = try #require(try imported.layerParameters()["conv"])
    #expect(conv.weights == Array(repeating: 1, count: 6))
    #expect(conv.bias == [2, 2])
    #expect(imported.network.layers[0].activation == .relu)
  }

  /// Mul by [2, 0.5] then Add [1, -1]: weights of channel 0 doubled, of channel 1 halved; bias [1, -1].
  @Test func mulAndAddFold() throws {
    let model = M.model(
      [
        M.node("Conv", ["image", "w"], ["c"], name: "conv"), M.node("Mul", ["c", "s"], ["m"]),
        M.node("Add", ["m", "t"], ["a"]),
      ],
      initializers: [
        Self.tensor("w", [2, 3, 1, 1], [1, 2, 3, 4, 5, 6]), Self.tensor("s", [2, 1, 1], [2, 0.5]),
        Self.tensor("t", [2, 1, 1], [1, -1]),
      ])
    let conv = try #require(try M.read(model).layerParameters()["conv"])
    #expect(conv.weights == [2, 4, 6, 2, 2.5, 3])
    #expect(conv.bias == [1, -1])
  }

  /// A Gemm without transB holds its weight as [K][N]: [[1, 2], [3, 4], [5, 6]] is, per output,
  /// [1, 3, 5] and [2, 4, 6].
  @Test func gemmWeightsAreTransposedToOutputsFirst() throws {
    let model = M.model(
      [
        M.node("GlobalAveragePool", ["image"], ["g"]), M.node("Flatten", ["g"], ["f"]),
        M.node("Gemm", ["f", "b", "c"], ["y"], name: "fc"),
      ],
      initializers: [Self.tensor("b", [3, 2], [1, 2, 3, 4, 5, 6]), Self.tensor("c", [2], [7, 8])])
    let fc = try #require(try M.read(model).layerParameters()["fc"])
    #expect(fc.weights == [1, 3, 5, 2, 4, 6])
    #expect(fc.bias == [7, 8])
  }

  /// Weights in a file beside the model (`external_data`), at an offset; a missing file names the layer.
  @Test func externalDataIsReadFromBesideTheModel() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("onnx-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    var weight = Self.tensor("w", [2, 3, 1, 1], [1, 2, 3, 4, 5, 6])
    var side = Data(repeating: 0xAB, count: 16)
    side.append(weight.rawData)
    try side.write(to: folder.appendingPathComponent("conv.bin"))
    weight.rawData = Data()
    weight.dataLocation = .external
    weight.externalData = [("location", "conv.bin"), ("offset", "16"), ("length", "24")].map { key, value in
      var entry = Onnx_StringStringEntryProto()
      entry.key = key
      entry.value = value
      return entry
    }
    let model = M.model([M.node("Conv", ["image", "w"], ["c"], name: "conv")], initializers: [weight])
    let path = folder.appendingPathComponent("m.onnx").path
    try model.serializedData().write(to: URL(fileURLWithPath: path))
    let imported = try ONNXReader.read(file: path)
    #expect(try imported.layerParameters()["conv"]?.weights == [1, 2, 3, 4, 5, 6])
    try FileManager.default.removeItem(at: folder.appendingPathComponent("conv.bin"))
    #expect(M.failure { _ = try imported.layerParameters(); return imported }.contains("node 'conv': the values of its weight are not in the model"))
  }

  /// The writer's seeded floats come back as written, for every layer with weights.
  @Test func writtenWeightsReadBack() throws {
    let nets = ONNXWriterTests.nets
    let analysis = try NetworkFormat.load(path: nets.appendingPathComponent("squeezenet1_1.yaml").path).analyze()
    let data = try ONNXWriter.data(analysis, weights: .seeded(5))
    let model = try Onnx_ModelProto(serializedBytes: data)
    let initializers = Dictionary(uniqueKeysWithValues: model.graph.initializer.map { ($0.name, $0) })
    let parameters = try ONNXReader.read(data: data, name: "s.onnx").layerParameters()
    for layer in analysis.layers where layer.weightCount > 0 {
      let found = try #require(parameters[layer.name])
      let raw = try #require(initializers["\(layer.name).weight"]).rawData
      let written = raw.withUnsafeBytes { bytes in
        (0..<raw.count / 4).map { Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
      }
      #expect(found.weights == written, "\(layer.name)")
      #expect(found.bias.count == layer.biasCount, "\(layer.name)")
    }
  }
}
