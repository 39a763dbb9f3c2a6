import Networks

/// Bit widths of the operands moved between DRAM and the buffer: what turns counts of
/// entries (elements) into bytes and picojoules.
public struct OperandBits: Hashable, Sendable, Codable, CustomStringConvertible {
  /// Bits of an input activation.
  public var input: Int
  /// Bits of a weight.
  public var weight: Int
  /// Bits of a final output activation.
  public var output: Int
  /// Bits of a partial sum as stored: `output * psumWidth` unless given.
  public var psum: Int

  /// `psum` defaults to `output * psumWidth`, `psumWidth` being the width of a partial sum
  /// in entries as in `GEMMTiling.footprint(for:psumWidth:)`.
  public init(input: Int, weight: Int, output: Int, psum: Int? = nil, psumWidth: Int = 1) {
    self.input = input
    self.weight = weight
    self.output = output
    self.psum = psum ?? output * psumWidth
  }

  /// The widths of a layer: weights from its precision, outputs its activation bits, inputs
  /// those of the producer (`inputBits`, by default the layer's own activation bits).
  public init(precision: Precision, inputBits: Int? = nil, psumWidth: Int = 1) {
    self.init(
      input: inputBits ?? precision.activationBits, weight: precision.weightBits, output: precision.activationBits,
      psumWidth: psumWidth)
  }

  /// 8-bit everything, partial sums one entry wide.
  public static let int8 = OperandBits(input: 8, weight: 8, output: 8)

  /// Bits moved by `traffic` (entries times the width of their operand), as a Double so
  /// that no count overflows.
  public func bits(of traffic: Traffic) -> Double {
    Double(traffic.inputReads) * Double(input) + Double(traffic.weightReads) * Double(weight)
      + Double(traffic.outputWrites) * Double(output)
      + Double(traffic.psumReads + traffic.psumWrites) * Double(psum)
  }

  /// Bytes moved by `traffic`: `bits(of:) / 8` (fractional when widths are not whole bytes).
  public func bytes(of traffic: Traffic) -> Double { bits(of: traffic) / 8 }

  public var description: String {
    "input \(input)b, weight \(weight)b, output \(output)b, psum \(psum)b"
  }
}

/// How the energy of one on-chip buffer access grows with the buffer's capacity.
public enum BufferEnergy: Hashable, Sendable, Codable {
  /// The same energy per byte whatever the capacity, in pJ per byte.
  case constant(picojoulesPerByte: Double)
  /// Energy per byte proportional to the square root of the capacity:
  /// `picojoulesPerByte * sqrt(capacityBytes / referenceBytes)`, the trend of Horowitz's SRAM
  /// figures (ISSCC 2014, 45 nm, per 64-bit access: 8 KB 10 pJ, 32 KB 20 pJ, 1 MB 100 pJ;
  /// the square-root law meets 8 KB and 32 KB exactly and gives 113 pJ at 1 MB).
  case squareRootOfCapacity(picojoulesPerByte: Double, referenceBytes: Int)

  /// Horowitz's 8 KB SRAM, 10 pJ per 64-bit access: 1.25 pJ per byte at 8192 bytes.
  public static let horowitz45nm = BufferEnergy.squareRootOfCapacity(picojoulesPerByte: 1.25, referenceBytes: 8192)

  /// pJ per byte accessed in a buffer of `capacityBytes` bytes.
  public func picojoulesPerByte(capacityBytes: Double) -> Double {
    switch self {
    case .constant(let perByte): return perByte
    case .squareRootOfCapacity(let perByte, let referenceBytes):
      return perByte * (max(0, capacityBytes) / Double(referenceBytes)).squareRoot()
    }
  }
}

/// Energy per action of an accelerator: DRAM, on-chip buffer and MAC. A pure value; every
/// function is a pure function of it and its arguments. Energies are in picojoules (pJ).
///
/// Defaults (docs/energy-model.md) are Horowitz's 45 nm figures, "Computing's energy problem
/// (and what we can do about it)", ISSCC 2014:
/// - DRAM: 1.3 to 2.6 nJ per 64-bit access; the midpoint, 1.95 nJ per 8 bytes, is 243.75 pJ/byte.
/// - Buffer: SRAM 10 pJ per 64-bit access at 8 KB, growing with the square root of capacity
///   (`BufferEnergy.horowitz45nm`).
/// - MAC: 8-bit integer multiply 0.2 pJ, 8-bit add 0.03 pJ; the multiplier scales with the
///   product of its operand widths (32-bit: 0.2 * 16 = 3.2 pJ against Horowitz's 3.1), the adder
///   with its width (32-bit: 0.12 pJ against 0.1).
///
/// A cross-check: Eyeriss (Chen, Emer and Sze, ISCA 2016, Table IV, 65 nm, 16-bit) normalizes
/// one access to DRAM at 200x a MAC, to the global buffer (>100 KB) at 6x, to the register file
/// at 1x. These defaults give, for 16-bit words, DRAM 487.5 pJ against a 16-bit MAC of 0.86 pJ
/// (about 570x) and a 128 KB buffer access 10 pJ (about 12x): the same ordering, DRAM dominant.
public struct EnergyModel: Hashable, Sendable, Codable {
  /// DRAM energy per byte read or written, in pJ/byte.
  public var dramPicojoulesPerByte: Double
  /// On-chip buffer energy per byte read or written, as a function of capacity.
  public var buffer: BufferEnergy
  /// Energy of one 8-bit x 8-bit integer multiply, in pJ.
  public var multiplyPicojoules8Bit: Double
  /// Energy of one 8-bit integer add (the accumulate of a MAC), in pJ.
  public var addPicojoules8Bit: Double

  public init(
    dramPicojoulesPerByte: Double = 243.75, buffer: BufferEnergy = .horowitz45nm, multiplyPicojoules8Bit: Double = 0.2,
    addPicojoules8Bit: Double = 0.03
  ) {
    self.dramPicojoulesPerByte = dramPicojoulesPerByte
    self.buffer = buffer
    self.multiplyPicojoules8Bit = multiplyPicojoules8Bit
    self.addPicojoules8Bit = addPicojoules8Bit
  }

  /// Horowitz ISSCC 2014, 45 nm (see the type's documentation).
  public static let `default` = EnergyModel()

  /// DRAM energy of `traffic`, in pJ: bytes moved (entries times operand bits / 8) times
  /// `dramPicojoulesPerByte`.
  public func dramEnergy(of traffic: Traffic, bits: OperandBits) -> Double {
    bits.bytes(of: traffic) * dramPicojoulesPerByte
  }

  /// Buffer energy, in pJ, of `accesses` (counts of entries read or written in the buffer, per
  /// operand; a `Traffic` value used as a tally) in a buffer of `capacityBytes` bytes.
  public func bufferEnergy(of accesses: Traffic, bits: OperandBits, capacityBytes: Double) -> Double {
    bits.bytes(of: accesses) * buffer.picojoulesPerByte(capacityBytes: capacityBytes)
  }

  /// Buffer energy, in pJ, of `accesses` entry accesses of `bitsPerEntry` bits each in a buffer
  /// of `capacityBytes` bytes.
  public func bufferEnergy(accesses: Int, bitsPerEntry: Int, capacityBytes: Double) -> Double {
    Double(accesses) * Double(bitsPerEntry) / 8 * buffer.picojoulesPerByte(capacityBytes: capacityBytes)
  }

  /// Energy of one multiply-accumulate, in pJ, with `weightBits`-bit weights and
  /// `activationBits`-bit activations: multiply `multiplyPicojoules8Bit * w * a / 64` plus
  /// accumulate `addPicojoules8Bit * max(w, a) / 8`. A 1-bit MAC (XNOR-popcount) is
  /// approximated by the same law.
  public func macEnergy(weightBits: Int, activationBits: Int) -> Double {
    let multiply = multiplyPicojoules8Bit * Double(weightBits) * Double(activationBits) / 64
    let add = addPicojoules8Bit * Double(max(weightBits, activationBits)) / 8
    return multiply + add
  }

  /// Energy of `count` MACs, in pJ.
  public func macEnergy(count: Int, weightBits: Int, activationBits: Int) -> Double {
    Double(count) * macEnergy(weightBits: weightBits, activationBits: activationBits)
  }

  /// Energy of `count` MACs at a layer's precision, in pJ.
  public func macEnergy(count: Int, precision: Precision) -> Double {
    macEnergy(count: count, weightBits: precision.weightBits, activationBits: precision.activationBits)
  }
}
