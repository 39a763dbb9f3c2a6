import ArgumentParser
import DSE

enum SummaryFormat: String, ExpressibleByArgument, CaseIterable {
  case table, csv, json
}

extension DSECommand {
  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print a network's layers with shapes, GEMM view (M, K, N), MACs and parameters.",
      discussion: """
        The GEMM view of a convolution is O[M x N] = I[M x K] . W[K x N] per group, with M = output pixels, \
        K = input channels per group x kernel area, N = output channels per group. MACs count convolution \
        and fully connected layers; parameters are weights plus biases.

        Examples:
          dse show nets/mobilenetv2.yaml
          dse show nets/yolov3.cfg --format csv > yolov3-layers.csv
          dse show nets/resnet50.yaml --format json
        """)

    @Argument(help: "Network file (.yaml, .cfg, .csv or .onnx).")
    var network: String

    @OptionGroup var modelFile: ModelFileOptions

    @Option(help: "Output format: table, csv or json.")
    var format: SummaryFormat = .table

    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
    var output: String?

    func run() throws {
      let summary = NetworkSummary(try loadNetwork(network, modelFile, computesValues: true).analyze())
      switch format {
      case .table: try emit(summary.table(), to: output)
      case .csv: try emit(summary.csv(), to: output)
      case .json: try emit(summary.json().rendered(indent: 2) + "\n", to: output)
      }
    }
  }
}
