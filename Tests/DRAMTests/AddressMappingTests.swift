import Testing

@testable import DRAM

// DDR4-2400 x8, rochrababgco: 64-byte bursts drop 6 offset bits; co = log2(1024 / 8) = 7 bits
// (address bits 6-12), bg 2 bits (13-14), ba 2 bits (15-16), ra 1 bit (17), ch 0 bits,
// ro 16 bits (18-33).
@Test func decodesDDR4AddressesByHand() throws {
  let device = try DRAMDevice.named("ddr4-2400-x8")
  let mapping = try AddressMapping("rochrababgco", device: device)
  #expect(mapping.decode(0) == DRAMCoordinates(channel: 0, rank: 0, bankGroup: 0, bank: 0, row: 0, column: 0))
  #expect(mapping.decode(63) == DRAMCoordinates(channel: 0, rank: 0, bankGroup: 0, bank: 0, row: 0, column: 0))
  #expect(mapping.decode(64).column == 8)  // second burst of the row: column 8 (BL8)
  #expect(mapping.decode(0x2000).bankGroup == 1)  // bit 13
  #expect(mapping.decode(0x8000).bank == 1)  // bit 15
  #expect(mapping.decode(0x20000).rank == 1)  // bit 17
  #expect(mapping.decode(0x40000).row == 1)  // bit 18
  // row 5, rank 1, bank 2, bank group 3, burst 100, offset 17 (ignored)
  let address: UInt64 = 5 << 18 | 1 << 17 | 2 << 15 | 3 << 13 | 100 << 6 | 17
  #expect(mapping.decode(address) == DRAMCoordinates(channel: 0, rank: 1, bankGroup: 3, bank: 2, row: 5, column: 800))
  // Bits above the 16 GiB capacity (bit 34 up) wrap.
  #expect(mapping.decode(address | 1 << 34) == mapping.decode(address))
}

// chrobabgraco (DRAMsim3's DDR4 default order): co bits 6-12, ra bit 13, bg 14-15, ba 16-17, ro 18-33.
@Test func decodesAnotherFieldOrder() throws {
  let device = try DRAMDevice.named("ddr4-2400-x8")
  let mapping = try AddressMapping("chrobabgraco", device: device)
  #expect(mapping.decode(0x2000).rank == 1)
  #expect(mapping.decode(0x4000).bankGroup == 1)
  #expect(mapping.decode(0x10000).bank == 1)
  #expect(mapping.decode(0x40000).row == 1)
  #expect(mapping.description == "chrobabgraco")
}

// Permutation-based interleaving: bank group ^= row bits 0-1, bank ^= row bits 2-3.
@Test func xorSchemeFoldsLowRowBitsIntoBanks() throws {
  let device = try DRAMDevice.named("ddr4-2400-x8")
  let mapping = try AddressMapping("xor", device: device)
  #expect(mapping.description == "xor")
  let address: UInt64 = 5 << 18 | 2 << 15 | 3 << 13  // row 5 = 0b0101, bank 2, group 3
  // group 3 ^ (5 & 3 = 1) = 2; bank 2 ^ ((5 >> 2) & 3 = 1) = 3
  #expect(mapping.decode(address) == DRAMCoordinates(channel: 0, rank: 0, bankGroup: 2, bank: 3, row: 5, column: 0))
  // A stride of one row now changes bank group instead of conflicting in one bank.
  #expect(mapping.decode(0).bankGroup == 0 && mapping.decode(1 << 18).bankGroup == 1)
  let other = try AddressMapping("xor:chrobabgraco", device: device)
  #expect(other.description == "xor:chrobabgraco")
}

// LPDDR4 x16 in a 64-bit channel: 128-byte bursts drop 7 bits; co = log2(1024 / 16) = 6 bits
// (7-12), no bank-group bits, ba 3 bits (13-15), ro 15 bits (16-30).
@Test func decodesLPDDR4AddressesByHand() throws {
  let device = try DRAMDevice.named("lpddr4-x16")
  let mapping = try AddressMapping("rochrababgco", device: device)
  #expect(mapping.decode(128).column == 16)
  #expect(mapping.decode(0x2000).bank == 1)
  #expect(mapping.decode(0x10000).row == 1)
  #expect(mapping.decode(0x10000).bankGroup == 0)
}

@Test(arguments: [
  ("rochrababg", "lacks co"), ("rochrababgcox", "two-letter"), ("rochrababgzz", "unknown field 'zz'"),
  ("rorochrababg", "repeated"), ("", "lacks"), ("xor:roch", "lacks"),
])
func badMappingStringsSayWhatIsAccepted(_ text: String, _ says: String) throws {
  let device = try DRAMDevice.named("ddr4-2400-x8")
  do {
    _ = try AddressMapping(text, device: device)
    Issue.record("'\(text)' accepted")
  } catch {
    #expect(error.field == "mapping")
    #expect(error.message.contains(says), "\(error)")
    #expect(error.message.contains("ro, ch, ra, bg, ba, co"), "\(error)")
  }
}
