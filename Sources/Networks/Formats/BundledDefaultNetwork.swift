// Generated from nets/mobilenetv2.yaml; a test checks the two are equal. Regenerate with:
//   scripts/embed-default-network

extension Network {
  /// The network `dse sweep` runs when given none: the bundled MobileNetV2 (nets/mobilenetv2.yaml),
  /// embedded so that the first command a new user types works from any folder.
  public static let bundledDefaultFile = "nets/mobilenetv2.yaml"
  public static let bundledDefaultYAML = #"""
# MobileNetV2 1.0, 224x224 (Sandler et al. 2018; torchvision's mobilenet_v2).
# Batch norm is folded into each convolution, so every conv carries a bias.
name: mobilenetv2
input: [3, 224, 224]
bits: 8

blocks:
  # Inverted residual without a skip: expand (1x1) -> depthwise 3x3 -> project (1x1, linear).
  inverted:
    params: {expand: 6, out: ~, stride: 1}
    layers:
      - {name: expand, op: pointwise, out: "${expand}x", activation: relu6}
      - {name: dw, op: depthwise, kernel: 3, stride: $stride, padding: 1, activation: relu6}
      - {name: project, op: pointwise, out: $out}
  # The same with the residual add (stride 1, same channel count in and out).
  inverted_skip:
    params: {expand: 6, out: ~}
    layers:
      - {name: expand, op: pointwise, out: "${expand}x", activation: relu6}
      - {name: dw, op: depthwise, kernel: 3, padding: 1, activation: relu6}
      - {name: project, op: pointwise, out: $out}
      - {name: add, op: add, inputs: [input, project]}

layers:
  - {name: stem, op: conv, out: 32, kernel: 3, stride: 2, padding: 1, activation: relu6}
  # t=1 block: no expansion layer.
  - {name: b1.dw, op: depthwise, kernel: 3, padding: 1, activation: relu6}
  - {name: b1.project, op: pointwise, out: 16}
  - {block: inverted, name: b2, out: 24, stride: 2}
  - {block: inverted_skip, name: b3, out: 24}
  - {block: inverted, name: b4, out: 32, stride: 2}
  - {block: inverted_skip, name: b5, out: 32, repeat: 2}
  - {block: inverted, name: b7, out: 64, stride: 2}
  - {block: inverted_skip, name: b8, out: 64, repeat: 3}
  - {block: inverted, name: b11, out: 96}
  - {block: inverted_skip, name: b12, out: 96, repeat: 2}
  - {block: inverted, name: b14, out: 160, stride: 2}
  - {block: inverted_skip, name: b15, out: 160, repeat: 2}
  - {block: inverted, name: b17, out: 320}
  - {name: head, op: pointwise, out: 1280, activation: relu6}
  - {name: pool, op: globalavgpool}
  - {name: classifier, op: fc, out: 1000}
"""#
}
