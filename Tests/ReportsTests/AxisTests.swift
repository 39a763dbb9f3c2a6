import Testing

@testable import Reports

@Suite struct AxisTests {
  @Test(arguments: [
    (17_900_000.0, "17.9M"), (4_890_000, "4.89M"), (250_000, "250K"), (1_200_000_000, "1.2G"), (0, "0"),
    (999_960, "1M"), (999.7, "1K"), (0.5, "0.5"), (12.25, "12.3"), (-3_000, "-3K"), (42, "42"),
  ])
  func compactLabels(value: Double, expected: String) {
    #expect(TickLabel.compact(value) == expected)
  }

  @Test(arguments: [
    (16_384.0, "16K"), (98_304, "96K"), (1_048_576, "1M"), (1_572_864, "1.5M"), (512, "512"), (1_000, "1000"),
    (1_073_741_824, "1G"),
  ])
  func bufferSizeLabels(value: Double, expected: String) {
    #expect(TickLabel.bufferSize(value) == expected)
  }

  /// Ticks must tell neighbours apart even when three digits would not.
  @Test func labelsCarryTheDigitsTheStepNeeds() {
    let axis = Axis.linear([1_000_000, 1_000_040])
    let labels = axis.ticks.map(axis.label)
    #expect(Set(labels).count == labels.count, "\(labels)")
  }

  @Test(arguments: [[0.0], [5], [3, 3], [0.0004, 0.0007], [17_900_000, 4_890_000, 250_000], [1, 999], [-12, 40]])
  func fromZeroCoversTheDataInOneTwoFiveSteps(values: [Double]) throws {
    let ticks = Axis.fromZero(values).ticks
    let (first, last) = (try #require(ticks.first), try #require(ticks.last))
    #expect(first <= min(0, values.min() ?? 0) && last >= (values.max() ?? 0))
    #expect(ticks.contains(0))
    #expect(ticks.count >= 2 && ticks.count <= 14, "\(ticks)")
    let step = ticks[1] - ticks[0]
    var mantissa = step
    while mantissa >= 10 { mantissa /= 10 }
    while mantissa < 1 { mantissa *= 10 }
    #expect([1.0, 2, 5].contains { abs($0 - mantissa) < 1e-6 }, "step \(step)")
    #expect(zip(ticks, ticks.dropFirst()).allSatisfy { abs(($1 - $0) - step) < step * 1e-9 })
  }

  @Test func log2TicksArePowersOfTwoAndThinOutOverWideRanges() {
    #expect(Axis.log2([16_384, 262_144]).ticks == [16_384, 32_768, 65_536, 131_072, 262_144])
    #expect(Axis.log2([20_480, 24_576]).ticks == [20_480, 24_576], "no power of two inside: the values themselves")
    #expect(Axis.log2([1, 1_099_511_627_776]).ticks.count <= 12)
  }
}
