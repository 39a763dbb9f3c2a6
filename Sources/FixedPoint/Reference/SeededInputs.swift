import Foundation
import Networks

/// Deterministic stand-ins for images: every network input uniform in [-1, 1] (a normalized image's
/// range). Image `index` of a seed is the same on every run and independent of how many others are
/// drawn: calibration uses images 1...N, evaluation image 0, so it is never a calibration image.
package enum SeededInputs {
  package static func image(_ network: Network, seed: UInt64, index: Int) -> [String: FloatBlock] {
    // A separate stream per (seed, image): SplitMix64 seeded from both, apart from the weights' stream.
    var generator = SeededGenerator(seed: (seed &+ 0x1234_5678_9ABC_DEF1) &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(index) &* 0xD1B5_4A32_D192_ED03)
    var result: [String: FloatBlock] = [:]
    for input in network.inputs {
      let count = input.shape.channels * input.shape.height * input.shape.width
      result[input.name] = FloatBlock(shape: input.shape, values: (0..<count).map { _ in Float.random(in: -1...1, using: &generator) })
    }
    return result
  }
}

/// Signal-to-quantization-noise ratios of a measured tensor against its reference.
package enum SignalToNoise {
  /// Noise power over signal power, sum (measured - reference)^2 / sum reference^2: 0 when they are
  /// equal, infinite when the reference is all zero and the measurement is not.
  package static func noiseToSignal(reference: [Float], measured: [Float]) -> Double {
    precondition(reference.count == measured.count, "tensors of different sizes")
    var signal = 0.0
    var noise = 0.0
    for (expected, actual) in zip(reference, measured) {
      signal += Double(expected) * Double(expected)
      let difference = Double(actual) - Double(expected)
      noise += difference * difference
    }
    if noise == 0 { return 0 }
    return signal == 0 ? .infinity : noise / signal
  }

  /// 10 log10(signal / noise), in dB (+infinity for an exact match).
  package static func decibels(reference: [Float], measured: [Float]) -> Double {
    decibels(noiseToSignal: noiseToSignal(reference: reference, measured: measured))
  }

  package static func decibels(noiseToSignal ratio: Double) -> Double {
    ratio == 0 ? .infinity : -10 * log10(ratio)
  }
}
