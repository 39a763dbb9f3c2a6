import Foundation
import Networks
import Testing

@Suite struct SHA256Tests {
  /// The digests FIPS 180-4's examples give, and one across many blocks.
  @Test func standardVectors() {
    #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(
      SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
        == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    #expect(
      SHA256.hex(Array(repeating: UInt8(ascii: "a"), count: 1_000_000))
        == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
  }

  /// Equal to coreutils' sha256sum on seeded random files of every length around the block and
  /// padding boundaries (55, 56, 63, 64, 65 bytes and more).
  @Test func agreesWithSha256sum() throws {
    var state: UInt64 = 7
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dse-sha256-\(getpid())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    for length in [1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000, 4097] {
      let bytes = (0..<length).map { _ -> UInt8 in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return UInt8(truncatingIfNeeded: state >> 33)
      }
      let file = folder.appendingPathComponent("\(length).bin")
      try Data(bytes).write(to: file)
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
      process.arguments = [file.path]
      let pipe = Pipe()
      process.standardOutput = pipe
      try process.run()
      let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      process.waitUntilExit()
      #expect(SHA256.hex(bytes) == output.split(separator: " ").first.map(String.init), "\(length) bytes")
    }
  }
}
