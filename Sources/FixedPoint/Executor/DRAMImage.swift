/// DRAM as the executor sees it: one byte array holding every tensor, one after the other from
/// address 0, each in its layout (CHW activations, [out][in][kh][kw] weights) at its width in
/// bits, packed: element i of a tensor of w bits occupies bits i*w ..< (i+1)*w from the
/// tensor's first byte, least significant bit first, two's complement. So 8-bit tensors are
/// plain bytes, 16-bit ones little-endian pairs, 4-bit ones two per byte.
///
/// Placing a value that does not fit its width is an error naming the tensor and the element: a
/// quantization bug, not something to wrap silently.
package struct DRAMImage: Sendable {
  package struct Placement: Hashable, Sendable {
    /// Byte address of the first element.
    package var address: Int
    package var count: Int
    package var bits: Int

    package var byteCount: Int { (count * bits + 7) / 8 }
  }

  package private(set) var bytes: [UInt8] = []
  package private(set) var placements: [String: Placement] = [:]

  package init() {}

  /// Appends a tensor at the next free byte.
  package mutating func place(_ name: String, _ values: [Int32], bits: Int) throws(FixedPointError) {
    guard placements[name] == nil else { throw FixedPointError("DRAM already holds '\(name)'") }
    let encoded = try Self.encode(values, bits: bits, tensor: name)
    placements[name] = Placement(address: bytes.count, count: values.count, bits: bits)
    bytes += encoded
  }

  /// A tensor's elements, sign-extended; nil when it is not in DRAM.
  package func read(_ name: String) -> [Int32]? {
    guard let placement = placements[name] else { return nil }
    return Self.decode(bytes[placement.address..<(placement.address + placement.byteCount)], count: placement.count, bits: placement.bits)
  }

  /// `values` packed at `bits` each (1...32).
  package static func encode(_ values: [Int32], bits: Int, tensor: String) throws(FixedPointError) -> [UInt8] {
    guard (1...32).contains(bits) else { throw FixedPointError("'\(tensor)': \(bits)-bit elements, expected 1 to 32") }
    let low = bits == 32 ? Int64(Int32.min) : -(Int64(1) << (bits - 1))
    let high = bits == 32 ? Int64(Int32.max) : (Int64(1) << (bits - 1)) - 1
    if let index = values.firstIndex(where: { Int64($0) < low || Int64($0) > high }) {
      throw FixedPointError("'\(tensor)': element \(index) is \(values[index]), which does not fit \(bits) bits")
    }
    var bytes = [UInt8](repeating: 0, count: (values.count * bits + 7) / 8)
    switch bits {
    case 8:
      for (index, value) in values.enumerated() { bytes[index] = UInt8(truncatingIfNeeded: value) }
    case 16:
      for (index, value) in values.enumerated() {
        bytes[2 * index] = UInt8(truncatingIfNeeded: value)
        bytes[2 * index + 1] = UInt8(truncatingIfNeeded: value >> 8)
      }
    default:
      let mask = bits == 32 ? UInt64(UInt32.max) : (UInt64(1) << bits) - 1
      for (index, value) in values.enumerated() {
        var field = UInt64(UInt32(bitPattern: value)) & mask
        var bit = index * bits
        var remaining = bits
        while remaining > 0 {
          let offset = bit % 8
          let taken = min(8 - offset, remaining)
          bytes[bit / 8] |= UInt8(truncatingIfNeeded: (field & ((1 << taken) - 1)) << offset)
          field >>= taken
          bit += taken
          remaining -= taken
        }
      }
    }
    return bytes
  }

  /// `count` elements of `bits` each from packed bytes, sign-extended.
  package static func decode(_ bytes: ArraySlice<UInt8>, count: Int, bits: Int) -> [Int32] {
    let base = bytes.startIndex
    switch bits {
    case 8:
      return bytes.prefix(count).map { Int32(Int8(bitPattern: $0)) }
    case 16:
      return (0..<count).map { index in
        Int32(Int16(bitPattern: UInt16(bytes[base + 2 * index]) | UInt16(bytes[base + 2 * index + 1]) << 8))
      }
    default:
      return (0..<count).map { index in
        var field: UInt64 = 0
        var bit = index * bits
        var filled = 0
        while filled < bits {
          let offset = bit % 8
          let taken = min(8 - offset, bits - filled)
          field |= UInt64((bytes[base + bit / 8] >> offset) & UInt8(truncatingIfNeeded: (1 << taken) - 1)) << filled
          filled += taken
          bit += taken
        }
        // Sign-extend from `bits`.
        let shift = 64 - bits
        return Int32(truncatingIfNeeded: Int64(bitPattern: field << shift) >> shift)
      }
    }
  }
}
