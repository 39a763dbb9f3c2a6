// Binarized (XNOR-popcount) convolution and fully connected layers.
//
// A layer whose precision is weightBits == 1 and activationBits == 1 is binarized: its
// weights and its input activations are replaced by their signs, sign(x) = +1 for x >= 0 and
// -1 otherwise, and each output is a ±1 dot product scaled back to the float range:
//
//   y[co] = alpha[co] * beta * dot(sign(x), sign(w[co])) + bias[co]
//
// alpha[co] is the mean |w| of filter co's float weights (XNOR-Net, Rastegari et al. 2016),
// beta an input scale the caller chooses (1, or `BinaryScaling.meanAbsolute(input)`).
//
// How a runner calls it (layer: LayerAnalysis, weights: LayerWeights, input: CHW values):
//
//   guard let geometry = BinaryGeometry(layer) else { ... }        // conv or FC only
//   let conv = BinaryConvolution(geometry: geometry, weights: weights.weights)
//   let region = TensorRegion(geometry.output)              // or a tile of it
//   let packed = conv.packInput(input, for: region)                // once per input tile
//   let dots = conv.dotProducts(packed, region: region)            // [Int32], [co][row][col]
//   let floats = conv.scaledOutput(dots, region: region, beta: 1, bias: weights.bias)
//   let scale = BinaryFixedPointScale(alpha: conv.alpha, beta: 1, bias: weights.bias, outputFractionBits: f)
//   let fixed = scale.apply(dots, region: region)                  // [Int32] in Q(f)
//
// Conventions:
// - Packing: along input channels, per pixel and per group (`PackedActivations`); weights
//   [co][ky][kx][word] with the same bit order. dot over n channels = n - 2 * popcount(a ^ w),
//   summed over kernel positions; unused bits of a group's last word are 0 on both sides.
// - Border padding: a kernel position outside the image contributes 0 (it is neither +1 nor
//   -1), as if the input were zero-padded with a ternary 0. The kernel skips such positions
//   (its validity mask is the bounds test), so dot = (valid positions) * channelsPerGroup
//   - 2 * mismatches. The naive ±1 reference does exactly the same.
// - A fully connected layer is `BinaryGeometry.fullyConnected`: a 1x1 image whose channels
//   are the CHW-flattened input features, weights [out][in].
// - Fixed point: see `BinaryFixedPointScale`.

/// A binarized convolution (KxK, stride, asymmetric padding, groups incl. depthwise) or fully
/// connected layer, with its weights packed to sign bits once.
package struct BinaryConvolution: Sendable {
  package let geometry: BinaryGeometry
  /// Per output channel: mean |w| of the filter's float weights.
  package let alpha: [Float]
  /// Sign bits [outputChannel][kernelRow][kernelColumn][word], bit 1 for w >= 0.
  package let weightWords: [UInt64]

  /// Packs float weights laid out [outputChannel][inputChannel / groups][kernelRow][kernelColumn]
  /// (FC: [output][input]), the layout of `LayerWeights`.
  package init(geometry: BinaryGeometry, weights: [Float]) {
    precondition(weights.count == geometry.outputChannels * geometry.filterLength, "weight count does not match")
    self.geometry = geometry
    let perGroup = geometry.channelsPerGroup
    let area = geometry.kernel.height * geometry.kernel.width
    let wordsPerGroup = geometry.wordsPerGroup
    var words = [UInt64](repeating: 0, count: geometry.outputChannels * area * wordsPerGroup)
    var alpha = [Float](repeating: 0, count: geometry.outputChannels)
    for output in 0..<geometry.outputChannels {
      var magnitude: Float = 0
      for channel in 0..<perGroup {
        for position in 0..<area {
          let value = weights[(output * perGroup + channel) * area + position]
          magnitude += abs(value)
          if value >= 0 {
            words[(output * area + position) * wordsPerGroup + (channel >> 6)] |= UInt64(1) << UInt64(channel & 63)
          }
        }
      }
      alpha[output] = magnitude / Float(max(1, geometry.filterLength))
    }
    self.alpha = alpha
    self.weightWords = words
  }

  /// Packs the input window `region` reads (CHW `input` of the whole layer input).
  package func packInput<Value: Comparable & AdditiveArithmetic>(_ input: [Value], for region: TensorRegion)
    -> PackedActivations
  {
    let window = geometry.inputWindow(for: region)
    return PackedActivations(
      input, shape: geometry.input, groups: geometry.groups, rows: window.rows, columns: window.columns)
  }

  /// The ±1 dot products of `region`, [channel][row][column] within it. `input` must be
  /// packed with this layer's groups and cover `geometry.inputWindow(for: region)`.
  package func dotProducts(_ input: PackedActivations, region: TensorRegion) -> [Int32] {
    check(input, covers: region)
    var dots = [Int32](repeating: 0, count: region.count)
    let g = geometry
    let perGroup = g.channelsPerGroup
    let outputsPerGroup = g.outputChannelsPerGroup
    let wordsPerGroup = g.wordsPerGroup
    let area = g.kernel.height * g.kernel.width
    let pixelStride = g.groups * wordsPerGroup
    let windowWidth = input.columns.count
    weightWords.withUnsafeBufferPointer { weights in
      input.words.withUnsafeBufferPointer { activations in
        dots.withUnsafeMutableBufferPointer { out in
          var index = 0
          for output in region.channels {
            let groupOffset = (output / outputsPerGroup) * wordsPerGroup
            let filter = output * area * wordsPerGroup
            for outputRow in region.rows {
              let top = outputRow * g.stride.height - g.padding.top
              for outputColumn in region.columns {
                let left = outputColumn * g.stride.width - g.padding.left
                var positions = 0
                var mismatches = 0
                for kernelRow in 0..<g.kernel.height {
                  let row = top + kernelRow
                  guard row >= 0, row < g.input.height else { continue }  // padding: contributes 0
                  let rowBase = (row - input.rows.lowerBound) * windowWidth - input.columns.lowerBound
                  for kernelColumn in 0..<g.kernel.width {
                    let column = left + kernelColumn
                    guard column >= 0, column < g.input.width else { continue }
                    positions += 1
                    let a = (rowBase + column) * pixelStride + groupOffset
                    let w = filter + (kernelRow * g.kernel.width + kernelColumn) * wordsPerGroup
                    for word in 0..<wordsPerGroup {
                      mismatches &+= (activations[a + word] ^ weights[w + word]).nonzeroBitCount
                    }
                  }
                }
                out[index] = Int32(positions * perGroup - 2 * mismatches)
                index += 1
              }
            }
          }
        }
      }
    }
    return dots
  }

  private func check(_ input: PackedActivations, covers region: TensorRegion) {
    let output = geometry.output
    precondition(
      region.channels.lowerBound >= 0 && region.channels.upperBound <= output.channels
        && region.rows.lowerBound >= 0 && region.rows.upperBound <= output.height
        && region.columns.lowerBound >= 0 && region.columns.upperBound <= output.width,
      "region \(region) outside the output \(output)")
    precondition(input.shape == geometry.input && input.groups == geometry.groups, "input packed for another layer")
    let window = geometry.inputWindow(for: region)
    precondition(
      region.count == 0
        || (input.rows.lowerBound <= window.rows.lowerBound && input.rows.upperBound >= window.rows.upperBound
          && input.columns.lowerBound <= window.columns.lowerBound
          && input.columns.upperBound >= window.columns.upperBound),
      "packed input does not cover the region's window")
  }
}
