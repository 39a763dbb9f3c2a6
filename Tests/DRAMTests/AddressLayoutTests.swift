import Testing
import Tiling

@testable import DRAM

/// Address layouts, runs and bursts on tensors small enough to lay out by hand.
@Suite struct AddressLayoutTests {
  /// a: 2x3x4 8-bit activations (24 bytes); w: 2x2x1x1 8-bit weights (4 bytes); p: 1x1x5 4-bit (3 bytes).
  static let tensors = [
    DRAMTensor(name: "a", role: .activations, extents: [2, 3, 4], bitsPerEntry: 8),
    DRAMTensor(name: "w", role: .weights, extents: [2, 2, 1, 1], bitsPerEntry: 8),
    DRAMTensor(name: "a", role: .activations, extents: [2, 3, 4], bitsPerEntry: 8),
    DRAMTensor(name: "p", role: .activations, extents: [1, 1, 5], bitsPerEntry: 4),
  ]

  @Test func tensorsAreAlignedInFirstNamedOrder() throws {
    let layout = try AddressLayout(tensors: Self.tensors, alignment: 64)
    #expect(layout.placements.map(\.tensor.name) == ["a", "w", "p"])
    #expect(layout.placements.map(\.address) == [0, 64, 128])
    #expect(layout.endAddress == 131)
    let clash = DRAMTensor(name: "a", role: .activations, extents: [2, 3, 4], bitsPerEntry: 16)
    #expect(throws: DRAMError.self) { try AddressLayout(tensors: Self.tensors + [clash]) }
    #expect(throws: DRAMError.self) { try AddressLayout(tensors: Self.tensors, alignment: 48) }
  }

  /// An alignment (or base) that carries the addresses past 2^48 bytes is an error naming the
  /// tensor and the alignment, not an overflow trap (the fuzzer's `--align 2^62`).
  @Test func addressesBeyondTheLimitAreAnError() throws {
    for alignment in [1 << 62, 1 << 48] {
      #expect {
        try AddressLayout(tensors: Self.tensors, alignment: alignment)
      } throws: { error in
        let error = error as? DRAMError
        return error?.field == "alignment" && error?.message.contains("tensor 'w' would end above 2^48 bytes") == true
      }
    }
    #expect(throws: DRAMError.self) { try AddressLayout(tensors: Self.tensors, base: AddressLayout.addressLimit - 8) }
    let highest = try AddressLayout(tensors: Self.tensors, alignment: 1 << 46)
    #expect(highest.placements.map(\.address) == [0, 1 << 46, 1 << 47])
  }

  /// Channels 0-1, rows 1-2, all 4 columns of `a`: two runs in NCHW (one per channel), one in
  /// NHWC (rows 1-2 hold every channel of every pixel).
  @Test func runsFollowTheLayout() throws {
    let box = CoordinateBox([[0...1], [1...2], [0...3]])
    func runs(_ layout: TensorLayout) throws -> [[Int]] {
      let placement = try #require(try AddressLayout(tensors: Self.tensors, layout: layout).placement(of: "a"))
      var found: [[Int]] = []
      DRAMTransactions.runs(of: box, in: placement) { found.append([$0, $1]) }
      return found
    }
    #expect(try runs(TensorLayout()) == [[4, 11], [16, 23]])
    #expect(try runs(TensorLayout(activations: .nhwc)) == [[8, 23]])
    // Weights: co 0-1, ci 1: OIHW elements 1 and 3; HWIO (ci outer, co inner) elements 2-3.
    let weights = CoordinateBox([[0...1], [1...1], [0...0], [0...0]])
    for (layout, expected) in [(TensorLayout(), [[1, 1], [3, 3]]), (TensorLayout(weights: .hwio), [[2, 3]])] {
      let placement = try #require(try AddressLayout(tensors: Self.tensors, layout: layout).placement(of: "w"))
      var found: [[Int]] = []
      DRAMTransactions.runs(of: weights, in: placement) { found.append([$0, $1]) }
      #expect(found == expected)
    }
  }

  /// Runs become bursts rounded out; runs of one transfer that share a burst share it.
  @Test func runsAreRoundedOutToBursts() throws {
    let layout = try AddressLayout(tensors: Self.tensors, alignment: 64)
    let read = UnitTransfer(
      operand: .input, direction: .read, tensor: "a", step: 3, region: [CoordinateBox([[0...1], [1...2], [0...3]])],
      bitsPerEntry: 8)
    func bursts(_ size: Int, _ transfer: UnitTransfer) throws -> [[Int]] {
      let stream = try DRAMTransactions(units: [], layout: layout, burstBytes: size)
      return stream.bursts(of: transfer, unit: 0).map { [Int($0.address), $0.usefulBits] }
    }
    // Bytes 4-11 and 16-23: 16-byte bursts at 0 and 16, 8 useful bytes each.
    #expect(try bursts(16, read) == [[0, 64], [16, 64]])
    // 8-byte bursts: 4-7, 8-11, 16-23.
    #expect(try bursts(8, read) == [[0, 32], [8, 32], [16, 64]])
    // Rows 0 and 2 of channel 0 (bytes 0-3 and 8-11) share one 16-byte burst.
    let gapped = UnitTransfer(
      operand: .input, direction: .read, tensor: "a", step: 0, region: [CoordinateBox([[0...0], [0...0, 2...2], [0...3]])],
      bitsPerEntry: 8)
    #expect(try bursts(16, gapped) == [[0, 64]])
    // 4-bit p at byte 128: columns 1-3 are bits 4-15 of it, 12 useful bits, 2 useful bytes.
    let packed = UnitTransfer(
      operand: .output, direction: .write, tensor: "p", step: 0, region: [CoordinateBox([[0...0], [0...0], [1...3]])],
      bitsPerEntry: 4)
    let stream = try DRAMTransactions(units: [], layout: layout, burstBytes: 64)
    let written = stream.bursts(of: packed, unit: 2)
    #expect(written.map(\.address) == [128] && written.map(\.usefulBits) == [12] && written.map(\.usefulBytes) == [2])
    #expect(written.allSatisfy { $0.isWrite && $0.unit == 2 && $0.operand == .output && $0.tensor == "p" })
  }

  @Test func issueCyclesFollowTheStatedModel() throws {
    #expect(IssueTiming.backToBack.cycle(index: 7, bytesBefore: 448) == 7)
    // 12.8 GB/s at 800 MHz: 16 bytes a cycle.
    let timing = try IssueTiming.bandwidth(gigabytesPerSecond: 12.8, clockMHz: 800)
    #expect(timing.cycle(index: 1, bytesBefore: 64) == 4)
    #expect(timing.cycle(index: 2, bytesBefore: 100) == 6)
    #expect(throws: DRAMError.self) { try IssueTiming.bandwidth(gigabytesPerSecond: 0, clockMHz: 800) }
  }

  @Test func layoutNamesParse() throws {
    #expect(try TensorLayout(parsing: "nhwc,hwio") == TensorLayout(activations: .nhwc, weights: .hwio))
    #expect(try TensorLayout(parsing: "NHWC") == TensorLayout(activations: .nhwc, weights: .oihw))
    #expect(throws: DRAMError.self) { try TensorLayout(parsing: "nchw,nhwc") }
    #expect(throws: DRAMError.self) { try TensorLayout(parsing: "chw") }
  }
}
