import Foundation
import Networks
import Testing

@testable import Tiling
import TestSupport

@Suite struct ConvolutionSearchTests {
  static let cases = 150
  struct Ranked: Comparable {
    var cost: Int
    var footprint: Int
    var orderName: String
    var scanRank: Int
    var sizes: [Int]
    var tiling: ConvolutionTiling

    static func < (lhs: Ranked, rhs: Ranked) -> Bool {
      if (lhs.cost, lhs.footprint, lhs.orderName, lhs.scanRank) != (rhs.cost, rhs.footprint, rhs.orderName, rhs.scanRank) {
        return (lhs.cost, lhs.footprint, lhs.orderName, lhs.scanRank) < (rhs.cost, rhs.footprint, rhs.orderName, rhs.scanRank)
      }
      return lhs.sizes.lexicographicallyPrecedes(rhs.sizes)
    }

    static func == (lhs: Ranked, rhs: Ranked) -> Bool { !(lhs < rhs) && !(rhs < lhs) }
  }

  /// Brute force: every tile size of every dimension (1 ... extent), every order, every set of
  /// Scan flags (all of them, outermost and single-tile loops included), costed with the closed
  /// form; the best per distinct schedule (order without single-tile loops, and tile counts),
  /// the `count` best of those.
  static func bruteForce(
    _ problem: ConvolutionProblem, buffer: Int, options: SearchOptions, count: Int
  ) -> [Ranked] {
    struct Group: Hashable {
      var effectiveOrder: [ConvolutionDimension]
      var counts: [Int]
    }
    let dimensions = problem.dimensions
    let orders = ConvolutionSearchModel.permutations(Array(dimensions.indices)).map { $0.map { dimensions[$0] } }
    var summaries: [[Int: [ConvolutionDimension: AxisSummary]]] = Array(repeating: [:], count: 3)
    for (index, operand) in [Operand.input, .weight, .output].enumerated() {
      for dimension in dimensions {
        for size in 1...problem.extent(of: dimension) {
          let tiling = ConvolutionTiling(tile: [dimension: size], order: dimensions)
          summaries[index][size, default: [:]][dimension] = AxisSummary(
            ConvolutionTraffic.axis(operand, dimension, problem, tiling))
        }
      }
    }
    var all: [[Int]] = [[]]
    for dimension in dimensions { all = all.flatMap { prefix in (1...problem.extent(of: dimension)).map { prefix + [$0] } } }
    let masks = options.scan == .allowed ? Array(0..<(1 << dimensions.count)) : [0]
    let kernel = problem.kernel.height * problem.kernel.width
    let multiplier = problem.isDepthwise ? problem.multiplier : 1
    let outputSize = problem.output.elementCount ?? 0
    var best: [Group: Ranked] = [:]
    for sizes in all {
      let tile = Dictionary(uniqueKeysWithValues: zip(dimensions, sizes))
      let footprint = ConvolutionTraffic.footprint(
        problem: problem, tiling: ConvolutionTiling(tile: tile, order: dimensions), psumWidth: options.psumWidth)
      guard footprint <= buffer else { continue }
      let counts = zip(dimensions, sizes).map { (problem.extent(of: $0) + $1 - 1) / $1 }
      let countOf = Dictionary(uniqueKeysWithValues: zip(dimensions, counts))
      for order in orders {
        let group = Group(effectiveOrder: order.filter { (countOf[$0] ?? 1) > 1 }, counts: counts)
        for mask in masks {
          let scan = Set(dimensions.indices.filter { mask & (1 << $0) != 0 }.map { dimensions[$0] })
          let levels = order.map { LoopLevel(count: countOf[$0] ?? 1, scanned: scan.contains($0)) }
          let loads = (0..<3).map { operand in
            LoopNestTraffic.loads(
              levels: levels, summaries: order.map { summaries[operand][tile[$0] ?? 1]?[$0] ?? AxisSummary(.irrelevant(count: 1)) })
          }
          let runs = loads[2] * multiplier
          let traffic = Traffic(
            inputReads: loads[0], weightReads: loads[1] * kernel * multiplier, outputWrites: outputSize,
            psumReads: runs - outputSize, psumWrites: runs - outputSize)
          let ranked = Ranked(
            cost: options.objective.cost(traffic), footprint: footprint, orderName: order.map(\.rawValue).joined(separator: "-"),
            scanRank: mask.nonzeroBitCount * 16 + mask, sizes: sizes,
            tiling: ConvolutionTiling(tile: tile, order: order, scan: scan))
          if best[group].map({ ranked < $0 }) ?? true { best[group] = ranked }
        }
      }
    }
    return Array(best.values.sorted().prefix(count))
  }

  /// Kernels 1 to 5 (non-square), strides 1 to 3, asymmetric padding below the kernel, outputs
  /// of at most `maxSpatial` rows and columns; half depthwise (multiplier 1 or 2).
  static func randomProblem(_ random: inout SplitMix64, maxSpatial: Int, maxChannels: Int) -> ConvolutionProblem {
    let depthwise = Bool.random(using: &random)
    func axis() -> (kernel: Int, stride: Int, before: Int, after: Int, input: Int, output: Int) {
      let kernel = Int.random(in: 1...5, using: &random)
      let stride = Int.random(in: 1...3, using: &random)
      let before = Int.random(in: 0..<kernel, using: &random)
      let after = Int.random(in: 0..<kernel, using: &random)
      let output = Int.random(in: 1...maxSpatial, using: &random)
      // The input extent giving `output` rows: (input + before + after - kernel) / stride + 1 == output.
      let input = max(1, (output - 1) * stride + kernel - before - after + Int.random(in: 0..<stride, using: &random))
      return (kernel, stride, before, after, input, (input + before + after - kernel) / stride + 1)
    }
    var (rows, columns) = (axis(), axis())
    while rows.output < 1 || rows.output > maxSpatial { rows = axis() }
    while columns.output < 1 || columns.output > maxSpatial { columns = axis() }
    let cin = Int.random(in: 1...maxChannels, using: &random)
    let cout = depthwise ? cin * Int.random(in: 1...2, using: &random) : Int.random(in: 1...maxChannels, using: &random)
    return ConvolutionProblem(
      input: TensorShape(channels: cin, height: rows.input, width: columns.input),
      output: TensorShape(channels: cout, height: rows.output, width: columns.output),
      kernel: Extent2D(height: rows.kernel, width: columns.kernel),
      stride: Extent2D(height: rows.stride, width: columns.stride),
      padding: Padding(top: rows.before, left: columns.before, bottom: rows.after, right: columns.after),
      isDepthwise: depthwise)
  }

  /// Search == brute force: the same top-5 list (costs, and tilings under the same tie-break),
  /// with and without Scan, psum width 1 and 2, entries and a weighted objective, buffers from
  /// the minimum to more than everything.
  @Test(arguments: [true, false])
  func searchEqualsBruteForce(allowScan: Bool) throws {
    var random = SplitMix64(seed: allowScan ? 0xC5_0001 : 0xC5_0002)
    for index in 0..<Self.cases {
      let problem = Self.randomProblem(&random, maxSpatial: 5, maxChannels: 5)
      let options = SearchOptions(
        psumWidth: index % 2 == 0 ? 1 : 2, scan: allowScan ? .allowed : .never,
        objective: index % 3 == 2 ? TrafficObjective(input: 8, weight: 4, output: 8, psum: 24) : .entries)
      let minimum = ConvolutionSearch.minimumBuffer(problem: problem, psumWidth: options.psumWidth)
      let everything = ConvolutionSearch.minimumBuffer(problem: problem, psumWidth: options.psumWidth) * 4
        + (problem.input.elementCount ?? 0) + problem.weightCount + 2 * (problem.output.elementCount ?? 0)
      let buffer = index % 7 == 0 ? minimum : Int.random(in: minimum...everything, using: &random)
      let expected = Self.bruteForce(problem, buffer: buffer, options: options, count: 5)
      let found = try ConvolutionSearch.top(5, problem: problem, buffer: buffer, options: options)
      let context = "\(problem) buffer \(buffer) psum \(options.psumWidth) scan \(allowScan)"
      #expect(found.map(\.cost) == expected.map(\.cost), "\(context)")
      #expect(found.map(\.tiling) == expected.map(\.tiling), "\(context)")
      for schedule in found {
        #expect(schedule.footprint <= buffer, "\(context)")
        #expect(schedule.traffic == ConvolutionTraffic.traffic(problem: problem, tiling: schedule.tiling))
        #expect(schedule.traffic.total >= TrafficFloor.convolution(problem).value, "\(context)")
        if !allowScan { #expect(schedule.tiling.scan.isEmpty) }
      }
      if let best = found.first, index % 4 == 0 {
        #expect(best.traffic == ConvolutionOracle(problem: problem, tiling: best.tiling).traffic(), "\(context)")
      }
    }
  }
}

extension ConvolutionSearchTests {
  /// Larger layers (up to 7 rows and columns, 6 channels), fewer of them: search == brute force.
  @Test func searchEqualsBruteForceLarger() throws {
    var random = SplitMix64(seed: 0xC5_0003)
    for index in 0..<4 {
      let problem = Self.randomProblem(&random, maxSpatial: 7, maxChannels: 6)
      let options = SearchOptions(psumWidth: 1 + index % 2, scan: index % 2 == 0 ? .allowed : .never)
      let minimum = ConvolutionSearch.minimumBuffer(problem: problem, psumWidth: options.psumWidth)
      let buffer = minimum + Int.random(in: 0...(4 * minimum), using: &random)
      let expected = Self.bruteForce(problem, buffer: buffer, options: options, count: 3)
      let found = try ConvolutionSearch.top(3, problem: problem, buffer: buffer, options: options)
      #expect(found.map(\.cost) == expected.map(\.cost), "\(problem) buffer \(buffer)")
      #expect(found.map(\.tiling) == expected.map(\.tiling), "\(problem) buffer \(buffer)")
    }
  }

  /// `PartialBound` is at most the exact cost of every tiling it speaks for: every order, every
  /// Scan choice, assigned dimensions anywhere in their classes, open ones at any size that fits.
  @Test(arguments: [true, false])
  func partialBoundIsALowerBound(allowScan: Bool) {
    var random = SplitMix64(seed: allowScan ? 0xC5_0004 : 0xC5_0005)
    for index in 0..<200 {
      let problem = Self.randomProblem(&random, maxSpatial: 5, maxChannels: 5)
      let options = SearchOptions(
        psumWidth: 1 + index % 2, scan: allowScan ? .allowed : .never,
        objective: index % 3 == 2 ? TrafficObjective(input: 8, weight: 4, output: 8, psum: 24) : .entries)
      let model = ConvolutionSearchModel(problem: problem, options: options)
      let minimum = model.footprint(model.ones)
      let buffer = minimum + Int.random(in: 0...(3 * minimum), using: &random)
      let run = ConvolutionSearchRun(model: model, buffer: buffer, capacity: 1)
      let count = model.dimensions.count
      let step = Int.random(in: 0..<(count - 1), using: &random)
      // Assigned dimensions: a random class each (its smallest size must fit with the others at 1).
      var sizes = model.ones
      var largest = model.ones
      for position in 0...step {
        let dimension = run.refinement[position]
        let range = model.tables[dimension].classes.randomElement(using: &random) ?? model.tables[dimension].classes[0]
        (sizes[dimension], largest[dimension]) = (range.smallest, range.largest)
      }
      guard model.footprint(sizes) <= buffer else { continue }
      var caps = sizes
      var open = 0
      for (position, dimension) in run.refinement.enumerated() {
        if position > step { open |= 1 << dimension }
        let top = position > step ? model.tables[dimension].extent : largest[dimension]
        caps[dimension] = model.fit(dimension, sizes, largest: top, buffer: buffer)
      }
      let bound = PartialBound(model: model, low: sizes, high: caps, open: open, openCaps: caps)
      // Every point of the subtree that fits.
      var points: [DimensionSizes] = [sizes]
      for dimension in 0..<count {
        let upper = open & (1 << dimension) != 0 ? model.tables[dimension].extent : largest[dimension]
        points = points.flatMap { point in
          (point[dimension]...upper).map { size in
            var next = point
            next[dimension] = size
            return next
          }
        }
      }
      points = points.filter { model.footprint($0) <= buffer }
      let masks = allowScan ? Array(0..<(1 << count)) : [0]
      for order in model.orders.indices {
        let limit = bound.cost(model, order: model.orders[order])
        for point in points {
          for mask in masks {
            let cost = model.cost(order: order, scanMask: mask, low: point, high: point)
            #expect(limit <= cost, "\(problem) buffer \(buffer) order \(model.orderNames[order]) at \(point) mask \(mask)")
          }
        }
      }
    }
  }

  @Test func tooSmallBufferStatesTheMinimum() throws {
    let problem = Self.convolution(8, 16, 10)
    for psumWidth in [1, 2] {
      let minimum = ConvolutionSearch.minimumBuffer(problem: problem, psumWidth: psumWidth)
      // Tiles of one channel and one pixel: a 3x3 input window, 3x3 weights, one output.
      #expect(minimum == 9 + 9 + psumWidth)
      #expect(throws: SearchError.bufferTooSmall(buffer: minimum - 1, minimum: minimum)) {
        try ConvolutionSearch.best(problem: problem, buffer: minimum - 1, options: SearchOptions(psumWidth: psumWidth))
      }
      let found = try ConvolutionSearch.best(problem: problem, buffer: minimum, options: SearchOptions(psumWidth: psumWidth))
      #expect(found.footprint <= minimum)
    }
  }

  @Test func sameInputSameOutput() throws {
    for problem in [Self.convolution(16, 32, 14), Self.convolution(24, 24, 12, stride: 2, depthwise: true)] {
      for scan in [ScanOption.allowed, .never] {
        let options = SearchOptions(scan: scan)
        let first = try ConvolutionSearch.top(5, problem: problem, buffer: 2048, options: options)
        let second = try ConvolutionSearch.top(5, problem: problem, buffer: 2048, options: options)
        #expect(first == second)
        #expect(!first.isEmpty)
      }
    }
  }

  static func convolution(
    _ cin: Int, _ cout: Int, _ size: Int, stride: Int = 1, kernel: Int = 3, depthwise: Bool = false
  ) -> ConvolutionProblem {
    let padding = kernel / 2
    let output = (size + 2 * padding - kernel) / stride + 1
    return ConvolutionProblem(
      input: TensorShape(channels: cin, height: size, width: size),
      output: TensorShape(channels: cout, height: output, width: output), kernel: Extent2D(square: kernel),
      stride: Extent2D(square: stride), padding: Padding(symmetric: padding, padding), isDepthwise: depthwise)
  }

  /// ResNet-50's 3x3 convolutions, every one (stride 2 on the 3x3 of each stage's first block).
  static let resNet50: [ConvolutionProblem] =
    Array(repeating: convolution(64, 64, 56), count: 3)
    + [convolution(128, 128, 56, stride: 2)] + Array(repeating: convolution(128, 128, 28), count: 3)
    + [convolution(256, 256, 28, stride: 2)] + Array(repeating: convolution(256, 256, 14), count: 5)
    + [convolution(512, 512, 14, stride: 2)] + Array(repeating: convolution(512, 512, 7), count: 2)

  static let vgg16First: [ConvolutionProblem] = [convolution(3, 64, 224), convolution(64, 64, 224), convolution(64, 128, 112)]

  /// MobileNetV2's 3x3 stem and its 17 depthwise 3x3 layers.
  static let mobileNetV2: [ConvolutionProblem] =
    [convolution(3, 32, 224, stride: 2)]
    + [(32, 112, 1), (96, 112, 2), (144, 56, 1), (144, 56, 2), (192, 28, 1), (192, 28, 1), (192, 28, 2)].map {
      convolution($0.0, $0.0, $0.1, stride: $0.2, depthwise: true)
    }
    + [(384, 14, 1), (384, 14, 1), (384, 14, 1), (384, 14, 1), (576, 14, 1), (576, 14, 1), (576, 14, 2)].map {
      convolution($0.0, $0.0, $0.1, stride: $0.2, depthwise: true)
    }
    + [(960, 7, 1), (960, 7, 1), (960, 7, 1)].map { convolution($0.0, $0.0, $0.1, stride: $0.2, depthwise: true) }

  /// Prints search times (never asserts them; `dse bench` is the measuring tool), when
  /// DSE_TIMING is set: `DSE_TIMING=1 swift test -c release -Xswiftc -enable-testing --filter
  /// ConvolutionSearchTests/timing`.
  @Test(.enabled(if: ProcessInfo.processInfo.environment["DSE_TIMING"] != nil)) func timing() throws {
    let networks = [("ResNet-50 3x3", Self.resNet50), ("VGG-16 first", Self.vgg16First), ("MobileNetV2 3x3", Self.mobileNetV2)]
    for (name, network) in networks {
      for buffer in [16 * 1024, 64 * 1024, 256 * 1024] {
        for allowScan in [true, false] {
          for count in [1, 5] {
            let clock = ContinuousClock()
            var total = 0
            var slowest = Duration.zero
            let elapsed = try clock.measure {
              for problem in network {
                let start = clock.now
                total += try ConvolutionSearch.top(count, problem: problem, buffer: buffer, options: .init(scan: allowScan ? .allowed : .never))[0].cost
                slowest = max(slowest, clock.now - start)
              }
            }
            print("search \(name) (\(network.count) layers) B=\(buffer / 1024)K scan \(allowScan) top \(count): \(elapsed) (slowest layer \(slowest)), total \(total)")
          }
        }
      }
    }
  }
}
