import Networks

/// Small networks written from scratch: random chains of legal-looking YAML layers (so that
/// sweep, verify and quantize do real work on odd shapes), and Darknet cfg and SCALE-Sim CSV
/// edge cases.
enum SmallNetworks {
  /// A random network of 1 to 8 layers on a small input, mostly valid: odd kernels, strides,
  /// paddings, groups, residual adds and concats, upsampling, per-layer bits.
  static func randomYAML(_ g: inout SeededGenerator) -> String {
    var text = "name: \(g.chance(0.8) ? "small" : Hostile.yamlName(&g))\n"
    text += "input: [\(g.pick([1, 2, 3, 4, 8, 16])), \(g.int(1...24)), \(g.int(1...24))]\n"
    if g.chance(0.3) { text += "bits: \(g.pick(["8", "4", "16", "1", "2", "{weights: 4, activations: 8}", "{weights: 1, activations: 1}"]))\n" }
    text += "layers:\n"
    var names = ["input"]
    for index in 0..<g.int(1...8) {
      let name = "l\(index)"
      var fields = ["name: \(name)"]
      switch g.weighted([(4, "conv"), (3, "pointwise"), (3, "depthwise"), (2, "pool"), (1, "fc"), (2, "add"), (1, "concat"), (1, "upsample"), (1, "gap")]) {
      case "conv":
        let kernel = g.pick(["1", "2", "3", "5", "[1, 3]", "[3, 1]", "7"])
        fields += ["op: conv", "out: \(g.pick(["1", "4", "8", "2x", "16"]))", "kernel: \(kernel)"]
        if g.chance(0.5) { fields.append("stride: \(g.pick(["1", "2", "3", "[1, 2]"]))") }
        if g.chance(0.6) { fields.append("padding: \(g.pick(["0", "1", "2", "same", "[0, 1]", "[1, 0, 0, 1]"]))") }
        if g.chance(0.15) { fields.append("groups: \(g.pick(["2", "4"]))") }
      case "pointwise":
        fields += ["op: pointwise", "out: \(g.pick(["1", "3", "8", "6x", "16"]))"]
        if g.chance(0.2) { fields.append("stride: 2") }
      case "depthwise":
        fields += ["op: depthwise", "kernel: \(g.pick(["3", "5", "1", "[1, 3]"]))", "padding: \(g.pick(["0", "1", "same"]))"]
        if g.chance(0.3) { fields.append("stride: 2") }
        if g.chance(0.2) { fields.append("multiplier: 2") }
      case "pool":
        fields += ["op: \(g.pick(["maxpool", "avgpool"]))", "kernel: \(g.pick(["2", "3"]))"]
        if g.chance(0.4) { fields.append("stride: \(g.pick(["1", "2"]))") }
        if g.chance(0.3) { fields.append("ceil: true") }
        if g.chance(0.3) { fields.append("padding: 1") }
      case "fc": fields += ["op: fc", "out: \(g.pick(["1", "10", "100"]))"]
      case "add": fields += ["op: add", "inputs: [\(g.pick(names)), \(g.pick(names))]"]
      case "concat": fields += ["op: concat", "inputs: [\(g.pick(names)), \(g.pick(names))\(g.chance(0.3) ? ", " + g.pick(names) : "")]"]
      case "upsample": fields += ["op: upsample", "factor: \(g.pick(["2", "3"]))"]
      default: fields.append("op: globalavgpool")
      }
      if g.chance(0.3) { fields.append("activation: \(g.pick(["relu", "relu6", "leaky", "linear", "sigmoid", "hardsigmoid", "hardswish"]))") }
      if g.chance(0.1) { fields.append("bits: \(g.pick(["1", "2", "4", "16"]))") }
      if g.chance(0.1) { fields.append("bias: false") }
      if g.chance(0.05) { fields.append("repeat: \(g.pick(["2", "3"]))") }
      text += "  - {\(fields.joined(separator: ", "))}\n"
      names.append(name)
    }
    return text
  }

  /// A Darknet cfg with extreme `[net]` sizes, convolution fields, routes, shortcuts and upsampling.
  static func darknet(_ g: inout SeededGenerator) -> String {
    func value(_ g: inout SeededGenerator, _ legal: [String]) -> String {
      g.chance(0.4) ? Hostile.number(&g) : g.pick(legal)
    }
    var text = g.chance(0.9) ? "[net]\nwidth=\(value(&g, ["16", "32", "8"]))\nheight=\(value(&g, ["16", "32", "8"]))\nchannels=\(value(&g, ["3", "1"]))\n\n" : ""
    for _ in 0..<g.int(1...6) {
      switch g.int(0..<7) {
      case 0, 1:
        text += "[convolutional]\nbatch_normalize=1\nfilters=\(value(&g, ["4", "8", "16"]))\nsize=\(value(&g, ["1", "3"]))\nstride=\(value(&g, ["1", "2"]))\npad=\(value(&g, ["1", "0"]))\nactivation=\(g.pick(["leaky", "linear", "mish", "relu", "logistic"]))\n"
        if g.chance(0.1) { text += "groups=\(value(&g, ["2"]))\n" }
      case 2: text += "[maxpool]\nsize=\(value(&g, ["2", "3"]))\nstride=\(value(&g, ["1", "2"]))\n"
      case 3: text += "[route]\nlayers=\(g.pick(["-1", "-2", "-1000", "0", "5", "-1,-2", "", "-1,-1,-1,-1", Hostile.number(&g)]))\n"
      case 4: text += "[shortcut]\nfrom=\(g.pick(["-2", "-3", "-100", "0", "1", Hostile.number(&g)]))\nactivation=linear\n"
      case 5: text += "[upsample]\nstride=\(value(&g, ["2"]))\n"
      default: text += g.pick(["[yolo]\nmask=0,1,2\nclasses=80\n", "[connected]\noutput=\(value(&g, ["10"]))\n", "[avgpool]\n", "[dropout]\n", "[\(Hostile.name(&g))]\n"])
      }
      text += "\n"
    }
    return text
  }

  /// A SCALE-Sim topology CSV: header (or not), rows with zero, huge, negative or missing fields.
  static func scaleSim(_ g: inout SeededGenerator) -> String {
    var text = g.chance(0.9) ? "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n" : ""
    for row in 0..<g.int(0...5) {
      let fields = (0..<g.weighted([(8, 7), (1, 6), (1, 9)])).map { column -> String in
        let legal = [["8", "16", "32"], ["8", "16", "32"], ["1", "3"], ["1", "3"], ["3", "16"], ["8", "16"], ["1", "2"]][min(column, 6)]
        return g.chance(0.3) ? Hostile.number(&g) : g.pick(legal)
      }
      text += "\(g.chance(0.9) ? "conv\(row)" : Hostile.name(&g)), \(fields.joined(separator: ", ")),\n"
    }
    return text
  }

  /// An error table (`layer,bits,error`) for `sweep --error-table`: names, widths and errors
  /// legal or not.
  static func errorTable(_ g: inout SeededGenerator, layers: [String]) -> String {
    var text = g.chance(0.9) ? "layer,bits,error\n" : ""
    for _ in 0..<g.int(0...8) {
      let layer = g.chance(0.8) && !layers.isEmpty ? g.pick(layers) : Hostile.name(&g)
      text += "\(layer),\(g.pick(["4", "8", "16", "0", "17", "-1", "x"])),\(g.pick(["0.01", "0", "-1", "nan", "inf", "1e308", "1e-300", "", "0.5"]))\n"
    }
    return text
  }
}
