import Networks

/// A convolution tiling the search found, with its exact traffic and objective.
package struct ConvolutionSchedule: Hashable, Sendable, Codable, CustomStringConvertible {
  package var tiling: ConvolutionTiling
  package var traffic: Traffic
  package var cost: Int
  /// Buffer entries occupied (`ConvolutionTraffic.footprint`).
  package var footprint: Int

  package var description: String { "\(tiling): cost \(cost), footprint \(footprint); \(traffic)" }
}

/// Exact search for the convolution tilings with the least weighted DRAM traffic at a buffer
/// size, over every tile size (not only divisors), every loop order and every Scan choice.
///
/// Why it is exact (the tests compare it with brute force over every size, order and scan):
/// - it walks count classes (tiles of one count per dimension); within a class the search is a
///   branch and bound over boxes of sizes (halving the widest range) whose bound
///   (`ConvolutionSearchBound`) is the closed form with every per-axis sum at its maximum over
///   the box (totals at their minimum): a valid lower bound for every size in the box, exact
///   for one size;
/// - footprints grow with every tile size, so a box is capped by what fits with the other
///   dimensions at the box's low corner, and that corner has the least footprint and sizes;
///   when its cost equals the box's bound it wins the box outright;
/// - the last dimension refined (output channels, or channels of a depthwise layer) has
///   disjoint tiles for every operand that depends on it, so with the others fixed each per-axis
///   sum is affine in its size within a class and so is the cost: only the class minimum and
///   the largest size that fits can win (the minimum on ties, by footprint);
/// - the outermost loop that has more than one tile never restarts, so its Scan flag is off;
///   loops with one tile can sit anywhere, so orders that differ only there are one schedule,
///   kept under the alphabetically first order name;
/// - groups (loop order without single-tile loops, and tile counts) whose bound exceeds the
///   k-th best so far are skipped; the walk over count vectors (rows, columns, then channels)
///   drops an order for a whole subtree once `PartialBound`, a lower bound over every size the
///   open dimensions may take, exceeds the k-th best cost (k distinct groups already do better).
///
/// Ties are broken by footprint, order name ("ci-co-h-w" < "co-ci-h-w"), fewer Scan flags, then
/// tile sizes (co, ci, h, w). The top k are distinct schedules: the best of each group.
package enum ConvolutionSearch {
  package static func best(
    problem: ConvolutionProblem, buffer: Int, options: SearchOptions = .init()
  ) throws(SearchError) -> ConvolutionSchedule {
    let found = try top(1, problem: problem, buffer: buffer, options: options)
    guard let best = found.first else {
      throw .bufferTooSmall(buffer: buffer, minimum: minimumBuffer(problem: problem, psumWidth: options.psumWidth))
    }
    return best
  }

  /// The `count` best distinct schedules, best first (fewer if fewer exist).
  package static func top(
    _ count: Int, problem: ConvolutionProblem, buffer: Int, options: SearchOptions = .init()
  ) throws(SearchError) -> [ConvolutionSchedule] {
    try validate(problem)
    if let reason = Limits.bufferProblem(buffer) { throw .invalidOptions(reason) }
    guard count >= 1 else { throw .invalidOptions("top count \(count) is below 1") }
    guard (1...Limits.psumWidth).contains(options.psumWidth) else {
      throw .invalidOptions("psum width \(options.psumWidth) is outside 1...\(Limits.psumWidth)")
    }
    guard options.objective.isValid else {
      throw .invalidOptions("objective weights must be from 0 to \(TrafficObjective.largestWeight)")
    }
    let model = ConvolutionSearchModel(problem: problem, options: options)
    let minimum = model.footprint(model.ones)
    guard buffer >= minimum else { throw .bufferTooSmall(buffer: buffer, minimum: minimum) }
    var run = ConvolutionSearchRun(model: model, buffer: buffer, capacity: count)
    run.search()
    return run.kept.map { candidate in
      let tiling = model.tiling(candidate)
      let traffic = ConvolutionTraffic.traffic(problem: problem, tiling: tiling)
      return ConvolutionSchedule(
        tiling: tiling, traffic: traffic, cost: options.objective.cost(traffic),
        footprint: ConvolutionTraffic.footprint(problem: problem, tiling: tiling, psumWidth: options.psumWidth))
    }
  }

  /// Footprint of all-ones tiles: one output pixel's input window (clipped to the tensor), its
  /// K_h x K_w weights and one output (x the depthwise multiplier), partial sums `psumWidth` wide.
  package static func minimumBuffer(problem: ConvolutionProblem, psumWidth: Int) -> Int {
    ConvolutionSearchModel(problem: problem, options: SearchOptions(psumWidth: psumWidth))
      .footprint(DimensionSizes(repeating: 1))
  }

  private static func validate(_ problem: ConvolutionProblem) throws(SearchError) {
    let sizes = [
      problem.input.channels, problem.input.height, problem.input.width, problem.output.channels,
      problem.output.height, problem.output.width, problem.kernel.height, problem.kernel.width,
      problem.stride.height, problem.stride.width,
    ]
    guard sizes.allSatisfy({ $0 >= 1 }) else { throw .invalidProblem("every extent, kernel and stride must be at least 1") }
    guard min(problem.padding.top, problem.padding.left, problem.padding.bottom, problem.padding.right) >= 0 else {
      throw .invalidProblem("padding must not be negative")
    }
    if problem.isDepthwise && problem.output.channels % problem.input.channels != 0 {
      throw .invalidProblem("depthwise output channels must be a multiple of input channels")
    }
    if let reason = Limits.convolutionProblem(problem) { throw .invalidProblem(reason) }
  }
}
