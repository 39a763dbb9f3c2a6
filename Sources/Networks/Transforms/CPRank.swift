/// The rank of a CP decomposition: the width of the 1x1 bottleneck the factors share.
public enum CPRank: Hashable, Sendable, CustomStringConvertible {
  /// A fixed rank, at least 1.
  case absolute(Int)
  /// A fraction (0 < f <= 1) of the smaller of the layer's input and output channel counts,
  /// so one setting scales across layers of different widths.
  case fraction(Double)

  /// Parses `64` as an absolute rank and `0.5` (anything with a decimal point) as a fraction;
  /// nil when the text is neither or out of range.
  public init?(parsing text: String) {
    if let value = Int(text) {
      guard value >= 1 else { return nil }
      self = .absolute(value)
    } else if let value = Double(text), value.isFinite, value > 0, value <= 1 {
      self = .fraction(value)
    } else {
      return nil
    }
  }

  /// What a rank may be, for error messages.
  public static let accepted = "an integer rank >= 1 (e.g. 64) or a fraction 0 < f <= 1 of min(Cin, Cout) (e.g. 0.5)"

  /// Checks a rank built in code rather than parsed.
  func validate(layer: String?, field: String) throws(NetworkError) {
    let valid: Bool
    switch self {
    case .absolute(let rank): valid = rank >= 1
    case .fraction(let fraction): valid = fraction.isFinite && fraction > 0 && fraction <= 1
    }
    guard valid else {
      throw NetworkError("rank \(self) is out of range; expected \(Self.accepted)", layer: layer, field: field)
    }
  }

  /// The rank for a layer with these channel counts: a fraction is rounded to nearest, at least 1.
  public func resolve(inputChannels: Int, outputChannels: Int) -> Int {
    switch self {
    case .absolute(let rank):
      return rank
    case .fraction(let fraction):
      let scaled = (Double(min(inputChannels, outputChannels)) * fraction).rounded(.toNearestOrAwayFromZero)
      return max(1, Int(scaled))
    }
  }

  public var description: String {
    switch self {
    case .absolute(let rank): return "\(rank)"
    case .fraction(let fraction): return "\(fraction)"
    }
  }
}
