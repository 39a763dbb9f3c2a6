import TestSupport
import Testing

@testable import FixedPoint

/// DRAM as a byte array: tensors packed at their widths, one after the other, read back exactly.
@Suite struct DRAMImageTests {
  @Test func packedLayouts() throws {
    #expect(try DRAMImage.encode([1, -1, 7, -8], bits: 4, tensor: "t") == [0xF1, 0x87])
    #expect(try DRAMImage.encode([-2, 300], bits: 16, tensor: "t") == [0xFE, 0xFF, 0x2C, 0x01])
    #expect(try DRAMImage.encode([-128, 127, 5], bits: 8, tensor: "t") == [0x80, 0x7F, 0x05])
    // 3-bit fields straddle bytes: 0b011, 0b101 (-3), 0b111 (-1): bits 011 101 11|1 -> 0xEB, 0x01.
    #expect(try DRAMImage.encode([3, -3, -1], bits: 3, tensor: "t") == [0b1110_1011, 0b0000_0001])
  }

  @Test func everyWidthRoundTrips() throws {
    var random = SplitMix64(seed: 0xD7A)
    for bits in 1...32 {
      let low = bits == 32 ? Int64(Int32.min) : -(Int64(1) << (bits - 1))
      let high = bits == 32 ? Int64(Int32.max) : (Int64(1) << (bits - 1)) - 1
      let values = (0..<Int.random(in: 1...50, using: &random)).map { _ in Int32(Int64.random(in: low...high, using: &random)) }
      let bytes = try DRAMImage.encode(values, bits: bits, tensor: "t")
      #expect(bytes.count == (values.count * bits + 7) / 8)
      #expect(DRAMImage.decode(bytes[...], count: values.count, bits: bits) == values, "\(bits) bits")
    }
  }

  @Test func tensorsFollowOneAnother() throws {
    var dram = DRAMImage()
    try dram.place("input", [1, 2, 3], bits: 8)
    try dram.place("weights", [-1, 0, 1], bits: 4)
    try dram.place("output", [1000, -1000], bits: 16)
    #expect(dram.placements["weights"]?.address == 3)
    #expect(dram.placements["output"]?.address == 5)
    #expect(dram.bytes.count == 9)
    #expect(dram.read("weights") == [-1, 0, 1])
    #expect(dram.read("output") == [1000, -1000])
    #expect(dram.read("missing") == nil)
  }

  @Test func valuesThatDoNotFitAreErrors() {
    #expect(throws: FixedPointError("'conv1': element 1 is 128, which does not fit 8 bits")) {
      try DRAMImage.encode([0, 128], bits: 8, tensor: "conv1")
    }
    var dram = DRAMImage()
    #expect(throws: FixedPointError.self) { try dram.place("x", [0], bits: 0) }
    #expect(throws: FixedPointError("DRAM already holds 'x'")) {
      try dram.place("x", [0], bits: 8)
      try dram.place("x", [0], bits: 8)
    }
  }
}
