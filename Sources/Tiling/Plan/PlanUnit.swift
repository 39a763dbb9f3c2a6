/// One unit of a network plan: a layer run alone, or a fused segment. Each carries its own
/// shapes, so a unit can be walked, priced and executed without the network beside it.
public enum PlanUnit: Hashable, Sendable, Codable {
  /// A layer run alone.
  case layer(LayerSchedule)
  /// Consecutive layers fused: their intermediate tensors never leave the chip.
  case segment(SegmentSchedule)

  /// The layer's name, or the segment's ("first..last").
  public var name: String {
    switch self {
    case .layer(let schedule): return schedule.layer
    case .segment(let schedule): return schedule.segment.name
    }
  }

  /// The layers the unit runs, in order.
  public var layerNames: [String] {
    switch self {
    case .layer(let schedule): return [schedule.layer]
    case .segment(let schedule): return schedule.segment.layers.map(\.name)
    }
  }

  /// DRAM traffic in entries, by operand (a segment's skip reads count as input reads).
  public var traffic: Traffic {
    switch self {
    case .layer(let schedule): return schedule.traffic
    case .segment(let schedule): return schedule.cost.traffic.traffic
    }
  }

  /// DRAM bytes: each operand's bits rounded up to whole bytes for a layer; a segment's bits
  /// moved, rounded up.
  public var bytes: Int {
    switch self {
    case .layer(let schedule): return schedule.bytes
    case .segment(let schedule): return (schedule.cost.bits + 7) / 8
    }
  }

  /// Bits moved (the planners' objective), as a Double the planners add up.
  public var bitsMoved: Double { Double(bits) }

  /// Bits moved: each entry at its operand's width.
  public var bits: Int {
    switch self {
    case .layer(let schedule):
      let traffic = schedule.traffic
      let widths = schedule.bits
      return traffic.inputReads * widths.input + traffic.weightReads * widths.weight + traffic.outputWrites * widths.output
        + (traffic.psumReads + traffic.psumWrites) * widths.psum
    case .segment(let schedule): return schedule.cost.bits
    }
  }

  /// DRAM energy in pJ.
  public func dramEnergy(_ model: EnergyModel) -> Double { bitsMoved / 8 * model.dramPicojoulesPerByte }

  /// The floor in entries.
  public var floor: Int {
    switch self {
    case .layer(let schedule): return schedule.floor.value
    case .segment(let schedule): return schedule.floor
    }
  }

  /// Buffer entries the unit occupies at most.
  public var footprint: Int {
    switch self {
    case .layer(let schedule): return schedule.footprint
    case .segment(let schedule): return schedule.cost.footprint
    }
  }

  /// Multiply-accumulates of the unit's layers, counted once (pooling, adds and other streaming
  /// layers count none).
  public var macs: Int {
    switch self {
    case .layer(let schedule): return schedule.workload.macs
    case .segment(let schedule): return schedule.segment.macs
    }
  }

  /// MACs a segment spends recomputing halos (overlapping windows of neighbouring tiles); 0 for a layer.
  public var haloMACs: Int {
    if case .segment(let schedule) = self { return schedule.cost.haloMACs } else { return 0 }
  }

  /// MACs a segment spends recomputing chunked stages per chunk of a later stage; 0 for a layer.
  public var chunkMACs: Int {
    if case .segment(let schedule) = self { return schedule.cost.chunkMACs } else { return 0 }
  }

  /// Entries a segment reads for the skip operands of its residual adds; 0 for a layer.
  public var skipReads: Int {
    if case .segment(let schedule) = self { return schedule.cost.traffic.totalSkipReads } else { return 0 }
  }

  /// Traffic over floor.
  public var ratioToFloor: Double { floor > 0 ? Double(traffic.total) / Double(floor) : 1 }

  /// Everything the unit moves and costs, with DRAM energy from `model`.
  public func cost(_ model: EnergyModel) -> Cost {
    Cost(
      traffic: traffic, skipReads: skipReads, bits: bits, bytes: bytes, dramEnergyPicojoules: dramEnergy(model),
      floor: floor, macs: macs, haloMACs: haloMACs, chunkMACs: chunkMACs, footprint: footprint)
  }

  /// "segment", or the layer's operation.
  public var operation: String {
    switch self {
    case .layer(let schedule): return schedule.kind.rawValue
    case .segment: return "segment"
    }
  }

  /// One line: the tiling, Scan and chunks.
  public var scheduleDescription: String {
    switch self {
    case .layer(let schedule): return schedule.scheduleDescription
    case .segment(let schedule): return schedule.tiling.description
    }
  }
}

/// A unit's tile loops as plain names and numbers, whatever kind of schedule it has: what a
/// simulator needs to drive an address generator, and what the CSV and the C ABI print.
public struct UnitLoops: Hashable, Sendable, Codable {
  /// The tiled axes: `m k n` for a GEMM, the loops of a convolution outermost first (`co ci h w`;
  /// `ci h w` for a depthwise one), `h w` for a fused segment's spatial tile of its last output;
  /// none for a streaming layer.
  public var axes: [String]
  /// Tile size along each axis, in elements (clamped to the extent: a tile never exceeds it).
  public var tile: [Int]
  /// The loop order, outermost first (a segment visits rows of tiles, then tiles along a row).
  public var order: [String]
  /// The loops that Scan (reverse direction at each restart).
  public var scanned: [String]
  /// A segment's channel chunk per stage (a chunk equal to the stage's channels: whole); empty for a layer.
  public var chunks: [Int]
}

extension PlanUnit {
  /// The unit's tile loops.
  public var loops: UnitLoops {
    switch self {
    case .layer(let schedule):
      switch (schedule.workload, schedule.choice) {
      case (.gemm(let shape), .gemm(let tiling)):
        let axes = GEMMDimension.allCases
        return UnitLoops(
          axes: axes.map(\.rawValue), tile: axes.map { min(tiling.tile[$0], shape[$0]) },
          order: tiling.order.outerToInner.map(\.rawValue), scanned: axes.filter { tiling.scan[$0] }.map(\.rawValue),
          chunks: [])
      case (.convolution(let problem), .convolution(let tiling)):
        return UnitLoops(
          axes: tiling.order.map(\.rawValue), tile: tiling.order.map { tiling.size($0, in: problem) },
          order: tiling.order.map(\.rawValue), scanned: tiling.order.filter { tiling.scan.contains($0) }.map(\.rawValue),
          chunks: [])
      default:
        return UnitLoops(axes: [], tile: [], order: [], scanned: [], chunks: [])
      }
    case .segment(let schedule):
      let tiling = schedule.tiling
      return UnitLoops(
        axes: ["h", "w"], tile: [tiling.rows, tiling.columns], order: ["h", "w"], scanned: tiling.scan ? ["w"] : [],
        chunks: tiling.chunks)
    }
  }

  /// How the unit divides the buffer between operands.
  public var split: BufferSplit {
    switch self {
    case .layer(let schedule): return schedule.split
    case .segment(let schedule):
      return SegmentModel(segment: schedule.segment, psumWidth: schedule.psumWidth).split(of: schedule.tiling)
    }
  }
}
