/// How a schedule divides the buffer: entries per region, in a fixed order. Every region is
/// its own (a static split), so the footprint is their sum.
public struct BufferSplit: Hashable, Sendable, Codable, CustomStringConvertible {
  public struct Region: Hashable, Sendable, Codable {
    public var name: String
    public var entries: Int
  }

  public var regions: [Region]

  public init(_ regions: [(String, Int)]) {
    self.regions = regions.filter { $0.1 > 0 }.map { Region(name: $0.0, entries: $0.1) }
  }

  public static let empty = BufferSplit([])

  public var total: Int { regions.reduce(0) { $0 + $1.entries } }

  /// `input 1024 + weights 288 + psums 512`, regions that add up to the same name merged.
  public var description: String {
    var merged: [(name: String, entries: Int)] = []
    for region in regions {
      if let index = merged.firstIndex(where: { $0.name == region.name }) {
        merged[index].entries += region.entries
      } else {
        merged.append((region.name, region.entries))
      }
    }
    return merged.isEmpty ? "none" : merged.map { "\($0.name) \($0.entries)" }.joined(separator: " + ")
  }
}
