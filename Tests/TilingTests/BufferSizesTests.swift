import Testing

@testable import Tiling
import Networks

@Suite struct BufferSizesTests {
  @Test func plainNumbersAreEntries() throws {
    #expect(try BufferSizes.parse("65536") == [65536])
    #expect(try BufferSizes.parse(" 1000 ") == [1000])
  }

  @Test func kAndMAreBinaryMultiplesOfEntries() throws {
    #expect(try BufferSizes.parse("64K") == [65536])
    #expect(try BufferSizes.parse("64k") == [65536])
    #expect(try BufferSizes.parse("1M") == [1_048_576])
  }

  @Test func bytesAreConvertedAtTheEntryWidth() throws {
    #expect(try BufferSizes.parse("64KiB", bits: 8) == [65536])
    #expect(try BufferSizes.parse("64KiB", bits: 16) == [32768])
    #expect(try BufferSizes.parse("1MiB", bits: 4) == [2_097_152])
    // 1 KiB of 3-bit entries: 8192 / 3 = 2730.67, rounded down.
    #expect(try BufferSizes.parse("1KiB", bits: 3) == [2730])
  }

  @Test func bytesHoldingNoEntryAreAnError() {
    // 1 KiB = 8192 bits holds no entry of 16384 bits; no width at all holds bytes.
    #expect(throws: BufferSizeError.self) { try BufferSizes.parse("1KiB", bits: 16384) }
    #expect(throws: BufferSizeError.self) { try BufferSizes.parse("1KiB", bits: 0) }
  }

  @Test func aRangeDoubles() throws {
    #expect(try BufferSizes.parse("16K..256K") == [16, 32, 64, 128, 256].map { $0 * 1024 })
    #expect(try BufferSizes.parse("64K..64K") == [65536])
  }

  @Test func aRangeFromANonPowerOfTwoDoublesFromTheStart() throws {
    #expect(try BufferSizes.parse("48K..256K") == [48, 96, 192].map { $0 * 1024 })
    #expect(try BufferSizes.parse("3..24") == [3, 6, 12, 24])
  }

  @Test func aRangeWithAStepIsArithmetic() throws {
    #expect(try BufferSizes.parse("16K..64K/16K") == [16, 32, 48, 64].map { $0 * 1024 })
    #expect(try BufferSizes.parse("10..35/10") == [10, 20, 30])
  }

  @Test func listsMixItemsSortAndDeduplicate() throws {
    #expect(try BufferSizes.parse("96K,64K") == [65536, 98304])
    #expect(try BufferSizes.parse("64K, 16K..64K, 65536") == [16384, 32768, 65536])
    #expect(try BufferSizes.parse("1M,8KiB,100..300/100", bits: 16) == [100, 200, 300, 4096, 1_048_576])
  }

  @Test func theLargestRangesStopAtTheBufferLimit() throws {
    let sizes = try BufferSizes.parse("1..4096M")
    #expect(sizes.count == 33)
    #expect(sizes.last == Limits.bufferEntries)
    #expect(try BufferSizes.parse("\(Limits.bufferEntries - 1)..\(Limits.bufferEntries)/2") == [Limits.bufferEntries - 1])
    for text in ["1..\(Int.max)", "\(Int.max)", "4097M", "\(Limits.bufferEntries + 1)"] {
      #expect(throws: BufferSizeError.self) { try BufferSizes.parse(text) }
    }
    #expect(throws: BufferSizeError.self) { try BufferSizes.parse("64KiB", bits: 33) }
  }

  /// Each malformed value, with the token the message must name.
  @Test(arguments: [
    ("", ""),
    ("   ", ""),
    ("64K,", "64K,"),
    (",64K", ",64K"),
    ("abc", "abc"),
    ("64X", "64X"),
    ("64KB", "64KB"),
    ("1.5K", "1.5K"),
    ("K", "K"),
    ("0", "0"),
    ("0K", "0K"),
    ("-16K", "-16K"),
    ("16K..-1", "16K..-1"),
    ("256K..16K", "256K..16K"),
    ("16K..256K/0", "16K..256K/0"),
    ("16K..256K/-1K", "16K..256K/-1K"),
    ("16K..", "16K.."),
    ("..16K", "..16K"),
    ("1..2..3", "1..2..3"),
    ("1..8/1/2", "1..8/1/2"),
    ("99999999999999999999", "99999999999999999999"),
    ("9999999999999999M", "9999999999999999M"),
    ("1..20000/1", "1..20000/1"),
  ])
  func malformedValuesAreErrorsNamingTheToken(text: String, token: String) {
    do {
      let sizes = try BufferSizes.parse(text)
      Issue.record("'\(text)' parsed as \(sizes)")
    } catch {
      #expect(error.token == token)
      #expect(error.description.contains("'\(token)'"))
      #expect(error.description.contains("accepted:"))
    }
  }

  @Test func moreThanTenThousandSizesAcrossAListAreAnError() throws {
    #expect(try BufferSizes.parse("1..10000/1").count == 10_000)
    #expect(throws: BufferSizeError.self) { try BufferSizes.parse("1..10000/1,20000") }
  }

  @Test func errorsReadAsOneLine() {
    do {
      _ = try BufferSizes.parse("256K..16K")
      Issue.record("parsed")
    } catch {
      #expect(!error.description.contains("\n"))
      #expect(error.description.hasPrefix("buffer sizes: '256K..16K': the start is above the end; accepted:"))
    }
  }
}
