/// Where one burst lives: channel, rank, bank group, bank (within its group), row and column
/// (the column of the burst's first beat, a multiple of the burst length).
public struct DRAMCoordinates: Hashable, Sendable, Codable {
  /// Channel index.
  public var channel: Int
  /// Rank index within the channel.
  public var rank: Int
  /// Bank group index within the rank.
  public var bankGroup: Int
  /// Bank index within the bank group.
  public var bank: Int
  /// Row index within the bank.
  public var row: Int64
  /// Column of the burst's first beat (burst index x burst length).
  public var column: Int

  /// Coordinates from their parts.
  public init(channel: Int, rank: Int, bankGroup: Int, bank: Int, row: Int64, column: Int) {
    self.channel = channel
    self.rank = rank
    self.bankGroup = bankGroup
    self.bank = bank
    self.row = row
    self.column = column
  }
}

/// One field of an address mapping, spelled with two letters as DRAMsim3 and Ramulator do.
public enum AddressField: String, CaseIterable, Sendable, Codable {
  /// `ro`: row.
  case row = "ro"
  /// `ch`: channel.
  case channel = "ch"
  /// `ra`: rank.
  case rank = "ra"
  /// `bg`: bank group.
  case bankGroup = "bg"
  /// `ba`: bank within its group.
  case bank = "ba"
  /// `co`: column (burst index within the row).
  case column = "co"
}

/// How byte addresses map to DRAM coordinates: the fields from most to least significant bit,
/// above the log2(bytes per burst) offset bits that are dropped; the column field has
/// log2(columns / burst length) bits. With `xorBanks`, bank group and bank are XORed with the
/// low row bits (permutation-based page interleaving, Zhang, Zhu and Zhang, MICRO 2000).
/// Address bits above the device's capacity are ignored (addresses wrap).
public struct AddressMapping: Hashable, Sendable, Codable, CustomStringConvertible {
  /// The fields, most significant first.
  public var order: [AddressField]
  /// Whether bank-group and bank bits are XORed with the low row bits.
  public var xorBanks: Bool
  /// Offset bits dropped below the fields: log2(bytes per burst).
  public let offsetBits: Int
  /// Beats per burst: a column index is the burst index times this.
  public let burstLength: Int
  let slices: AddressSlices

  /// The default field order, `rochrababgco`.
  public static let defaultOrder = "rochrababgco"

  /// Accepted spellings, for error messages.
  public static let accepted =
    "a field order of the six two-letter fields ro, ch, ra, bg, ba, co, each once, most significant first (e.g. rochrababgco), or 'xor' (rochrababgco with bank and bank-group bits XORed with the low row bits), or 'xor:' followed by a field order"

  /// A mapping from its text: a field order (`rochrababgco`), `xor`, or `xor:ORDER`.
  public init(_ text: String, device: DRAMDevice) throws(DRAMError) {
    var orderText = text
    var xor = false
    if text == "xor" {
      orderText = Self.defaultOrder
      xor = true
    } else if text.hasPrefix("xor:") {
      orderText = String(text.dropFirst(4))
      xor = true
    }
    let characters = Array(orderText)
    guard characters.count % 2 == 0 else {
      throw DRAMError("'\(text.prefix(60))' is not a list of two-letter fields; expected \(Self.accepted)", field: "mapping")
    }
    var fields: [AddressField] = []
    for index in stride(from: 0, to: characters.count, by: 2) {
      let word = String(characters[index..<index + 2])
      guard let field = AddressField(rawValue: word) else {
        throw DRAMError("unknown field '\(word)' in '\(text.prefix(60))'; expected \(Self.accepted)", field: "mapping")
      }
      guard !fields.contains(field) else {
        throw DRAMError("field '\(word)' repeated in '\(text.prefix(60))'; expected \(Self.accepted)", field: "mapping")
      }
      fields.append(field)
    }
    let missing = AddressField.allCases.filter { !fields.contains($0) }
    guard missing.isEmpty else {
      throw DRAMError(
        "'\(text.prefix(60))' lacks \(missing.map(\.rawValue).joined(separator: ", ")); expected \(Self.accepted)",
        field: "mapping")
    }
    let o = device.organization
    order = fields
    xorBanks = xor
    offsetBits = o.bytesPerBurst.log2
    burstLength = o.burstLength
    var slices = AddressSlices()
    var shift = offsetBits
    for field in fields.reversed() {
      switch field {
      case .row: slices.row = AddressSlice(shift: shift, width: o.rows.log2)
      case .channel: slices.channel = AddressSlice(shift: shift, width: o.channels.log2)
      case .rank: slices.rank = AddressSlice(shift: shift, width: o.ranks.log2)
      case .bankGroup: slices.bankGroup = AddressSlice(shift: shift, width: o.bankGroups.log2)
      case .bank: slices.bank = AddressSlice(shift: shift, width: o.banksPerGroup.log2)
      case .column: slices.column = AddressSlice(shift: shift, width: o.burstsPerRow.log2)
      }
      shift += Self.width(field, o)
    }
    self.slices = slices
  }

  static func width(_ field: AddressField, _ o: DRAMOrganization) -> Int {
    switch field {
    case .row: o.rows.log2
    case .channel: o.channels.log2
    case .rank: o.ranks.log2
    case .bankGroup: o.bankGroups.log2
    case .bank: o.banksPerGroup.log2
    case .column: o.burstsPerRow.log2
    }
  }

  /// The mapping as its text (`rochrababgco`, `xor`, `xor:corochrababg`).
  public var description: String {
    let orderText = order.map(\.rawValue).joined()
    guard xorBanks else { return orderText }
    return orderText == Self.defaultOrder ? "xor" : "xor:\(orderText)"
  }

  /// The coordinates of the burst holding byte `address`.
  public func decode(_ address: UInt64) -> DRAMCoordinates {
    let row = slices.row.take(address)
    var bankGroup = slices.bankGroup.take(address)
    var bank = slices.bank.take(address)
    if xorBanks {
      bankGroup ^= row & slices.bankGroup.mask
      bank ^= (row >> UInt64(slices.bankGroup.width)) & slices.bank.mask
    }
    return DRAMCoordinates(
      channel: Int(slices.channel.take(address)), rank: Int(slices.rank.take(address)), bankGroup: Int(bankGroup),
      bank: Int(bank), row: Int64(row), column: Int(slices.column.take(address)) * burstLength)
  }
}

/// Where one field sits in a byte address: `width` bits from bit `shift`.
struct AddressSlice: Hashable, Sendable, Codable {
  var shift: Int
  var width: Int
  var mask: UInt64 { width == 0 ? 0 : (UInt64.max >> UInt64(64 - width)) }
  func take(_ address: UInt64) -> UInt64 { width == 0 || shift >= 64 ? 0 : (address >> UInt64(shift)) & mask }
}

/// The bit positions of the six fields of a mapping.
struct AddressSlices: Hashable, Sendable, Codable {
  var row = AddressSlice(shift: 0, width: 0)
  var channel = AddressSlice(shift: 0, width: 0)
  var rank = AddressSlice(shift: 0, width: 0)
  var bankGroup = AddressSlice(shift: 0, width: 0)
  var bank = AddressSlice(shift: 0, width: 0)
  var column = AddressSlice(shift: 0, width: 0)
}
