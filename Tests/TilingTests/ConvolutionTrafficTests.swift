import Networks
import Testing

@testable import Tiling
import TestSupport

/// Counts a tiled convolution's traffic from the definition of convolution: at every step the
/// set of input elements the output tile's pixels read (every kernel position, padding skipped),
/// the weights it uses and the output tile; a step loads what is not in the previous step's set.
/// Output tiles are written when left, as partial sums until every input-channel tile has been added.
struct ConvolutionOracle {
  let problem: ConvolutionProblem
  let tiling: ConvolutionTiling

  struct Element: Hashable {
    var a: Int
    var b: Int
    var c: Int
    var d: Int
  }

  func range(_ dimension: ConvolutionDimension, _ index: Int) -> Range<Int> {
    let size = tiling.size(dimension, in: problem)
    return (index * size)..<min((index + 1) * size, problem.extent(of: dimension))
  }

  func traffic() -> Traffic {
    let levels = tiling.order.map { dimension in
      LoopLevel(
        count: (problem.extent(of: dimension) + tiling.size(dimension, in: problem) - 1) / tiling.size(dimension, in: problem),
        scanned: tiling.scan.contains(dimension))
    }
    let channelTiles = levels[tiling.order.firstIndex(of: .inputChannels) ?? 0].count
    var traffic = Traffic.zero
    var previousInput: Set<Element> = []
    var previousWeights: Set<Element> = []
    var previousOutput: Set<Element>?
    var contributions: [Set<Element>: Int] = [:]
    func leave(_ output: Set<Element>) {
      if problem.isDepthwise || contributions[output] == channelTiles {
        traffic.outputWrites += output.count
      } else {
        traffic.psumWrites += output.count
      }
    }
    for step in LoopNestWalk(levels: levels).steps() {
      var index: [ConvolutionDimension: Int] = [:]
      for (level, dimension) in tiling.order.enumerated() { index[dimension] = step[level] }
      let channels = range(.inputChannels, index[.inputChannels] ?? 0)
      let outputChannels: [Int]
      if problem.isDepthwise {
        outputChannels = channels.flatMap { channel in (0..<problem.multiplier).map { channel * problem.multiplier + $0 } }
      } else {
        outputChannels = Array(range(.outputChannels, index[.outputChannels] ?? 0))
      }
      let rows = range(.rows, index[.rows] ?? 0)
      let columns = range(.columns, index[.columns] ?? 0)
      var input: Set<Element> = []
      for channel in channels {
        for row in rows {
          for column in columns {
            for ky in 0..<problem.kernel.height {
              for kx in 0..<problem.kernel.width {
                let y = row * problem.stride.height - problem.padding.top + ky
                let x = column * problem.stride.width - problem.padding.left + kx
                if y >= 0, y < problem.input.height, x >= 0, x < problem.input.width {
                  input.insert(Element(a: channel, b: y, c: x, d: 0))
                }
              }
            }
          }
        }
      }
      var weights: Set<Element> = []
      for outputChannel in outputChannels {
        for channel in problem.isDepthwise ? [outputChannel / problem.multiplier] : Array(channels) {
          for ky in 0..<problem.kernel.height {
            for kx in 0..<problem.kernel.width { weights.insert(Element(a: outputChannel, b: channel, c: ky, d: kx)) }
          }
        }
      }
      var output: Set<Element> = []
      for outputChannel in outputChannels {
        for row in rows {
          for column in columns { output.insert(Element(a: outputChannel, b: row, c: column, d: 0)) }
        }
      }
      traffic.inputReads += input.subtracting(previousInput).count
      traffic.weightReads += weights.subtracting(previousWeights).count
      if output != previousOutput {
        if let previousOutput { leave(previousOutput) }
        if contributions[output] != nil { traffic.psumReads += output.count }
      }
      contributions[output, default: 0] += 1
      previousInput = input
      previousWeights = weights
      previousOutput = output
    }
    if let previousOutput { leave(previousOutput) }
    return traffic
  }
}

@Suite struct ConvolutionTrafficTests {
  /// A 3x3 convolution, stride 1, padding 1, on 8x8, tiled in bands of 2 output rows: windows of
  /// 3, 4, 4 and 3 input rows slide by 2, so the input is read exactly once (8 rows of 8).
  @Test func slidingWindowReadsEachInputRowOnce() {
    let problem = ConvolutionProblem(
      input: TensorShape(channels: 1, height: 8, width: 8), output: TensorShape(channels: 1, height: 8, width: 8),
      kernel: Extent2D(square: 3), stride: Extent2D(square: 1), padding: Padding(symmetric: 1, 1), isDepthwise: false)
    let tiling = ConvolutionTiling(tile: [.rows: 2], order: [.outputChannels, .inputChannels, .rows, .columns])
    let traffic = ConvolutionTraffic.traffic(problem: problem, tiling: tiling)
    #expect(traffic.inputReads == 64)
    #expect(traffic.weightReads == 9)
    #expect(traffic.outputWrites == 64)
    #expect(traffic == ConvolutionOracle(problem: problem, tiling: tiling).traffic())
    #expect(ConvolutionTraffic.footprint(problem: problem, tiling: tiling) == 4 * 8 + 9 + 2 * 8)
  }

  /// Closed form == the oracle, operand by operand, on random standard and depthwise convolutions
  /// (kernels 1 to 5, non-square, strides 1 to 3, asymmetric padding), random tiles, orders and scans.
  @Test func closedFormEqualsTheOracle() {
    var random = SplitMix64(seed: 0xC0_0005)
    var halos = 0
    for _ in 0..<700 {
      let problem = randomProblem(using: &random)
      var tile: [ConvolutionDimension: Int] = [:]
      for dimension in problem.dimensions {
        tile[dimension] = Int.random(in: 1...(problem.extent(of: dimension) + 1), using: &random)
      }
      let order = problem.dimensions.shuffled(using: &random)
      let scan = Set(problem.dimensions.filter { _ in Bool.random(using: &random) })
      let tiling = ConvolutionTiling(tile: tile, order: order, scan: scan)
      let closed = ConvolutionTraffic.traffic(problem: problem, tiling: tiling)
      let oracle = ConvolutionOracle(problem: problem, tiling: tiling).traffic()
      #expect(closed == oracle, "\(problem) \(tiling)")
      #expect(ConvolutionWalk(problem: problem, tiling: tiling).traffic() == closed, "\(problem) \(tiling)")
      if problem.kernel.height > problem.stride.height && (tile[.rows] ?? 0) < problem.output.height { halos += 1 }
    }
    #expect(halos > 150)
  }

  /// A 1x1 convolution tiled in whole output rows is the GEMM tiled with Tm = rows x width.
  @Test func pointwiseConvolutionMatchesTheGEMMModel() throws {
    var random = SplitMix64(seed: 0xC0_0006)
    for _ in 0..<100 {
      let height = Int.random(in: 1...9, using: &random)
      let width = Int.random(in: 1...9, using: &random)
      let cin = Int.random(in: 1...12, using: &random)
      let cout = Int.random(in: 1...12, using: &random)
      let problem = ConvolutionProblem(
        input: TensorShape(channels: cin, height: height, width: width),
        output: TensorShape(channels: cout, height: height, width: width), kernel: Extent2D(square: 1),
        stride: Extent2D(square: 1), padding: .zero, isDepthwise: false)
      let rows = Int.random(in: 1...height, using: &random)
      let tk = Int.random(in: 1...cin, using: &random)
      let tn = Int.random(in: 1...cout, using: &random)
      let gemmOrder = try #require(LoopOrder.allCases.randomElement(using: &random))
      let scan = PerDimension(m: Bool.random(using: &random), k: Bool.random(using: &random), n: Bool.random(using: &random))
      let mapping: [GEMMDimension: ConvolutionDimension] = [.m: .rows, .k: .inputChannels, .n: .outputChannels]
      let order = gemmOrder.outerToInner.compactMap { mapping[$0] } + [.columns]
      let tiling = ConvolutionTiling(
        tile: [.rows: rows, .inputChannels: tk, .outputChannels: tn], order: order,
        scan: Set(GEMMDimension.allCases.filter { scan[$0] }.compactMap { mapping[$0] }))
      let gemm = GEMMTiling(tile: PerDimension(m: rows * width, k: tk, n: tn), order: gemmOrder, scan: scan)
      let expected = GEMMClosedForm.traffic(shape: GEMMShape(m: height * width, k: cin, n: cout), tiling: gemm)
      #expect(ConvolutionTraffic.traffic(problem: problem, tiling: tiling) == expected, "\(problem) \(tiling)")
    }
  }

  private func randomProblem(using random: inout SplitMix64) -> ConvolutionProblem {
    let depthwise = Bool.random(using: &random)
    let kernel = Extent2D(height: Int.random(in: 1...5, using: &random), width: Int.random(in: 1...4, using: &random))
    let stride = Extent2D(height: Int.random(in: 1...3, using: &random), width: Int.random(in: 1...2, using: &random))
    let padding = Padding(
      top: Int.random(in: 0..<kernel.height, using: &random), left: Int.random(in: 0..<kernel.width, using: &random),
      bottom: Int.random(in: 0..<kernel.height, using: &random), right: Int.random(in: 0..<kernel.width, using: &random))
    let height = Int.random(in: kernel.height...11, using: &random)
    let width = Int.random(in: kernel.width...9, using: &random)
    let cin = Int.random(in: 1...4, using: &random)
    let cout = depthwise ? cin * Int.random(in: 1...2, using: &random) : Int.random(in: 1...4, using: &random)
    let outputHeight = (height + padding.top + padding.bottom - kernel.height) / stride.height + 1
    let outputWidth = (width + padding.left + padding.right - kernel.width) / stride.width + 1
    return ConvolutionProblem(
      input: TensorShape(channels: cin, height: height, width: width),
      output: TensorShape(channels: cout, height: outputHeight, width: outputWidth), kernel: kernel, stride: stride,
      padding: padding, isDepthwise: depthwise)
  }
}

@Suite struct ConvolutionFloorTests {
  @Test func stridedPointwiseReadsAQuarterOfItsInput() {
    let problem = ConvolutionProblem(
      input: TensorShape(channels: 64, height: 56, width: 56), output: TensorShape(channels: 128, height: 28, width: 28),
      kernel: Extent2D(square: 1), stride: Extent2D(square: 2), padding: .zero, isDepthwise: false)
    #expect(TrafficFloor.convolution(problem).compulsory == 64 * 28 * 28 + 64 * 128 + 128 * 28 * 28)
  }

  /// No tiling of any random convolution goes below its floor.
  @Test func noTilingGoesBelowTheFloor() {
    var random = SplitMix64(seed: 0xC0_0007)
    for _ in 0..<500 {
      let kernel = Int.random(in: 1...5, using: &random)
      let stride = Int.random(in: 1...3, using: &random)
      let padding = Int.random(in: 0..<kernel, using: &random)
      let size = Int.random(in: kernel...14, using: &random)
      let output = (size + 2 * padding - kernel) / stride + 1
      let depthwise = Bool.random(using: &random)
      let cin = Int.random(in: 1...6, using: &random)
      let problem = ConvolutionProblem(
        input: TensorShape(channels: cin, height: size, width: size),
        output: TensorShape(channels: depthwise ? cin : Int.random(in: 1...6, using: &random), height: output, width: output),
        kernel: Extent2D(square: kernel), stride: Extent2D(square: stride), padding: Padding(symmetric: padding, padding),
        isDepthwise: depthwise)
      var tile: [ConvolutionDimension: Int] = [:]
      for dimension in problem.dimensions { tile[dimension] = Int.random(in: 1...problem.extent(of: dimension), using: &random) }
      let tiling = ConvolutionTiling(
        tile: tile, order: problem.dimensions.shuffled(using: &random),
        scan: Set(problem.dimensions.filter { _ in Bool.random(using: &random) }))
      let traffic = ConvolutionTraffic.traffic(problem: problem, tiling: tiling)
      #expect(traffic.total >= TrafficFloor.convolution(problem).value, "\(problem) \(tiling)")
    }
  }
}
