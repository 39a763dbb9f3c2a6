import Networks
import Testing
import Tiling

@testable import FixedPoint

/// The layer executors on random convolutions and GEMMs with random tilings: outputs equal a
/// naive convolution, transfers counted equal the cost model's closed form, in a buffer of the
/// model's footprint (its static split); a dropped reload and a buffer too small are caught as
/// failures naming the step, tile and operand.
@Suite struct ExecutorTests {
  static func randomProblem(_ generator: inout SeededGenerator) -> ConvolutionProblem {
    let depthwise = Bool.random(using: &generator)
    let kernel = Extent2D(height: Int.random(in: 1...3, using: &generator), width: Int.random(in: 1...3, using: &generator))
    let stride = Extent2D(height: Int.random(in: 1...3, using: &generator), width: Int.random(in: 1...2, using: &generator))
    let padding = Padding(
      top: Int.random(in: 0...1, using: &generator), left: Int.random(in: 0...1, using: &generator),
      bottom: Int.random(in: 0...1, using: &generator), right: Int.random(in: 0...1, using: &generator))
    let input = TensorShape(
      channels: Int.random(in: 1...5, using: &generator), height: Int.random(in: 3...9, using: &generator),
      width: Int.random(in: 3...9, using: &generator))
    let outHeight = (input.height + padding.top + padding.bottom - kernel.height) / stride.height + 1
    let outWidth = (input.width + padding.left + padding.right - kernel.width) / stride.width + 1
    let multiplier = depthwise ? Int.random(in: 1...2, using: &generator) : 1
    let channels = depthwise ? input.channels * multiplier : Int.random(in: 1...5, using: &generator)
    return ConvolutionProblem(
      input: input, output: TensorShape(channels: channels, height: max(1, outHeight), width: max(1, outWidth)),
      kernel: kernel, stride: stride, padding: padding, isDepthwise: depthwise)
  }

  static func naive(_ problem: ConvolutionProblem, input: [Int32], weights: [Int32]) -> [Int32] {
    let output = problem.output
    var result = Array(repeating: Int32(0), count: output.channels * output.height * output.width)
    let perChannel = problem.multiplier
    for co in 0..<output.channels {
      let sources = problem.isDepthwise ? (co / perChannel)..<(co / perChannel + 1) : 0..<problem.input.channels
      for row in 0..<output.height {
        for column in 0..<output.width {
          var sum: Int32 = 0
          for ci in sources {
            for i in 0..<problem.kernel.height {
              for j in 0..<problem.kernel.width {
                let y = row * problem.stride.height - problem.padding.top + i
                let x = column * problem.stride.width - problem.padding.left + j
                guard y >= 0, y < problem.input.height, x >= 0, x < problem.input.width else { continue }
                let weight =
                  problem.isDepthwise
                  ? weights[(co * problem.kernel.height + i) * problem.kernel.width + j]
                  : weights[((co * problem.input.channels + ci) * problem.kernel.height + i) * problem.kernel.width + j]
                sum = sum &+ input[(ci * problem.input.height + y) * problem.input.width + x] &* weight
              }
            }
          }
          result[(co * output.height + row) * output.width + column] = sum
        }
      }
    }
    return result
  }

  /// The walk's stream of a convolution alone, as a plan unit has it.
  static func transfers(_ problem: ConvolutionProblem, _ tiling: ConvolutionTiling) -> [UnitTransfer] {
    ConvolutionWalk(problem: problem, tiling: tiling).unitTransfers(
      tensors: LayerTensors(workload: .convolution(problem), name: "layer"), bits: OperandBits(input: 8, weight: 8, output: 8))
  }

  @Test func convolutionsMatchNaiveAndTheClosedForm() throws {
    var generator = SeededGenerator(seed: 31)
    var withPartialSums = 0
    for round in 0..<300 {
      let problem = Self.randomProblem(&generator)
      let order = problem.dimensions.shuffled(using: &generator)
      var tile: [ConvolutionDimension: Int] = [:]
      for dimension in problem.dimensions { tile[dimension] = Int.random(in: 1...problem.extent(of: dimension), using: &generator) }
      let scan = Set(order.filter { _ in Bool.random(using: &generator) })
      let tiling = ConvolutionTiling(tile: tile, order: order, scan: scan)
      let input = (0..<(problem.input.elementCount ?? 0)).map { _ in Int32.random(in: -128...127, using: &generator) }
      let weights = (0..<problem.weightCount).map { _ in Int32.random(in: -128...127, using: &generator) }
      let execution = ConvolutionExecution(
        name: "layer\(round)", problem: problem, tiling: tiling,
        capacity: ConvolutionTraffic.footprint(problem: problem, tiling: tiling), psumWidth: 1, input: input, weights: weights,
        transfers: UnitTransfers(Self.transfers(problem, tiling)), finish: { _, accumulator in accumulator })
      let result = try execution.run()
      #expect(result.output == Self.naive(problem, input: input, weights: weights), "round \(round): \(tiling)")
      #expect(result.traffic == ConvolutionTraffic.traffic(problem: problem, tiling: tiling), "round \(round): \(tiling)")
      if result.traffic.psumWrites > 0 { withPartialSums += 1 }
    }
    #expect(withPartialSums >= 30)
  }

  @Test func gemmsMatchNaiveAndTheClosedForm() throws {
    var generator = SeededGenerator(seed: 32)
    for round in 0..<300 {
      let shape = GEMMShape(
        m: Int.random(in: 1...12, using: &generator), k: Int.random(in: 1...12, using: &generator),
        n: Int.random(in: 1...12, using: &generator))
      let tiling = GEMMTiling(
        tile: PerDimension(
          m: Int.random(in: 1...shape.m, using: &generator), k: Int.random(in: 1...shape.k, using: &generator),
          n: Int.random(in: 1...shape.n, using: &generator)),
        order: LoopOrder.allCases.randomElement(using: &generator) ?? LoopOrder.allCases[0],
        scan: PerDimension(m: Bool.random(using: &generator), k: Bool.random(using: &generator), n: Bool.random(using: &generator)))
      let input = (0..<(shape.m * shape.k)).map { _ in Int32.random(in: -128...127, using: &generator) }
      let weights = (0..<(shape.k * shape.n)).map { _ in Int32.random(in: -128...127, using: &generator) }
      // Input stored channel-major (k, then m), output (n, then m): the CHW layout of a pointwise layer.
      let execution = GEMMExecution(
        name: "gemm\(round)", shape: shape, tiling: tiling, capacity: tiling.footprint(for: shape, psumWidth: 2), psumWidth: 2,
        inputIndex: { m, k in k * shape.m + m }, outputIndex: { m, n in n * shape.m + m }, outputCount: shape.m * shape.n,
        input: input, weights: weights, inputExtents: [shape.k, 1, shape.m], outputExtents: [shape.n, 1, shape.m],
        transfers: UnitTransfers(
          GEMMWalk(shape: shape, tiling: tiling).unitTransfers(
            tensors: LayerTensors(workload: .gemm(shape), name: "gemm"), bits: OperandBits(input: 8, weight: 8, output: 8),
            isFullyConnected: false)),
        finish: { _, accumulator in accumulator })
      let result = try execution.run()
      var expected = Array(repeating: Int32(0), count: shape.m * shape.n)
      for m in 0..<shape.m {
        for n in 0..<shape.n {
          expected[n * shape.m + m] = (0..<shape.k).reduce(Int32(0)) { $0 &+ input[$1 * shape.m + m] &* weights[n * shape.k + $1] }
        }
      }
      #expect(result.output == expected, "round \(round)")
      #expect(result.traffic == GEMMClosedForm.traffic(shape: shape, tiling: tiling), "round \(round): \(tiling)")
    }
  }

  /// A reload left out is a read of an element the buffer does not hold: a failure naming it.
  @Test func aDroppedReloadIsCaught() throws {
    let problem = ConvolutionProblem(
      input: TensorShape(channels: 2, height: 8, width: 8), output: TensorShape(channels: 3, height: 8, width: 8),
      kernel: Extent2D(square: 3), stride: Extent2D(square: 1), padding: Padding(top: 1, left: 1, bottom: 1, right: 1),
      isDepthwise: false)
    let tiling = ConvolutionTiling(
      tile: [.outputChannels: 3, .inputChannels: 2, .rows: 2, .columns: 8], order: [.outputChannels, .inputChannels, .rows, .columns])
    var execution = ConvolutionExecution(
      name: "conv", problem: problem, tiling: tiling, capacity: .max, psumWidth: 1,
      input: Array(repeating: 1, count: 128), weights: Array(repeating: 1, count: 54), transfers: UnitTransfers(Self.transfers(problem, tiling)), finish: { _, accumulator in accumulator })
    _ = try execution.run()
    execution.droppedInputLoads = [2]
    #expect {
      _ = try execution.run()
    } throws: { error in
      let failure = error as? ExecutionFailure
      return failure?.step == 2 && failure?.operand == "input" && failure?.message.contains("not in the buffer") == true
    }
  }

  /// A buffer smaller than the schedule's footprint fails at the first step that overflows it.
  @Test func aBufferTooSmallIsCaught() throws {
    let problem = ConvolutionProblem(
      input: TensorShape(channels: 4, height: 6, width: 6), output: TensorShape(channels: 4, height: 6, width: 6),
      kernel: Extent2D(square: 3), stride: Extent2D(square: 1), padding: Padding(top: 1, left: 1, bottom: 1, right: 1),
      isDepthwise: false)
    let tiling = ConvolutionTiling(
      tile: [.outputChannels: 4, .inputChannels: 4, .rows: 6, .columns: 6], order: [.outputChannels, .inputChannels, .rows, .columns])
    let footprint = ConvolutionTraffic.footprint(problem: problem, tiling: tiling)
    let execution = ConvolutionExecution(
      name: "conv", problem: problem, tiling: tiling, capacity: footprint - 1, psumWidth: 1,
      input: Array(repeating: 1, count: 144), weights: Array(repeating: 1, count: 144), transfers: UnitTransfers(Self.transfers(problem, tiling)), finish: { _, accumulator in accumulator })
    #expect {
      _ = try execution.run()
    } throws: { error in (error as? ExecutionFailure)?.message.contains("the buffer split needs \(footprint) entries") == true }
    let fits = ConvolutionExecution(
      name: "conv", problem: problem, tiling: tiling, capacity: footprint, psumWidth: 1,
      input: Array(repeating: 1, count: 144), weights: Array(repeating: 1, count: 144), transfers: UnitTransfers(Self.transfers(problem, tiling)), finish: { _, accumulator in accumulator })
    _ = try fits.run()
  }
}
