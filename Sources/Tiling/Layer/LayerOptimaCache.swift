import Networks
import Synchronization

/// Single layers' least-bits schedules found at some buffer sizes, shared by the searches of one
/// network at every buffer size and with every strategy. Safe to share between threads.
///
/// Why a schedule found at one size serves another. The schedules that fit a smaller buffer are
/// some of those that fit a larger one, and the search's order (bits, then its tie-breaks:
/// footprint, loop order, Scan, tile sizes) does not depend on the buffer. So the optimum at a
/// larger size, if it fits a smaller one, is the optimum there too, tie-breaks included (tested
/// against the search at both sizes). A sweep plans its larger sizes first (`Sweep`), and most
/// layers' searches at the smaller sizes are skipped.
public final class LayerOptimaCache: Sendable {
  /// What a layer's search sees: its workload and kind, its operands' widths, Scan and the
  /// psum width, and for a streaming layer (pool, add, concat, upsample) its tensors' shapes,
  /// on which its buffer split depends (its workload holds only counts); not its name or
  /// place: copies of a layer share one search.
  struct Key: Hashable {
    var workload: LayerWorkload
    var kind: OperationKind
    var bits: OperandBits
    var scan: ScanOption
    var psumWidth: Int
    var geometry: LayerTensors?

    init(_ layer: LayerAnalysis, workload: LayerWorkload, bits: OperandBits, scan: ScanOption, psumWidth: Int) {
      self.workload = workload
      kind = layer.kind
      self.bits = bits
      self.scan = scan
      self.psumWidth = psumWidth
      if case .streaming = workload {
        var tensors = LayerTensors(layer)
        tensors.inputs = tensors.inputs.map { _ in "" }
        tensors.output = ""
        geometry = tensors
      }
    }
  }

  private let entries = Mutex<[Key: [(buffer: Int, schedule: LayerSchedule)]]>([:])

  /// An empty cache.
  public init() {}

  /// The optimum at `buffer` entries if a search at a size at least as large found one that
  /// fits, with its floor at `buffer`; nil otherwise.
  func optimum(_ key: Key, buffer: Int) -> LayerSchedule? {
    let found = entries.withLock { entries in
      entries[key]?.first { $0.buffer >= buffer && $0.schedule.footprint <= buffer }?.schedule
    }
    return found?.reported(atBuffer: buffer)
  }

  /// Records the optimum a search found at `buffer` entries.
  func record(_ key: Key, buffer: Int, schedule: LayerSchedule) {
    entries.withLock { $0[key, default: []].append((buffer, schedule)) }
  }
}

extension LayerSchedule {
  /// The same schedule at another buffer size: of its figures only a GEMM's floor depends on the
  /// buffer (`TrafficFloor.gemm`).
  func reported(atBuffer buffer: Int) -> LayerSchedule {
    guard case .gemm(let shape) = workload else { return self }
    var copy = self
    copy.floor = TrafficFloor.gemm(shape, buffer: buffer)
    return copy
  }
}
