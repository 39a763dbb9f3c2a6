import Networks

/// Structured edge cases written from scratch as small YAML networks (docs/network-format.md):
/// each aims at one limit or one rule of the reader, shape inference or block expansion.
enum EdgeNetworks {
  /// One edge case: a short summary and the YAML text.
  static func make(_ g: inout SeededGenerator) -> (String, String) {
    let makers: [(String, (inout SeededGenerator) -> String)] = [
      ("huge or zero input", hugeInput), ("global pool of a huge input", globalPool), ("huge fc", hugeFC),
      ("kernel larger than input", largeKernel), ("huge padding", hugePadding), ("huge stride", hugeStride),
      ("huge upsample", hugeUpsample), ("huge repeat", hugeRepeat), ("nested repeats", nestedRepeats),
      ("deep nesting", deepNesting), ("block cycle", blockCycle), ("later reference", laterReference),
      ("mismatched shapes", mismatched), ("hundreds of inputs", manyInputs), ("hostile network name", hostileName),
      ("extreme bits", extremeBits), ("bad groups", badGroups), ("channel multiples", channelMultiples),
      ("alias bomb", aliasBomb), ("odd documents", oddDocument), ("parameter tricks", parameterTricks),
      ("10,000 layers", manyLayers),
    ]
    let (summary, maker) = g.pick(makers)
    return (summary, maker(&g))
  }

  static func hugeInput(_ g: inout SeededGenerator) -> String {
    let dims = (0..<3).map { _ in g.pick(["0", "1", "3", "16777216", "16777217", "2147483648", "4611686018427387904", "-1", "9223372036854775808", "1.5"]) }
    let layer = g.pick([
      "{name: c, op: conv, out: 4, kernel: 3, padding: 1}", "{name: p, op: maxpool, kernel: 2}",
      "{name: g, op: globalavgpool}", "{name: f, op: fc, out: 10}", "{name: u, op: upsample}",
      "{name: d, op: depthwise, kernel: 3, padding: 1}",
    ])
    return "name: huge\ninput: [\(dims.joined(separator: ", "))]\nlayers:\n  - \(layer)\n"
  }

  static func globalPool(_ g: inout SeededGenerator) -> String {
    let shape = g.pick(["[1, 16777216, 4096]", "[1, 16777216, 4097]", "[4096, 4096, 4096]", "[4097, 4096, 4096]", "[16777216, 1, 1]", "[1, 16777216, 16777216]", "[65536, 1024, 1024]"])
    let tail = g.chance(0.5) ? "  - {name: fc, op: fc, out: 10}\n" : ""
    return "name: gap\ninput: \(shape)\nlayers:\n  - {name: gap, op: globalavgpool}\n\(tail)"
  }

  static func hugeFC(_ g: inout SeededGenerator) -> String {
    let out = g.pick(["2000000000", "2147483648", "16777216", "16777217", "0", "-5", "1e10"])
    return "name: fc\ninput: [\(g.pick(["3, 8, 8", "1, 1, 1", "4096, 1, 1", "64, 64, 64"]))]\nlayers:\n  - {name: fc, op: fc, out: \(out)}\n  - {name: fc2, op: fc, out: 10}\n"
  }

  static func largeKernel(_ g: inout SeededGenerator) -> String {
    let kernel = g.pick(["5", "9", "1000", "16777217", "[1, 100]", "[100, 1]", "[0, 3]"])
    let padding = g.pick(["0", "2", "4", "same", "[0, 0, 4, 4]", "999"])
    let op = g.pick(["conv, out: 4", "depthwise", "maxpool", "avgpool", "maxpool, ceil: true"])
    return "name: k\ninput: [3, 4, 4]\nlayers:\n  - {name: l, op: \(op), kernel: \(kernel), padding: \(padding)}\n"
  }

  static func hugePadding(_ g: inout SeededGenerator) -> String {
    let padding = g.pick(["1000000", "[1000000, 0]", "[0, 0, 0, 1000000]", "-1", "[-1, 2]", "16777216", "9223372036854775807", "[1, 2, 3]"])
    let op = g.pick(["conv, out: 8, kernel: 3", "depthwise, kernel: 3", "maxpool, kernel: 3", "avgpool, kernel: 2, ceil: true"])
    return "name: pad\ninput: [3, 16, 16]\nlayers:\n  - {name: l, op: \(op), padding: \(padding)}\n  - {name: g, op: globalavgpool}\n"
  }

  static func hugeStride(_ g: inout SeededGenerator) -> String {
    let stride = g.pick(["2147483648", "4611686018427387904", "0", "-1", "[1, 1099511627776]", "16777217", "17"])
    let op = g.pick(["conv, out: 8, kernel: 3", "depthwise, kernel: 3", "maxpool, kernel: 2", "pointwise, out: 4"])
    return "name: stride\ninput: [3, 16, 16]\nlayers:\n  - {name: l, op: \(op), stride: \(stride)}\n"
  }

  static func hugeUpsample(_ g: inout SeededGenerator) -> String {
    let factor = g.pick(["16777216", "2147483648", "65536", "0", "-1", "[2, 3]", "4611686018427387904", "2"])
    let repeatCount = g.pick(["1", "12", "30", "64"])
    return "name: up\ninput: [\(g.pick(["1, 4, 4", "3, 1, 1", "64, 16, 16"]))]\nlayers:\n  - {name: u, op: upsample, factor: \(factor), repeat: \(repeatCount)}\n  - {name: c, op: conv, out: 2, kernel: 3, padding: 1}\n"
  }

  static func hugeRepeat(_ g: inout SeededGenerator) -> String {
    let count = g.pick(["100000", "10001", "10000", "0", "-1", "4611686018427387904", "9999"])
    let op = g.pick(["pointwise, out: 2", "maxpool, kernel: 1", "depthwise, kernel: 1", "upsample, factor: 1"])
    return "name: rep\ninput: [2, 2, 2]\nlayers:\n  - {name: l, op: \(op), repeat: \(count)}\n"
  }

  static func nestedRepeats(_ g: inout SeededGenerator) -> String {
    let inner = g.pick([100, 101, 1000, 2])
    let outer = g.pick([100, 101, 1000, 100000])
    return """
      name: nested
      input: [2, 4, 4]
      blocks:
        a:
          layers:
            - {name: p, op: pointwise, out: 2, repeat: \(inner)}
        b:
          layers:
            - {block: a, name: x, repeat: \(inner)}
      layers:
        - {block: b, name: y, repeat: \(outer)}

      """
  }

  static func deepNesting(_ g: inout SeededGenerator) -> String {
    let depth = g.pick([100_000, 10_000, 1000])
    switch g.int(0..<4) {
    case 0: return "name: deep\ninput: [1, 4, 4]\nlayers: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\n"
    case 1: return "name: deep\ninput: [1, 4, 4]\nlayers:\n  - " + String(repeating: "{a: ", count: depth) + String(repeating: "}", count: depth) + "\n"
    case 2:
      // Block i instantiates block i-1 twice: 2^depth layers if nothing stops it.
      var text = "name: deep\ninput: [1, 4, 4]\nblocks:\n  b0:\n    layers:\n      - {name: p, op: pointwise, out: 1}\n"
      for level in 1...min(depth, 2000) {
        text += "  b\(level):\n    layers:\n      - {block: b\(level - 1), name: x, repeat: 2}\n"
      }
      return text + "layers:\n  - {block: b\(min(depth, 2000)), name: top}\n"
    default:
      var text = "name: deep\ninput: [1, 4, 4]\nlayers:\n"
      for _ in 0..<min(depth, 3000) { text += "  -" }
      return text + " {op: pointwise, out: 1}\n"
    }
  }

  static func blockCycle(_ g: inout SeededGenerator) -> String {
    if g.chance(0.5) {
      return "name: cycle\ninput: [1, 4, 4]\nblocks:\n  self:\n    layers:\n      - {name: p, op: pointwise, out: 1}\n      - {block: self, name: again}\nlayers:\n  - {block: self, name: s}\n"
    }
    return "name: cycle\ninput: [1, 4, 4]\nblocks:\n  a:\n    layers:\n      - {block: b, name: x}\n  b:\n    layers:\n      - {block: a, name: y}\nlayers:\n  - {block: a, name: s, repeat: 2}\n"
  }

  static func laterReference(_ g: inout SeededGenerator) -> String {
    let reference = g.pick(["later", "self", "input", "missing", "later_1", "b.x", ""])
    return "name: later\ninput: [2, 4, 4]\nlayers:\n  - {name: self, op: add, inputs: [input, \(reference)]}\n  - {name: later, op: pointwise, out: 2}\n"
  }

  static func mismatched(_ g: inout SeededGenerator) -> String {
    let op = g.pick(["add", "concat"])
    return "name: mismatch\ninput: [4, 8, 8]\nlayers:\n  - {name: a, op: pointwise, out: \(g.pick(["4", "5"]))}\n  - {name: b, op: maxpool, kernel: \(g.pick(["1", "2", "3"])), input: input}\n  - {name: s, op: \(op), inputs: [a, b]}\n"
  }

  static func manyInputs(_ g: inout SeededGenerator) -> String {
    let count = g.pick([200, 500, 3000])
    if g.chance(0.4) {
      let inputs = (0..<count).map { "i\($0): [1, 2, 2]" }.joined(separator: ", ")
      let names = (0..<count).map { "i\($0)" }.joined(separator: ", ")
      return "name: many\ninputs: {\(inputs)}\nlayers:\n  - {name: s, op: \(g.pick(["add", "concat"])), inputs: [\(names)]}\n"
    }
    let names = Array(repeating: "input", count: count).joined(separator: ", ")
    return "name: many\ninput: [\(g.pick(["1", "16", "5000"])), 4, 4]\nlayers:\n  - {name: s, op: \(g.pick(["add", "concat"])), inputs: [\(names)]}\n  - {name: p, op: pointwise, out: 2}\n"
  }

  static func hostileName(_ g: inout SeededGenerator) -> String {
    let name = g.pick(["\"../escaped\"", "\"/abs\"", "\"a/b\"", "\"nul\\u0000name\"", "\"../\\u0000\"", "\"..\"", "\".\"", "\"\"", "\"-\"", "\".hidden\"", Hostile.yamlName(&g)])
    return "name: \(name)\ninput: [3, 8, 8]\nlayers:\n  - {name: \(Hostile.yamlName(&g)), op: conv, out: 4, kernel: 3, padding: 1}\n  - {name: fc, op: fc, out: 2}\n"
  }

  static func extremeBits(_ g: inout SeededGenerator) -> String {
    let bits = g.pick(["0", "17", "1000", "1", "16", "-1", "{weights: 0, activations: 17}", "{weights: 1, activations: 1}", "{weights: 8}", "[8, 8]", "2147483648"])
    let layerBits = g.pick(["", ", bits: 0", ", bits: 17", ", bits: {weights: 1, activations: 16}", ", bits: 1"])
    return "name: bits\ninput: [3, 8, 8]\nbits: \(bits)\nlayers:\n  - {name: c, op: conv, out: 4, kernel: 3, padding: 1\(layerBits)}\n  - {name: p, op: pointwise, out: 2}\n"
  }

  static func badGroups(_ g: inout SeededGenerator) -> String {
    let groups = g.pick(["0", "3", "-1", "8", "9", "2147483648", "4"])
    return "name: groups\ninput: [8, 8, 8]\nlayers:\n  - {name: c, op: conv, out: \(g.pick(["8", "4", "6"])), kernel: 3, padding: 1, groups: \(groups)}\n"
  }

  static func channelMultiples(_ g: inout SeededGenerator) -> String {
    let out = g.pick(["0x", "2147483648x", "16777216x", "-2x", "1.5x", "x", "6x"])
    let op = g.pick(["pointwise, out: \(out)", "depthwise, kernel: 3, padding: 1, multiplier: \(g.pick(["0", "16777216", "-1", "3"]))", "depthwise, kernel: 3, padding: 1, out: \(out)", "conv, kernel: 1, out: \(out)"])
    return "name: mult\ninput: [\(g.pick(["3", "1024"])), 8, 8]\nlayers:\n  - {name: l, op: \(op)}\n"
  }

  static func aliasBomb(_ g: inout SeededGenerator) -> String {
    var text = "a0: &a0 [\"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\"]\n"
    for level in 1...9 { text += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n" }
    return text + "name: bomb\ninput: [1, 4, 4]\nlayers:\n  - {name: p, op: pointwise, out: 1, inputs: *a9}\n"
  }

  static func oddDocument(_ g: inout SeededGenerator) -> String {
    g.pick([
      "", "# only a comment\n", "---\n...\n", "[]\n", "name: x\n", "layers: []\ninput: [1, 1, 1]\n", "42\n",
      "input: [3, 8, 8]\nlayers: 3\n", "input: [3, 8, 8]\nlayers:\n  - {name: a, op: pointwise, out: 1}\n  - {name: a, op: pointwise, out: 1}\n",
      "input: [3, 8, 8]\ninput: [3, 8, 8]\nlayers:\n  - {op: pointwise, out: 1}\n", "--- !!map\n? [a]\n: b\n",
      "input: [3, 8, 8]\nlayers:\n  - {op: frobnicate}\n", "input: [3, 8]\nlayers:\n  - {op: pointwise, out: 1}\n",
      "input: [3, 8, 8, 8]\nlayers:\n  - {op: pointwise, out: 1}\n", "input: [3, 8, 8]\nlayers:\n  - {op: pointwise, out: 1, output: true}\n",
      "input: [3, 8, 8]\nlayers:\n  - {op: add, inputs: []}\n", "input: [3, 8, 8]\nlayers:\n  - {op: concat, inputs: [input]}\n",
      "%YAML 1.1\n%TAG ! tag:x,2000:\n---\ninput: [3, 8, 8]\nlayers: [{op: pointwise, out: 1}]\n", "input: !!binary AAAA\nlayers: []\n",
    ])
  }

  static func parameterTricks(_ g: inout SeededGenerator) -> String {
    let value = g.pick(["\"${p}\"", "~", "[1, 7]", "$p", "\"${q}x\"", "\"${p}${p}${p}${p}\"", "{a: 1}", "16777217"])
    let use = g.pick(["out: $p", "out: \"${p}x\"", "kernel: $p", "stride: $p", "name: \"${p}\""])
    return "name: params\ninput: [2, 8, 8]\nblocks:\n  b:\n    params: {p: \(value)}\n    layers:\n      - {name: l, op: \(g.pick(["pointwise", "conv"])), \(use), out: 2}\nlayers:\n  - {block: b, name: x\(g.chance(0.5) ? ", p: \(value)" : "")}\n"
  }

  static func manyLayers(_ g: inout SeededGenerator) -> String {
    let count = g.pick([9999, 10000, 10001])
    return "name: long\ninput: [1, 2, 2]\nlayers:\n  - {name: p, op: \(g.pick(["pointwise, out: 1", "maxpool, kernel: 1", "add, inputs: [input, input]"])), repeat: \(count)}\n"
  }
}
