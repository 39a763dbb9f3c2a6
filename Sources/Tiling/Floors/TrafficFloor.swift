/// A model-free lower bound on DRAM traffic, in entries, valid for every legal schedule.
public struct TrafficFloor: Hashable, Sendable, Codable {
  /// Each element the layer reads, each weight and each output element, once.
  public var compulsory: Int
  /// For a GEMM run alone with B entries: 2*M*N*K/sqrt(B) - 2*B (Smith et al. 2019,
  /// "A tight I/O lower bound for matrix multiplication"), rounded down; nil where it does not apply.
  public var matrixMultiplication: Int?

  public init(compulsory: Int, matrixMultiplication: Int? = nil) {
    self.compulsory = compulsory
    self.matrixMultiplication = matrixMultiplication
  }

  /// The floor: the larger of the bounds that apply.
  public var value: Int { max(compulsory, matrixMultiplication ?? 0) }

  /// The floor of a GEMM (pointwise layer or FC) with a buffer of `buffer` entries.
  ///
  /// The often-quoted 2*M*N*K/sqrt(B) + M*N is NOT used: it is not a lower bound when K or N
  /// is small against sqrt(B) (M=3136, K=16, N=1024, B=64K: a schedule keeping all weights
  /// resident moves 3,277,824 entries, below its 3,612,672).
  public static func gemm(_ shape: GEMMShape, buffer: Int) -> TrafficFloor {
    let compulsory = shape.m * shape.k + shape.k * shape.n + shape.m * shape.n
    let work = 2 * shape.m * shape.n * shape.k
    let matrixMultiplication = max(0, floorOfQuotientByRoot(work, buffer) - 2 * buffer)
    return TrafficFloor(compulsory: compulsory, matrixMultiplication: matrixMultiplication)
  }

  /// floor(a / sqrt(b)), exactly: the largest q with q*q*b <= a*a, in 128-bit arithmetic.
  static func floorOfQuotientByRoot(_ a: Int, _ b: Int) -> Int {
    guard a > 0, b > 0 else { return 0 }
    var q = Int((Double(a) / Double(b).squareRoot()).rounded(.down))
    let target = Int128(a) * Int128(a)
    func fits(_ candidate: Int) -> Bool { Int128(candidate) * Int128(candidate) * Int128(b) <= target }
    while q > 0 && !fits(q) { q -= 1 }
    while fits(q + 1) { q += 1 }
    return q
  }
}

extension TrafficFloor {
  /// The floor of a KxK or depthwise convolution: compulsory only. The GEMM bound does not hold
  /// for the im2col view, because a convolution reuses each input across kernel positions.
  /// Input elements count only if some output reads them (a strided 1x1 reads a quarter of its input).
  public static func convolution(_ problem: ConvolutionProblem) -> TrafficFloor {
    let output = problem.output.channels * problem.output.height * problem.output.width
    return TrafficFloor(compulsory: problem.inputElementsRead + problem.weightCount + output)
  }
}
