import ArgumentParser
import DSE
import Foundation

extension DSECommand {
  struct EvaluateDRAM: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "dram",
      abstract: "Runs a DRAM trace (dse's or anyone's) on a DRAM device model: row hits, activations, time and energy.",
      discussion: """
        Reads a DRAMsim3 (0xADDR READ|WRITE CYCLE), Ramulator 2 (LD|ST 0xADDR), Ramulator (0xADDR R|W) or dse CSV \
        trace, detected from its first line unless --format is given, in constant memory, and serves each \
        request as one burst of the device (64 bytes on ddr4-2400-x8, 128 on lpddr4-x16) in trace order \
        (or FR-FCFS within a window), at its cycle where the format has one. Reports row hits, empty-bank \
        misses and conflicts, ACT/PRE/REF commands, the time to the last data beat, and the energy of \
        activations, reads, writes, refresh and active/precharged standby from the device's IDD currents \
        (docs/dram-model.md says how, and what is not modelled).

        --device is a bundled device (ddr4-2400-x8, lpddr4-x16) or a device YAML file (arch/dram/ has both).

        Examples:
          dse dram mobilenetv2.trace --device ddr4-2400-x8
          dse trace nets/resnet50.yaml --buffer 64K -o - | dse dram - --device lpddr4-x16 --scheduling frfcfs
          dse dram my.trace --device arch/dram/ddr4-2400-x8.yaml --mapping xor --policy closed --json
        """)

    @Argument(help: "Trace file ('-': standard input).")
    var trace: String

    @Option(help: "A bundled device (ddr4-2400-x8, lpddr4-x16) or a device YAML file.")
    var device: String = "ddr4-2400-x8"

    @Option(help: "Trace format: dramsim3, ramulator2, ramulator or csv (default: detected from the first line).")
    var format: TraceFormat?

    @Flag(help: "Print the report as JSON instead of a table.")
    var json = false

    @OptionGroup var model: DRAMModelOptions

    func run() throws {
      let model = try self.model.model(device: device)
      let started = Date()
      let reader: TraceReader
      let report: DRAMReport
      do {
        reader = try TraceReader(path: trace, format: format)
        report = try model.evaluate(trace: reader)
      } catch {
        throw DSEError(error)
      }
      let seconds = Date().timeIntervalSince(started)
      if json {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        print(String(decoding: try encoder.encode(report), as: UTF8.self))
      } else {
        print("trace     \(trace) (\(reader.format?.rawValue ?? "empty"), \(reader.line) lines)")
        print(report.description, terminator: "")
      }
      progress("evaluated \(report.requests) requests in \(formatFixed(seconds, decimals: 2)) s")
    }
  }
}
