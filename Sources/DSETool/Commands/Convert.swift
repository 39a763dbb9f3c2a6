import ArgumentParser
import DSE

extension DSECommand {
  struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Convert a network between YAML, Darknet cfg, SCALE-Sim topology CSV and ONNX, by file extension.",
      discussion: """
        Formats: .yaml/.yml (native, lossless), .cfg (Darknet), .csv (SCALE-Sim topology: convolution and \
        FC layers only, each row an independent layer), .onnx (opset 13; bit widths are not carried; weights \
        seeded, or zeros from ConstantOfShape with --shape-only, so that any model stays a few KB; \
        docs/onnx.md). A conversion that would lose information the target format cannot hold fails with an \
        error naming the layer, unless the format documents the loss.

        Examples:
          dse convert nets/yolov3.cfg yolov3.yaml
          dse convert nets/mobilenetv2.yaml mobilenetv2_topology.csv
          dse convert nets/resnet50.yaml resnet50.onnx --shape-only
          dse convert model.onnx model.yaml
        """)

    @Argument(help: "Input network file (.yaml, .cfg, .csv or .onnx).")
    var input: String

    @OptionGroup var modelFile: ModelFileOptions

    @Argument(help: "Output network file (.yaml, .cfg, .csv or .onnx).")
    var output: String

    @Flag(help: "ONNX output: weights as ConstantOfShape zeros over their shapes (a few KB) instead of seeded floats.")
    var shapeOnly = false

    @Option(help: "ONNX output: the seed of the weights.")
    var seed: UInt64 = 1

    func validate() throws {
      try validateOutputFormat(output)
    }

    func run() throws {
      try NetworkFile.save(
        try loadNetwork(input, modelFile), to: output, onnxWeights: shapeOnly ? .shapeOnly : .seeded(seed))
    }
  }
}
