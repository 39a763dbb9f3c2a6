/// A GEMM seen through one loop order: x outermost, y in the middle, z innermost.
///
/// GEMMClosedForm, rewritten for the search (D = extent, c = tile count; first/last = the
/// lengths of a dimension's first and last tile):
/// - the operand spanning (x, y) does not depend on z, the innermost loop: loaded once;
/// - the operand spanning (x, z) is reloaded per y tile: c_y*D_x*D_z runs' worth, minus, when z
///   Scans or has one tile, the tile handed over at each of the c_y - 1 turns of z. The closed
///   form weights those by the outer evenSum/oddSum, which add up to D_x when c_y is odd, so
///   the saving depends on T_x not at all;
/// - the operand spanning (y, z) is reloaded per x tile: c_x*D_y*D_z, minus, when y and z both
///   Scan (or have one tile), the tile handed over at each of the c_x - 1 restarts.
/// So T_x matters only through c_x, and the cost is linear in T_y for fixed T_z and in T_z
/// for fixed T_y within count classes: what makes an exact search over classes possible.
struct OrderedGEMM: Sendable {
  let order: LoopOrder
  /// Position of the order's name in alphabetical order: the tie-break after footprint.
  let orderRank: Int
  let x: GEMMDimension
  let y: GEMMDimension
  let z: GEMMDimension
  let dx: Int
  let dy: Int
  let dz: Int
  /// Footprint = wxy*Tx*Ty + wxz*Tx*Tz + wyz*Ty*Tz (the m-n pair weighted by psumWidth).
  let wxy: Int
  let wxz: Int
  let wyz: Int
  /// Objective per entry of a run of the (x, z) operand and of the (y, z) operand.
  let perRunXZ: Int
  let perRunYZ: Int
  /// The (x, y) operand, loaded once, plus the output constant of the objective.
  let fixed: Int
  /// Whether this order is the alphabetically first of the considered orders that produce the same steps,
  /// indexed by which loops have one tile (bit 0: x, 1: y, 2: z): such loops can move anywhere.
  let canonical: [Bool]

  init(order: LoopOrder, shape: GEMMShape, psumWidth: Int, objective: TrafficObjective, considered: [LoopOrder]) {
    self.order = order
    let names = LoopOrder.allCases.map(\.name).sorted()
    orderRank = names.firstIndex(of: order.name) ?? 0
    (x, y, z) = (order.outerToInner[0], order.outerToInner[1], order.outerToInner[2])
    (dx, dy, dz) = (shape[x], shape[y], shape[z])
    func pairWeight(_ a: GEMMDimension, _ b: GEMMDimension) -> Int {
      Set([a, b]) == Set([GEMMDimension.m, .n]) ? psumWidth : 1
    }
    (wxy, wxz, wyz) = (pairWeight(x, y), pairWeight(x, z), pairWeight(y, z))
    func operand(irrelevant dimension: GEMMDimension) -> Operand {
      Operand.allCases.first { $0.irrelevantDimension == dimension } ?? .output
    }
    perRunXZ = objective.perRun(operand(irrelevant: y))
    perRunYZ = objective.perRun(operand(irrelevant: x))
    fixed = objective.perRun(operand(irrelevant: z)) * dx * dy + objective.constant(outputSize: shape.m * shape.n)
    canonical = (0..<8).map { Self.isCanonical(order, trivial: $0, among: considered) }
  }

  private static func isCanonical(_ order: LoopOrder, trivial pattern: Int, among considered: [LoopOrder]) -> Bool {
    let trivial = Set(order.outerToInner.indices.filter { pattern & (1 << $0) != 0 }.map { order.outerToInner[$0] })
    let effective = order.outerToInner.filter { !trivial.contains($0) }
    return !considered.contains { other in
      other.name < order.name && other.outerToInner.filter { !trivial.contains($0) } == effective
    }
  }

  func footprint(_ tx: Int, _ ty: Int, _ tz: Int) -> Int {
    wxy * tx * ty + wxz * tx * tz + wyz * ty * tz
  }

  /// The largest Tz with footprint(tx, ty, Tz) <= buffer (may be < 1: nothing fits).
  func maxZ(buffer: Int, tx: Int, ty: Int) -> Int {
    (buffer - wxy * tx * ty) / (wxz * tx + wyz * ty)
  }

  /// The largest Ty with footprint(tx, Ty, tz) <= buffer (may be < 1: nothing fits).
  func maxY(buffer: Int, tx: Int, tz: Int) -> Int {
    (buffer - wxz * tx * tz) / (wxy * tx + wyz * tz)
  }

  /// The objective of tiles (Tx of count cx, ty of count cy, tz of count cz), exactly
  /// GEMMClosedForm's runs weighted by the objective.
  func cost(cx: Int, cy: Int, ty: Int, cz: Int, tz: Int, scanY: Bool, scanZ: Bool) -> Int {
    let zFirst = tz
    let zLast = dz - (cz - 1) * tz
    let zStays = scanZ || cz == 1
    var runsXZ = cy * dx * dz
    if zStays {
      let half = cy / 2
      runsXZ -= cy % 2 == 1 ? dx * half * (zFirst + zLast) : dx * (half * zLast + (half - 1) * zFirst)
    }
    var runsYZ = cx * dy * dz
    if zStays && (scanY || cy == 1) {
      let evenQ = cx / 2
      let oddQ = (cx - 1) / 2
      let yLast = dy - (cy - 1) * ty
      runsYZ -= evenQ * yLast * (cy % 2 == 1 ? zLast : zFirst) + oddQ * ty * zFirst
    }
    return fixed + perRunXZ * runsXZ + perRunYZ * runsYZ
  }

  /// A lower bound on `cost` for every tiling with counts cx, cy whose tiles satisfy
  /// Ty <= yTop, Tz <= zTop: every first or last tile is at most its tile size, so the
  /// (x, z) savings are at most D_x*(cy-1)*zTop and the (y, z) savings (cx-1)*yTop*zTop.
  func lowerBound(cx: Int, cy: Int, yTop: Int, zTop: Int) -> Int {
    let runsXZ = cy * dx * dz - dx * (cy - 1) * zTop
    let runsYZ = cx * dy * dz - (cx - 1) * yTop * zTop
    return fixed + perRunXZ * runsXZ + perRunYZ * runsYZ
  }

  func scanRank(scanY: Bool, scanZ: Bool) -> Int {
    var scan = PerDimension(m: false, k: false, n: false)
    scan[y] = scanY
    scan[z] = scanZ
    return GEMMSearch.scanRank(scan)
  }
}
