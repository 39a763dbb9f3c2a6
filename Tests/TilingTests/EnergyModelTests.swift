import Foundation
import Networks
import Testing

@testable import Tiling

@Suite struct EnergyModelTests {
  let model = EnergyModel.default

  // MARK: Energy functions

  @Test func defaultsAreHorowitz45nm() {
    #expect(model.dramPicojoulesPerByte == 243.75)
    #expect(model.buffer == .squareRootOfCapacity(picojoulesPerByte: 1.25, referenceBytes: 8192))
    #expect(model.multiplyPicojoules8Bit == 0.2)
    #expect(model.addPicojoules8Bit == 0.03)
  }

  @Test func dramEnergyFollowsTheBitWidthOfEachOperand() {
    let traffic = Traffic(inputReads: 100, weightReads: 50, outputWrites: 10, psumReads: 4, psumWrites: 6)
    let bits = OperandBits(input: 8, weight: 4, output: 16, psumWidth: 2)
    #expect(bits.psum == 32)
    // 100*8 + 50*4 + 10*16 + 10*32 = 800 + 200 + 160 + 320 = 1480 bits = 185 bytes.
    #expect(bits.bytes(of: traffic) == 185)
    #expect(model.dramEnergy(of: traffic, bits: bits) == 185 * 243.75)
  }

  @Test func anExplicitPsumWidthOverridesOutputTimesPsumWidth() {
    #expect(OperandBits(input: 8, weight: 8, output: 8, psum: 24, psumWidth: 4).psum == 24)
    #expect(OperandBits(input: 8, weight: 8, output: 8).psum == 8)
  }

  @Test func operandBitsFollowALayersPrecision() {
    let bits = OperandBits(precision: Precision(weightBits: 4, activationBits: 8), inputBits: 16, psumWidth: 3)
    #expect(bits == OperandBits(input: 16, weight: 4, output: 8, psum: 24))
    #expect(OperandBits(precision: .int8) == .int8)
  }

  @Test func eightBitTrafficCostsOneBytePerEntry() {
    let traffic = Traffic(inputReads: 1000, weightReads: 1000, outputWrites: 1000)
    #expect(model.dramEnergy(of: traffic, bits: .int8) == 3000 * 243.75)
    #expect(model.dramEnergy(of: .zero, bits: .int8) == 0)
  }

  @Test func bufferEnergyMeetsHorowitzsSRAMFigures() {
    // Per 64-bit (8-byte) access: 8 KB 10 pJ, 32 KB 20 pJ; 1 MB 100 pJ measured, 113 by the law.
    #expect(model.bufferEnergy(accesses: 1, bitsPerEntry: 64, capacityBytes: 8192) == 10)
    #expect(model.bufferEnergy(accesses: 1, bitsPerEntry: 64, capacityBytes: 32768) == 20)
    let oneMegabyte = model.bufferEnergy(accesses: 1, bitsPerEntry: 64, capacityBytes: 1_048_576)
    #expect(abs(oneMegabyte - 113.137) < 0.001)
    #expect(abs(oneMegabyte - 100) / 100 < 0.15)
  }

  @Test func bufferEnergyOfATallyUsesEachOperandsWidth() {
    let accesses = Traffic(inputReads: 10, weightReads: 20, outputWrites: 5)
    let bits = OperandBits(input: 8, weight: 16, output: 8)
    // (80 + 320 + 40) bits = 55 bytes at 64 KiB: 1.25 * sqrt(8) pJ/byte.
    let expected = 55 * 1.25 * Double(8).squareRoot()
    #expect(abs(model.bufferEnergy(of: accesses, bits: bits, capacityBytes: 65536) - expected) < 1e-9)
  }

  @Test func aConstantBufferIgnoresCapacity() {
    let constant = EnergyModel(buffer: .constant(picojoulesPerByte: 3))
    #expect(constant.bufferEnergy(accesses: 4, bitsPerEntry: 8, capacityBytes: 1) == 12)
    #expect(constant.bufferEnergy(accesses: 4, bitsPerEntry: 8, capacityBytes: 1e9) == 12)
  }

  @Test func macEnergyScalesWithBitWidths() {
    #expect(abs(model.macEnergy(weightBits: 8, activationBits: 8) - 0.23) < 1e-12)
    #expect(abs(model.macEnergy(weightBits: 16, activationBits: 16) - 0.86) < 1e-12)
    // Horowitz's 32-bit multiply is 3.1 pJ; the quadratic law gives 3.2.
    let multiply32 = model.macEnergy(weightBits: 32, activationBits: 32) - 0.03 * 4
    #expect(abs(multiply32 - 3.2) < 1e-12)
    #expect(abs(model.macEnergy(weightBits: 4, activationBits: 8) - (0.1 + 0.03)) < 1e-12)
    #expect(abs(model.macEnergy(count: 1000, precision: .int8) - 230) < 1e-9)
    #expect(model.macEnergy(weightBits: 1, activationBits: 1) < model.macEnergy(weightBits: 2, activationBits: 2))
  }

  /// The ordering Eyeriss (ISCA 2016, Table IV) reports: DRAM far above a buffer access, a
  /// large buffer access above a MAC.
  @Test func theOrderingMatchesEyeriss() {
    let mac = model.macEnergy(weightBits: 16, activationBits: 16)
    let dram = model.dramEnergy(of: Traffic(inputReads: 1), bits: OperandBits(input: 16, weight: 16, output: 16))
    let buffer = model.bufferEnergy(accesses: 1, bitsPerEntry: 16, capacityBytes: 131_072)
    #expect(dram / mac > 200)
    #expect(buffer / mac > 6)
    #expect(dram / buffer > 30)
  }

  @Test func theModelIsCodable() throws {
    for model in [EnergyModel.default, EnergyModel(buffer: .constant(picojoulesPerByte: 2))] {
      let data = try JSONEncoder().encode(model)
      #expect(try JSONDecoder().decode(EnergyModel.self, from: data) == model)
    }
  }

  // MARK: Architecture file

  static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  @Test func theShippedDefaultFileIsTheDefault() throws {
    let url = Self.repositoryRoot.appendingPathComponent("arch/default.yaml")
    let text = try String(contentsOf: url, encoding: .utf8)
    #expect(try Architecture.read(yaml: text, file: "arch/default.yaml") == .default)
  }

  @Test func theDefaultArchitecture() {
    let architecture = Architecture.default
    #expect(architecture.energy == .default)
    #expect(architecture.dramBandwidthBytesPerCycle == 8)
    #expect(architecture.macArray == Architecture.MACArray(rows: 12, columns: 14))
    #expect(architecture.macArray.macsPerCycle == 168)
  }

  @Test func writtenArchitecturesReadBack() throws {
    let custom = Architecture(
      energy: EnergyModel(
        dramPicojoulesPerByte: 100.5, buffer: .constant(picojoulesPerByte: 0.75), multiplyPicojoules8Bit: 0,
        addPicojoules8Bit: 0.01),
      dramBandwidthBytesPerCycle: 32, macArray: .init(rows: 256, columns: 256))
    for architecture in [Architecture.default, custom] {
      #expect(try Architecture.read(yaml: architecture.yaml, file: "written.yaml") == architecture)
    }
  }

  @Test func missingKeysTakeTheirDefaults() throws {
    let text = """
      dram:
        pj_per_byte: 160
      mac:
        array: {rows: 32}
      """
    let architecture = try Architecture.read(yaml: text, file: "a.yaml")
    var expected = Architecture.default
    expected.energy.dramPicojoulesPerByte = 160
    expected.macArray.rows = 32
    #expect(architecture == expected)
  }

  @Test func anEmptyMappingIsTheDefaultAndExponentsAreNumbers() throws {
    #expect(try Architecture.read(yaml: "{}\n", file: "a.yaml") == .default)
    #expect(try Architecture.read(yaml: "dram: {pj_per_byte: 1e3}\n", file: "a.yaml").energy.dramPicojoulesPerByte == 1000)
  }

  @Test func aConstantBufferModel() throws {
    let text = "buffer: {model: constant, pj_per_byte: 2}\n"
    #expect(try Architecture.read(yaml: text, file: "a.yaml").energy.buffer == .constant(picojoulesPerByte: 2))
    let scaled = "buffer: {pj_per_byte: 2, reference_bytes: 1024}\n"
    #expect(
      try Architecture.read(yaml: scaled, file: "a.yaml").energy.buffer
        == .squareRootOfCapacity(picojoulesPerByte: 2, referenceBytes: 1024))
  }

  @Test func zeroEnergiesAreAccepted() throws {
    let text = "mac: {multiply_pj_8bit: 0, add_pj_8bit: 0.0}\n"
    let architecture = try Architecture.read(yaml: text, file: "a.yaml")
    #expect(architecture.energy.macEnergy(count: 1000, precision: .int8) == 0)
  }

  /// Reads `text` expecting an error; returns its one-line description.
  func failure(_ text: String) -> String {
    do {
      let architecture = try Architecture.read(yaml: text, file: "arch.yaml")
      Issue.record("read \(architecture)")
      return ""
    } catch {
      #expect(!error.description.contains("\n"), "\(error)")
      return error.description
    }
  }

  @Test func anUnknownTopLevelKey() {
    let message = failure("dram: {pj_per_byte: 1}\nsram: {pj_per_byte: 1}\n")
    #expect(message.hasPrefix("arch.yaml:2: field 'sram': unknown key"))
    #expect(message.contains("accepted keys: dram, buffer, mac"))
  }

  @Test func anUnknownNestedKey() {
    let message = failure("mac:\n  array:\n    rows: 4\n    columns: 4\n")
    #expect(message.hasPrefix("arch.yaml:4: field 'mac.array.columns': unknown key"))
    #expect(message.contains("accepted keys: rows, cols"))
  }

  @Test func aDuplicateKey() {
    let message = failure("dram:\n  pj_per_byte: 1\n  pj_per_byte: 2\n")
    #expect(message.hasPrefix("arch.yaml:"))
    #expect(message.contains("'pj_per_byte'"))
    #expect(message.contains("duplicate"))
  }

  @Test func aWordWhereANumberBelongs() {
    let message = failure("dram:\n  pj_per_byte: lots\n")
    #expect(message == "arch.yaml:2: field 'dram.pj_per_byte': expected a number at least 0 and at most 1000000000, found 'lots'")
  }

  @Test func aListWhereANumberBelongs() {
    let message = failure("mac:\n  add_pj_8bit: [1, 2]\n")
    #expect(message == "arch.yaml:2: field 'mac.add_pj_8bit': expected a number at least 0 and at most 1000000000, found a list")
  }

  @Test func aNumberWhereASectionBelongs() {
    let message = failure("buffer: 5\n")
    #expect(message.hasPrefix("arch.yaml:1: field 'buffer': expected a mapping with keys model, pj_per_byte, reference_bytes"))
  }

  @Test func aNegativeEnergy() {
    let message = failure("buffer:\n  pj_per_byte: -1.5\n")
    #expect(message == "arch.yaml:2: field 'buffer.pj_per_byte': expected a number at least 0 and at most 1000000000, found -1.5")
  }

  @Test func aZeroBandwidth() {
    let message = failure("dram:\n  bandwidth_bytes_per_cycle: 0\n")
    #expect(message == "arch.yaml:2: field 'dram.bandwidth_bytes_per_cycle': expected a number greater than 0 and at most 1000000000, found 0")
  }

  @Test func aNegativeBandwidth() {
    let message = failure("dram: {bandwidth_bytes_per_cycle: -8}\n")
    #expect(message.hasPrefix("arch.yaml:1: field 'dram.bandwidth_bytes_per_cycle': expected a number greater than 0"))
  }

  @Test func notANumber() {
    #expect(failure("dram: {pj_per_byte: .nan}\n").contains("field 'dram.pj_per_byte': expected a number"))
    #expect(failure("dram: {pj_per_byte: inf}\n").contains("field 'dram.pj_per_byte': expected a number"))
  }

  /// Numbers past 10^9 would make energies infinite (a DRAM energy of 1e308 pJ per byte once
  /// trapped the sweep's summary).
  @Test func hugeValuesAreRefused() {
    #expect(failure("dram: {pj_per_byte: 1e308}\n").contains("field 'dram.pj_per_byte': expected a number at least 0 and at most 1000000000, found 1e308"))
    #expect(failure("mac:\n  array: {rows: 99999999999, cols: 14}\n").contains("expected an integer from 1 to 1,000,000,000"))
  }

  @Test func aFractionalArraySize() {
    let message = failure("mac:\n  array: {rows: 12.5, cols: 14}\n")
    #expect(message.hasPrefix("arch.yaml:2: field 'mac.array.rows': expected an integer from 1 to 1,000,000,000"))
  }

  @Test func aZeroArraySize() {
    let message = failure("mac:\n  array:\n    rows: 12\n    cols: 0\n")
    #expect(message == "arch.yaml:4: field 'mac.array.cols': expected an integer from 1 to 1,000,000,000, found '0'")
  }

  @Test func aZeroReferenceCapacity() {
    let message = failure("buffer: {reference_bytes: 0}\n")
    #expect(message.hasPrefix("arch.yaml:1: field 'buffer.reference_bytes': expected an integer from 1 to 1,000,000,000"))
  }

  @Test func anUnknownBufferModel() {
    let message = failure("buffer:\n  model: cacti\n")
    #expect(message == "arch.yaml:2: field 'buffer.model': expected sqrt_capacity or constant, found 'cacti'")
  }

  @Test func aReferenceCapacityForAConstantBuffer() {
    let message = failure("buffer:\n  model: constant\n  reference_bytes: 8192\n")
    #expect(message.hasPrefix("arch.yaml:3: field 'buffer.reference_bytes': applies only to model sqrt_capacity"))
  }

  @Test func malformedYAML() {
    let message = failure("dram: {pj_per_byte: 1\n")
    #expect(message.hasPrefix("arch.yaml:"))
    #expect(message.contains("malformed YAML"))
  }

  @Test func anEmptyFile() {
    #expect(failure("").hasPrefix("arch.yaml: the file is empty"))
    #expect(failure("# only a comment\n").hasPrefix("arch.yaml: the file is empty"))
  }

  @Test func aListAtTheTop() {
    let message = failure("- dram\n- mac\n")
    #expect(message.hasPrefix("arch.yaml:1: an architecture file must be a mapping"))
  }
}
