import ArgumentParser
import DSE

extension DSECommand {
  struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Convert a network between YAML, Darknet cfg and SCALE-Sim topology CSV, by file extension.",
      discussion: """
        Formats: .yaml/.yml (native, lossless), .cfg (Darknet), .csv (SCALE-Sim topology: convolution and \
        FC layers only, each row an independent layer). A conversion that would lose information the target \
        format cannot hold fails with an error naming the layer, unless the format documents the loss.

        Examples:
          dse convert nets/yolov3.cfg yolov3.yaml
          dse convert nets/mobilenetv2.yaml mobilenetv2_topology.csv
        """)

    @Argument(help: "Input network file (.yaml, .cfg or .csv).")
    var input: String

    @OptionGroup var modelFile: ModelFileOptions

    @Argument(help: "Output network file (.yaml, .cfg or .csv).")
    var output: String

    func run() throws {
      try NetworkFormat.save(try loadNetwork(input, modelFile), to: output)
    }
  }
}
