/// The header of a Darknet `.weights` file: int32 major, minor, revision (little-endian), then
/// `seen`, the number of training images, as a uint64 or a uint32 depending on the version.
///
/// Width of `seen`, after pjreddie/darknet src/parser.c `load_weights_upto`: 8 bytes when
/// (major * 10 + minor) >= 2 and major < 1000 and minor < 1000, else 4 (files from before
/// version 0.2; pjreddie's published yolov3 weights are 0.2.0, so 8). AlexeyAB/darknet drops
/// the `< 1000` guards, which differs only for "transposed" files (major or minor > 1000);
/// this reader follows pjreddie there, since such files predate the fork.
package struct DarknetWeightsHeader: Hashable, Sendable {
  package var major: Int32
  package var minor: Int32
  package var revision: Int32
  package var seen: UInt64

  package init(major: Int32, minor: Int32, revision: Int32, seen: UInt64 = 0) {
    self.major = major
    self.minor = minor
    self.revision = revision
    self.seen = seen
  }

  /// Whether `seen` takes 8 bytes (else 4).
  package var hasWideSeen: Bool { (Int(major) * 10 + Int(minor)) >= 2 && major < 1000 && minor < 1000 }
  /// Header bytes before the first layer: 20 or 16.
  package var byteCount: Int { 12 + (hasWideSeen ? 8 : 4) }
  /// Darknet's `transpose` flag: connected weights stored [input][output] instead of [output][input].
  package var transposesConnected: Bool { major > 1000 || minor > 1000 }

  /// Parses the header at the start of `bytes`.
  static func read(_ bytes: [UInt8], file: String) throws(DarknetWeightsError) -> DarknetWeightsHeader {
    func int32(at offset: Int) -> UInt32 {
      (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << UInt32(8 * $1) }
    }
    guard bytes.count >= 12 else {
      throw .unsupportedHeader(file: file, reason: "\(bytes.count) bytes, fewer than the 12 of major, minor, revision")
    }
    var header = DarknetWeightsHeader(
      major: Int32(bitPattern: int32(at: 0)), minor: Int32(bitPattern: int32(at: 4)),
      revision: Int32(bitPattern: int32(at: 8)))
    guard header.major >= 0, header.minor >= 0, header.revision >= 0 else {
      throw .unsupportedHeader(
        file: file,
        reason: "version \(header.major).\(header.minor).\(header.revision) is negative: not a Darknet weights file")
    }
    guard bytes.count >= header.byteCount else {
      throw .unsupportedHeader(
        file: file,
        reason:
          "version \(header.major).\(header.minor) needs a \(header.byteCount)-byte header, "
          + "the file has \(bytes.count) bytes")
    }
    let low = UInt64(int32(at: 12))
    header.seen = header.hasWideSeen ? low | UInt64(int32(at: 16)) << 32 : low
    return header
  }
}
