import Foundation
import Networks

@testable import FixedPoint

/// Builds Darknet `.weights` bytes in tests: a header, then float32 little-endian values.
struct DarknetTestFile {
  var bytes: [UInt8] = []

  init(major: Int32 = 0, minor: Int32 = 2, revision: Int32 = 0, seen: UInt64 = 32_013_312) {
    for value in [major, minor, revision] { append32(UInt32(bitPattern: value)) }
    if DarknetWeightsHeader(major: major, minor: minor, revision: revision).hasWideSeen {
      append32(UInt32(truncatingIfNeeded: seen))
      append32(UInt32(truncatingIfNeeded: seen >> 32))
    } else {
      append32(UInt32(truncatingIfNeeded: seen))
    }
  }

  mutating func append(_ values: [Float]) {
    for value in values { append32(value.bitPattern) }
  }

  private mutating func append32(_ value: UInt32) {
    for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
  }

  var data: Data { Data(bytes) }
}

/// A tiny cfg covering every layout case: conv with BN, maxpool (no weights), conv without
/// BN, a grouped conv with BN, and a connected layer with BN.
/// Shapes: 2x4x4 -> conv0 2x4x4 -> maxpool1 2x2x2 -> conv2 3x2x2 -> conv3 3x2x2 -> fc4 2.
enum DarknetFixture {
  static let cfg = """
    [net]
    width=4
    height=4
    channels=2

    [convolutional]
    batch_normalize=1
    filters=2
    size=3
    stride=1
    pad=1
    activation=leaky

    [maxpool]
    size=2
    stride=2

    # no batch norm: the biases are the layer's own
    [convolutional]
    filters=3
    size=1
    stride=1
    activation=linear

    [convolutional]
    batch_normalize=1
    filters=3
    groups=3
    size=1
    activation=leaky

    [connected]
    batch_normalize=1
    output=2
    activation=linear
    """

  static func analysis() throws -> NetworkAnalysis {
    try DarknetCfg.read(cfg, file: "tiny.cfg").analyze()
  }

  /// Raw values per layer, each part distinct so that a misordered read shows.
  static let conv0Bias: [Float] = [0.5, -1]
  static let conv0Scales: [Float] = [3, 0.25]
  static let conv0Mean: [Float] = [1, -2]
  /// variance + 0.00001 = 4 and 0.25: std 2 and 0.5, so the fold factors are 1.5 and 0.5.
  static let conv0Variance: [Float] = [3.99999, 0.24999]
  static let conv0Weights: [Float] = (0..<36).map { Float($0) * 0.01 - 0.1 }
  static let conv2Bias: [Float] = [0.1, 0.2, 0.3]
  static let conv2Weights: [Float] = [1, -2, 3, -4, 5, -6]
  static let conv3Bias: [Float] = [0, 0, 1]
  static let conv3Scales: [Float] = [1, 2, 4]
  static let conv3Mean: [Float] = [0, 1, -1]
  static let conv3Variance: [Float] = [0.99999, 0.99999, 3.99999]
  static let conv3Weights: [Float] = [2, 3, -1]
  static let fc4Bias: [Float] = [1, 2]
  static let fc4Weights: [Float] = (0..<24).map { Float($0) - 12 }
  static let fc4Scales: [Float] = [2, 1]
  static let fc4Mean: [Float] = [0.5, 0]
  static let fc4Variance: [Float] = [0.99999, 8.99999]

  /// The weights file in Darknet's order, after a header of that version.
  static func file(major: Int32 = 0, minor: Int32 = 2, fc4Weights weights: [Float] = fc4Weights) -> DarknetTestFile {
    var file = DarknetTestFile(major: major, minor: minor)
    file.append(conv0Bias + conv0Scales + conv0Mean + conv0Variance + conv0Weights)
    file.append(conv2Bias + conv2Weights)
    file.append(conv3Bias + conv3Scales + conv3Mean + conv3Variance + conv3Weights)
    file.append(fc4Bias + weights + fc4Scales + fc4Mean + fc4Variance)
    return file
  }

  static var floatCount: Int { 2 * 4 + 36 + 3 + 6 + 3 * 4 + 3 + 2 + 24 + 2 * 3 }
}
