import Networks

/// The shape of a binarized convolution or fully connected layer: everything the XNOR kernel
/// needs to know besides the weights. A fully connected layer is the 1x1 convolution of a 1x1
/// image whose channels are the flattened (CHW) input features, so one kernel serves both.
package struct BinaryGeometry: Hashable, Sendable {
  package var input: TensorShape
  package var outputChannels: Int
  package var kernel: Extent2D
  package var stride: Extent2D
  package var padding: Padding
  package var groups: Int

  package init(
    input: TensorShape, outputChannels: Int, kernel: Extent2D, stride: Extent2D = Extent2D(square: 1),
    padding: Padding = .zero, groups: Int = 1
  ) {
    precondition(groups >= 1 && input.channels % groups == 0 && outputChannels % groups == 0, "groups must divide channels")
    precondition(kernel.height >= 1 && kernel.width >= 1 && stride.height >= 1 && stride.width >= 1)
    self.input = input
    self.outputChannels = outputChannels
    self.kernel = kernel
    self.stride = stride
    self.padding = padding
    self.groups = groups
  }

  /// A fully connected layer over `inputFeatures` features (the flattened CHW input).
  package static func fullyConnected(inputFeatures: Int, outputFeatures: Int) -> BinaryGeometry {
    BinaryGeometry(
      input: TensorShape(channels: inputFeatures, height: 1, width: 1), outputChannels: outputFeatures,
      kernel: Extent2D(square: 1))
  }

  /// The geometry of an analysed convolution or FC layer; nil for layers without weights.
  package init?(_ layer: LayerAnalysis) {
    switch layer.layer.operation {
    case .convolution:
      self.init(
        input: layer.inputShape, outputChannels: layer.outputShape.channels, kernel: layer.kernel,
        stride: layer.stride, padding: layer.padding, groups: layer.groups)
    case .fullyConnected:
      guard let features = layer.inputShape.elementCount else { return nil }
      self = .fullyConnected(inputFeatures: features, outputFeatures: layer.outputShape.channels)
    default:
      return nil
    }
  }

  /// Input channels one filter reads: the length of the reduction at each kernel position.
  package var channelsPerGroup: Int { input.channels / groups }
  package var outputChannelsPerGroup: Int { outputChannels / groups }
  /// 64-bit words holding one group's channels at one pixel (the last one possibly partial).
  package var wordsPerGroup: Int { (channelsPerGroup + 63) / 64 }
  /// Weights of one filter: channelsPerGroup x kernel area.
  package var filterLength: Int { channelsPerGroup * kernel.height * kernel.width }

  package var output: TensorShape {
    let height = (input.height + padding.top + padding.bottom - kernel.height) / stride.height + 1
    let width = (input.width + padding.left + padding.right - kernel.width) / stride.width + 1
    return TensorShape(channels: outputChannels, height: height, width: width)
  }

  /// The input rows and columns (clipped to the image) that the output `region` reads: the
  /// window to pack once before computing the region.
  package func inputWindow(for region: TensorRegion) -> (rows: Range<Int>, columns: Range<Int>) {
    func window(_ outputs: Range<Int>, stride: Int, before: Int, kernel: Int, size: Int) -> Range<Int> {
      guard !outputs.isEmpty else { return 0..<0 }
      // A window wholly inside the padding reads nothing: an empty range inside the image.
      let first = min(size, max(0, outputs.lowerBound * stride - before))
      let end = min(size, (outputs.upperBound - 1) * stride - before + kernel)
      return first < end ? first..<end : first..<first
    }
    return (
      window(region.rows, stride: stride.height, before: padding.top, kernel: kernel.height, size: input.height),
      window(region.columns, stride: stride.width, before: padding.left, kernel: kernel.width, size: input.width)
    )
  }
}

