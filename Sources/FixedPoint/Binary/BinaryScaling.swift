/// Input scale helpers for binarized layers.
package enum BinaryScaling {
  /// Mean |x|: XNOR-Net's beta when one scalar scales the whole input (the paper's per-pixel
  /// K map is not modelled), and alpha when applied to one filter's weights.
  package static func meanAbsolute(_ values: [Float]) -> Float {
    guard !values.isEmpty else { return 0 }
    return values.reduce(0) { $0 + abs($1) } / Float(values.count)
  }
}

extension BinaryConvolution {
  /// Float outputs alpha[co] * beta * dot + bias[co], laid out like `dots` ([channel][row][column]
  /// of `region`). `bias` is empty (no bias) or has one value per output channel.
  package func scaledOutput(_ dots: [Int32], region: TensorRegion, beta: Float = 1, bias: [Float] = []) -> [Float] {
    precondition(dots.count == region.count, "dots do not match the region")
    precondition(bias.isEmpty || bias.count == geometry.outputChannels, "one bias per output channel")
    let plane = region.rows.count * region.columns.count
    var result = [Float](repeating: 0, count: dots.count)
    for (offset, channel) in region.channels.enumerated() {
      let scale = alpha[channel] * beta
      let shift = bias.isEmpty ? 0 : bias[channel]
      for index in offset * plane..<(offset + 1) * plane {
        result[index] = Float(dots[index]) * scale + shift
      }
    }
    return result
  }
}

/// Fixed-point output scaling of a binarized layer: one integer multiply, a rounding shift
/// and an integer bias add per output, the way an accelerator would apply alpha * beta.
///
/// - multiplier[co] = round(alpha[co] * beta * 2^multiplierFractionBits) (half away from zero),
///   clamped to Int32;
/// - bias[co] = round(bias[co] * 2^outputFractionBits), clamped to Int32;
/// - y = clamp(roundingShift(Int64(dot) * multiplier[co], multiplierFractionBits - outputFractionBits)
///   + bias[co]) to Int32, a value in Q(outputFractionBits).
///
/// roundingShift(v, s) = (v + 2^(s-1)) >> s with an arithmetic shift for s > 0 (round half
/// toward +infinity, which is what an add-then-shift datapath does), v * 2^-s for s <= 0.
/// Against the exact alpha * beta * dot * 2^f + bias * 2^f the result is off by at most
/// |dot| * 2^(f - m - 1) (multiplier rounding) + 1/2 (shift) + 1/2 (bias rounding).
package struct BinaryFixedPointScale: Hashable, Sendable {
  package let multipliers: [Int32]
  package let biases: [Int32]
  package let multiplierFractionBits: Int
  package let outputFractionBits: Int

  package init(alpha: [Float], beta: Float = 1, bias: [Float] = [], multiplierFractionBits: Int = 16, outputFractionBits: Int) {
    precondition(bias.isEmpty || bias.count == alpha.count, "one bias per output channel")
    precondition((0...30).contains(multiplierFractionBits) && (0...30).contains(outputFractionBits))
    self.multiplierFractionBits = multiplierFractionBits
    self.outputFractionBits = outputFractionBits
    multipliers = alpha.map { Self.quantize(Double($0) * Double(beta), fractionBits: multiplierFractionBits) }
    biases =
      bias.isEmpty
      ? [Int32](repeating: 0, count: alpha.count)
      : bias.map { Self.quantize(Double($0), fractionBits: outputFractionBits) }
  }

  /// Scales `dots` ([channel][row][column] of `region`) to Q(outputFractionBits).
  package func apply(_ dots: [Int32], region: TensorRegion) -> [Int32] {
    precondition(dots.count == region.count, "dots do not match the region")
    precondition(region.channels.upperBound <= multipliers.count, "region outside the layer's channels")
    let plane = region.rows.count * region.columns.count
    let shift = multiplierFractionBits - outputFractionBits
    var result = [Int32](repeating: 0, count: dots.count)
    for (offset, channel) in region.channels.enumerated() {
      let multiplier = Int64(multipliers[channel])
      let bias = Int64(biases[channel])
      for index in offset * plane..<(offset + 1) * plane {
        // |dot| < 2^31 and |multiplier| < 2^31, so the product fits Int64; a left shift
        // (outputFractionBits > multiplierFractionBits) saturates, and so does the bias add.
        let shifted = Self.roundingShift(Int64(dots[index]) * multiplier, by: shift)
        let (sum, overflow) = shifted.addingReportingOverflow(bias)
        result[index] = overflow ? (shifted < 0 ? .min : .max) : Int32(clamping: sum)
      }
    }
    return result
  }

  /// (value + 2^(shift-1)) >> shift for shift > 0; value * 2^-shift (saturating) otherwise.
  package static func roundingShift(_ value: Int64, by shift: Int) -> Int64 {
    if shift > 0 { return (value + (Int64(1) << Int64(shift - 1))) >> Int64(shift) }
    let (product, overflow) = value.multipliedReportingOverflow(by: Int64(1) << Int64(-shift))
    return overflow ? (value < 0 ? .min : .max) : product
  }

  private static func quantize(_ value: Double, fractionBits: Int) -> Int32 {
    let scaled = (value * Double(Int64(1) << Int64(fractionBits))).rounded(.toNearestOrAwayFromZero)
    guard scaled.isFinite else { return scaled > 0 ? .max : (scaled < 0 ? .min : 0) }
    return Int32(clamping: Int64(max(-9.0e18, min(9.0e18, scaled))))
  }
}
