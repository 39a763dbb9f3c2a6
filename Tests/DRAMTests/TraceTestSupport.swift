import Tiling
import Foundation
import DRAM
import TestSupport

extension SplitMix64 {
  /// A number in `0..<bound` (bound > 0).
  mutating func below(_ bound: UInt64) -> UInt64 { next() % bound }
}

/// Names that stress CSV quoting.
private let names = ["conv1", "layer,with,commas", "say \"hi\"", "", "multi\nline", "crlf\r\nname", "ünïcødé 層", " padded ", "\"", ","]

/// A random record: addresses of random bit widths (including 0 and 2^64-1), cycles up to
/// Int64.max, annotations on about three records in four.
func randomRecord(_ random: inout SplitMix64, maximumAddress: UInt64 = .max) -> TraceRecord {
  let width = random.below(65)
  var address = width == 64 ? random.next() : random.next() & ((1 << width) - 1)
  if random.below(50) == 0 { address = random.below(2) == 0 ? 0 : maximumAddress }
  address = min(address, maximumAddress)
  let cycleWidth = random.below(64)
  let cycle = Int64(truncatingIfNeeded: random.next() & ((1 << cycleWidth) - 1))
  let request = DRAMRequest(address: address, isWrite: random.below(2) == 1, cycle: cycle)
  guard random.below(4) != 0 else { return TraceRecord(request) }
  let bytes = Int(random.below(1 << 20))
  let annotation = TraceAnnotation(
    bytes: bytes, usefulBytes: Int(random.below(UInt64(bytes) + 1)), unit: Int(random.below(1000)),
    layer: names[Int(random.below(UInt64(names.count)))],
    operand: UnitTransfer.Operand.allCases[Int(random.below(UInt64(UnitTransfer.Operand.allCases.count)))],
    tensor: names[Int(random.below(UInt64(names.count)))], tile: Int64(random.below(1 << 40)))
  return TraceRecord(request, annotation: annotation)
}

/// A fresh empty folder under the system's temporary folder.
func makeTemporaryFolder() throws -> URL {
  let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dram-trace-tests-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  return folder
}

/// The names in `folder`.
func contents(_ folder: URL) throws -> [String] {
  try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
}

/// All records of `reader`, or its error.
func readAll(_ reader: TraceReader) throws -> [TraceRecord] {
  var records: [TraceRecord] = []
  try reader.read { records.append($0) }
  return records
}

/// The error description from reading `text` as `format`, or nil when it reads.
func readError(_ text: String, format: TraceFormat?, name: String = "trace.txt") -> String? {
  do {
    _ = try readAll(TraceReader(text: text, name: name, format: format))
    return nil
  } catch {
    return "\(error)"
  }
}
