import Networks

/// The checks of `Limits` for problems handed to the searches directly (by `dse layer` or a
/// library caller) rather than through `Network.analyze()`, which checks networks. Each returns
/// what is wrong, or nil; a problem that passes cannot overflow a 64-bit count in the models.
extension Limits {
  /// Why `buffer` entries is not an accepted buffer size, or nil.
  package static func bufferProblem(_ buffer: Int) -> String? {
    guard buffer <= bufferEntries else {
      return "buffer of \(describe(buffer)) entries is above \(describe(bufferEntries)), the largest accepted"
    }
    return nil
  }

  /// Why a GEMM of `shape` is outside the limits, or nil: each operand (M x K, K x N, M x N),
  /// and so each of m, k and n, at most `tensorElements`; M*K*N at most `networkMACs`. (A
  /// layer's M is its output pixels, which may exceed `extent`.)
  package static func gemmProblem(_ shape: GEMMShape) -> String? {
    let (m, k, n) = (shape.m, shape.k, shape.n)
    guard max(m, k, n) <= tensorElements else {
      return "GEMM m \(m) k \(k) n \(n) has a dimension above \(describe(tensorElements)), the largest accepted"
    }
    for (name, a, b) in [("input (m x k)", m, k), ("weight (k x n)", k, n), ("output (m x n)", m, n)] {
      guard let size = checkedProduct([a, b]), size <= tensorElements else {
        return "the GEMM's \(name) has more than \(describe(tensorElements)) elements, the most accepted"
      }
    }
    guard let macs = checkedProduct([m, k, n]), macs <= networkMACs else {
      return "the GEMM has more than \(describe(networkMACs)) multiply-accumulates, the most accepted"
    }
    return nil
  }

  /// Why a layer of these sizes is outside the limits, or nil: every channel count, height,
  /// width, kernel and stride at most `extent`, padding below the kernel, input, output and
  /// weights at most `tensorElements` elements, and at most `networkMACs` multiply-accumulates.
  /// `reduction` is the input channels each output reads at every kernel tap (the input
  /// channels of a mixing convolution, 1 for a depthwise one), so that the layer has
  /// output channels x reduction x kernel area weights and that times the output pixels MACs.
  static func layerProblem(
    input: TensorShape, output: TensorShape, kernel: Extent2D, stride: Extent2D, padding: Padding, reduction: Int
  ) -> String? {
    let extents = [
      input.channels, input.height, input.width, output.channels, output.height, output.width, kernel.height,
      kernel.width, stride.height, stride.width, reduction,
    ]
    guard extents.allSatisfy({ $0 <= extent }) else {
      return "a channel count, height, width, kernel or stride is above \(describe(extent)), the largest accepted"
    }
    guard max(padding.top, padding.bottom) < kernel.height, max(padding.left, padding.right) < kernel.width else {
      return "padding \(padding) is too wide for kernel \(kernel): each side pads at most kernel-1"
    }
    let weights = checkedProduct([output.channels, reduction, kernel.height, kernel.width])
    for (name, count) in [("input", input.elementCount), ("output", output.elementCount), ("weight tensor", weights)] {
      guard let count, count <= tensorElements else {
        return "the \(name) has more than \(describe(tensorElements)) elements, the most accepted"
      }
    }
    guard let macs = checkedProduct([output.height, output.width, weights ?? .max]), macs <= networkMACs else {
      return "more than \(describe(networkMACs)) multiply-accumulates, the most accepted"
    }
    return nil
  }

  /// Why a convolution problem is outside the limits, or nil.
  package static func convolutionProblem(_ problem: ConvolutionProblem) -> String? {
    layerProblem(
      input: problem.input, output: problem.output, kernel: problem.kernel, stride: problem.stride,
      padding: problem.padding, reduction: problem.isDepthwise ? 1 : problem.input.channels)
  }
}
