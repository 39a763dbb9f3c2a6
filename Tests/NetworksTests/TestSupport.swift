import Foundation
import Testing

@testable import Networks

/// The package root, found from this file's location.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()

/// Path of a bundled network file, e.g. `bundledNet("mobilenetv2.yaml")`.
func bundledNet(_ file: String) -> String { packageRoot.appendingPathComponent("nets/\(file)").path }

/// Loads and analyzes a bundled network.
func analyzeBundled(_ file: String) throws -> NetworkAnalysis {
  try NetworkFormat.load(path: bundledNet(file)).analyze()
}

/// Parses YAML text and analyzes it; the file name only appears in errors.
func analyzeYAML(_ text: String, file: String = "test.yaml") throws -> NetworkAnalysis {
  try NetworkYAML.read(text, file: file).analyze()
}

/// The error a throwing expression raises, as a NetworkError (nil when it does not throw one).
func networkError(_ body: () throws -> Void) -> NetworkError? {
  do {
    try body()
    return nil
  } catch let error as NetworkError {
    return error
  } catch {
    return nil
  }
}

/// Asserts `value` is within `tolerance` (relative) of `expected`.
func expectClose(_ value: Int, _ expected: Double, tolerance: Double = 0.02, _ what: String,
  sourceLocation: Testing.SourceLocation = #_sourceLocation)
{
  let relative = abs(Double(value) - expected) / expected
  #expect(relative <= tolerance, "\(what): \(value) is \(relative * 100)% from \(expected)", sourceLocation: sourceLocation)
}
