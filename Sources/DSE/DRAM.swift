/// Options that place a plan's tensors in DRAM and cut its transfers into bursts.
public struct DRAMStreamOptions: Hashable, Sendable, Codable {
  /// Element order of activations and weights.
  public var layout: TensorLayout
  /// Bytes per DRAM burst (a power of two; 64 by default: a 64-bit DDR4 channel at BL8).
  public var burstBytes: Int
  /// Every tensor's base address is a multiple of this many bytes (a power of two; 4096 by default).
  public var alignment: Int

  /// Options; NCHW / OIHW, 64-byte bursts, 4 KiB alignment by default.
  public init(layout: TensorLayout = TensorLayout(), burstBytes: Int = 64, alignment: Int = 4096) {
    self.layout = layout
    self.burstBytes = burstBytes
    self.alignment = alignment
  }
}

extension Plan {
  /// Where the plan's tensors live in DRAM (`AddressLayout`: in the order the units first name
  /// them, each aligned).
  public func addressLayout(_ options: DRAMStreamOptions = DRAMStreamOptions()) throws(DSEError) -> AddressLayout {
    do {
      return try AddressLayout(units: units, layout: options.layout, alignment: options.alignment)
    } catch {
      throw DSEError(error)
    }
  }

  /// The plan's DRAM bursts in execution order, lazily (constant memory across units); of one
  /// unit when `unit` is given. Their useful bytes add up to the plan's `cost.bytes`.
  public func transactions(_ options: DRAMStreamOptions = DRAMStreamOptions(), unit: Int? = nil) throws(DSEError)
    -> DRAMTransactions
  {
    let layout = try addressLayout(options)
    var selected = units
    var first = 0
    if let unit {
      guard units.indices.contains(unit) else {
        throw DSEError(.invalidArgument, field: "unit", "\(unit): the plan has units 0 to \(units.count - 1)")
      }
      selected = [units[unit]]
      first = unit
    }
    do {
      return try DRAMTransactions(units: selected, firstUnit: first, layout: layout, burstBytes: options.burstBytes)
    } catch {
      throw DSEError(error)
    }
  }
}

/// A DRAM device model and where a plan's tensors live in it: what a plan's DRAM figures are
/// evaluated on (`Plan.dramReport`, `Sweep.dram`).
public struct DRAMEvaluation: Hashable, Sendable {
  /// The device, address mapping, page policy and scheduling.
  public var model: DRAMModel
  /// Element order of activations and weights.
  public var layout: TensorLayout
  /// Every tensor's base address is a multiple of this many bytes (a power of two).
  public var alignment: Int

  /// An evaluation on `model`; NCHW / OIHW, 4 KiB alignment by default.
  public init(model: DRAMModel, layout: TensorLayout = TensorLayout(), alignment: Int = 4096) {
    self.model = model
    self.layout = layout
    self.alignment = alignment
  }
}

extension Plan {
  /// What `evaluation`'s device does with the plan's transactions, in bursts of the device's
  /// size: the whole plan and each unit (`DRAMPlanReport`).
  public func dramReport(_ evaluation: DRAMEvaluation) throws(DSEError) -> DRAMPlanReport {
    let layout = try addressLayout(DRAMStreamOptions(layout: evaluation.layout, alignment: evaluation.alignment))
    do {
      return try evaluation.model.evaluate(units: units, layout: layout)
    } catch {
      throw DSEError(error)
    }
  }
}

extension DRAMDevice {
  /// A bundled device by name (`DRAMDevice.bundled`: ddr4-2400-x8, lpddr4-x16) or a device
  /// YAML file (arch/dram/ holds the bundled ones as examples of the format).
  public static func load(_ nameOrFile: String) throws(DSEError) -> DRAMDevice {
    if bundled[nameOrFile] != nil || !(nameOrFile.contains("/") || nameOrFile.hasSuffix(".yaml") || nameOrFile.hasSuffix(".yml")) {
      do {
        return try named(nameOrFile)
      } catch {
        throw DSEError(error)
      }
    }
    do {
      return try read(yaml: try readText(nameOrFile), file: nameOrFile)
    } catch {
      throw DSEError(error)
    }
  }
}

extension DRAMScheduling {
  /// `in-order`, `frfcfs` (a window of 32 requests) or `frfcfs:N`.
  public init(parsing text: String) throws(DSEError) {
    switch text {
    case "in-order": self = .inOrder
    case "frfcfs": self = .frfcfsDefault
    default:
      guard text.hasPrefix("frfcfs:"), let window = Int(text.dropFirst("frfcfs:".count)),
        (1...DRAMScheduling.largestWindow).contains(window)
      else {
        throw DSEError(
          .invalidArgument, field: "scheduling",
          "'\(text.prefix(40))': expected in-order, frfcfs or frfcfs:N with N from 1 to \(DRAMScheduling.largestWindow)")
      }
      self = .frfcfs(window: window)
    }
  }
}
