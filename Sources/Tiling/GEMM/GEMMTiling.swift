/// A dimension of the GEMM view O[M x N] = I[M x K] . W[K x N] (docs/tiling-model.md).
public enum GEMMDimension: String, Hashable, Sendable, Codable, CaseIterable {
  case m, k, n
}

/// The three tensors of a GEMM and the two dimensions each one spans.
public enum Operand: String, Hashable, Sendable, Codable, CaseIterable {
  case input, weight, output

  /// Input tiles are indexed by (m, k), weight tiles by (k, n), output tiles by (m, n).
  public var dimensions: (GEMMDimension, GEMMDimension) {
    switch self {
    case .input: return (.m, .k)
    case .weight: return (.k, .n)
    case .output: return (.m, .n)
    }
  }

  /// The one dimension whose tile index does not select this operand's tile.
  public var irrelevantDimension: GEMMDimension {
    switch self {
    case .input: return .n
    case .weight: return .m
    case .output: return .k
    }
  }
}

/// A value per GEMM dimension: sizes, tile sizes, trip counts, scan flags.
public struct PerDimension<Value: Hashable & Sendable>: Hashable, Sendable {
  public var m: Value
  public var k: Value
  public var n: Value

  public init(m: Value, k: Value, n: Value) {
    self.m = m
    self.k = k
    self.n = n
  }

  public subscript(dimension: GEMMDimension) -> Value {
    get {
      switch dimension {
      case .m: return m
      case .k: return k
      case .n: return n
      }
    }
    set {
      switch dimension {
      case .m: m = newValue
      case .k: k = newValue
      case .n: n = newValue
      }
    }
  }
}

extension PerDimension: Codable where Value: Codable {}

/// The sizes of a GEMM: M output pixels, K reduction, N output channels.
public typealias GEMMShape = PerDimension<Int>

/// The order of the three tile loops, outer to inner ("mnk": m outermost, k innermost).
public struct LoopOrder: Hashable, Sendable, Codable, CustomStringConvertible, CaseIterable {
  public let outerToInner: [GEMMDimension]

  public static let allCases: [LoopOrder] = ["mnk", "mkn", "nmk", "nkm", "kmn", "knm"].compactMap(LoopOrder.init(name:))

  /// Parses "mnk", "kmn", ...: a permutation of m, k and n, outermost first.
  public init?(name: String) {
    let dimensions = name.lowercased().compactMap { GEMMDimension(rawValue: String($0)) }
    guard dimensions.count == 3, Set(dimensions).count == 3, name.count == 3 else { return nil }
    outerToInner = dimensions
  }

  public var name: String { outerToInner.map(\.rawValue).joined() }
  public var description: String { name }

  /// Loop level of a dimension: 0 outermost, 2 innermost.
  public func level(of dimension: GEMMDimension) -> Int {
    outerToInner.firstIndex(of: dimension) ?? 0
  }
}

/// How one GEMM is tiled: tile sizes, loop order and which loops run as a Scan (snake):
/// a scanned loop reverses direction every time its enclosing loop restarts it, so the
/// tile at the turn is shared between consecutive steps.
public struct GEMMTiling: Hashable, Sendable, Codable, CustomStringConvertible {
  public var tile: PerDimension<Int>
  public var order: LoopOrder
  public var scan: PerDimension<Bool>

  public init(tile: PerDimension<Int>, order: LoopOrder, scan: PerDimension<Bool> = .init(m: false, k: false, n: false)) {
    self.tile = tile
    self.order = order
    self.scan = scan
  }

  public var description: String {
    let scanned = GEMMDimension.allCases.filter { scan[$0] }.map(\.rawValue).joined()
    return "tile m\(tile.m) k\(tile.k) n\(tile.n) order \(order)" + (scanned.isEmpty ? "" : " scan \(scanned)")
  }

  /// Buffer entries the resident tiles occupy: Tm*Tk + Tk*Tn + Tm*Tn*psumWidth, with tiles clamped to the shape.
  public func footprint(for shape: GEMMShape, psumWidth: Int = 1) -> Int {
    split(for: shape, psumWidth: psumWidth).total
  }

  /// The resident tiles, operand by operand.
  public func split(for shape: GEMMShape, psumWidth: Int = 1) -> BufferSplit {
    let m = min(tile.m, shape.m)
    let k = min(tile.k, shape.k)
    let n = min(tile.n, shape.n)
    return BufferSplit([("input", m * k), ("weights", k * n), ("outputs", m * n * psumWidth)])
  }
}
