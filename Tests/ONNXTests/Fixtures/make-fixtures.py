#!/usr/bin/env python3
"""Copies the model-zoo graphs the `onnx` wheel ships (onnx/backend/test/data/light/, Apache-2.0)
into zoo/ and records, for each, an independent count of its MACs and parameters in
zoo/expected.json, from the shapes onnx.shape_inference gives:

- a Conv: MACs = Cout * Hout * Wout * (Cin / group) * kh * kw; parameters = Cout * (Cin / group) *
  kh * kw, plus Cout when it has a bias, or when its output feeds a BatchNormalization or a
  per-channel Add of a constant (dse folds those into a bias);
- a Gemm (or MatMul): MACs = parameters without bias = K * N; plus N for a bias (C input, or an
  Add of a constant after a MatMul).

Run with the onnx wheel installed (pip install onnx==1.23.2):
    python3 Tests/ONNXTests/Fixtures/make-fixtures.py
"""
import json
import os
import shutil

import onnx
from onnx import shape_inference

MODELS = ["light_bvlc_alexnet", "light_densenet121", "light_inception_v1", "light_inception_v2", "light_resnet50",
          "light_shufflenet", "light_squeezenet", "light_vgg19", "light_zfnet512"]

here = os.path.dirname(os.path.abspath(__file__))
source = os.path.join(os.path.dirname(onnx.__file__), "backend", "test", "data", "light")
target = os.path.join(here, "zoo")
os.makedirs(target, exist_ok=True)


def dims(value_info):
    return [d.dim_value for d in value_info.type.tensor_type.shape.dim]


def count(model):
    # These IR-3 graphs list their initializers as graph inputs too, which makes them inputs that a
    # caller could override, so their values (the shapes ConstantOfShape makes weights of) are
    # unknown to shape inference. A copy without them as inputs (IR 4 semantics) infers fully.
    copy = onnx.ModelProto()
    copy.CopyFrom(model)
    names = {t.name for t in copy.graph.initializer}
    kept = [i for i in copy.graph.input if i.name not in names]
    del copy.graph.input[:]
    copy.graph.input.extend(kept)
    copy.ir_version = max(copy.ir_version, 4)
    inferred = shape_inference.infer_shapes(copy, data_prop=True)
    graph = inferred.graph
    shapes = {v.name: dims(v) for v in list(graph.value_info) + list(graph.input) + list(graph.output)}
    # Weight shapes: initializers, and ConstantOfShape nodes whose shape input is an initializer.
    initializers = {t.name: list(t.dims) for t in graph.initializer}
    values = {t.name: onnx.numpy_helper.to_array(t) for t in graph.initializer}
    for node in graph.node:
        if node.op_type == "ConstantOfShape" and node.input[0] in values:
            initializers[node.output[0]] = [int(x) for x in values[node.input[0]]]
    consumers = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)

    def folds_bias(output):
        for consumer in consumers.get(output, []):
            if consumer.op_type == "BatchNormalization":
                return True
            if consumer.op_type == "Add" and any(name in initializers for name in consumer.input):
                return True
            if consumer.op_type == "Mul" and any(name in initializers for name in consumer.input):
                # a per-channel scale, then the shift: look one node further
                if folds_bias(consumer.output[0]):
                    return True
        return False

    layers = []
    for node in graph.node:
        if node.op_type == "Conv":
            weight = initializers.get(node.input[1]) or shapes[node.input[1]]
            out = shapes[node.output[0]]
            cout, cin_per_group, kh, kw = weight
            macs = cout * out[2] * out[3] * cin_per_group * kh * kw
            bias = len(node.input) > 2 and node.input[2] != "" or folds_bias(node.output[0])
            layers.append({"node": node.name or node.output[0], "op": "Conv", "macs": macs,
                           "params": cout * cin_per_group * kh * kw + (cout if bias else 0)})
        elif node.op_type in ("Gemm", "MatMul"):
            weight = initializers.get(node.input[1]) or shapes[node.input[1]]
            trans_b = any(a.name == "transB" and a.i == 1 for a in node.attribute)
            k, n = (weight[1], weight[0]) if trans_b else (weight[0], weight[1])
            bias = node.op_type == "Gemm" and len(node.input) > 2 and node.input[2] != "" or folds_bias(node.output[0])
            layers.append({"node": node.name or node.output[0], "op": node.op_type, "macs": k * n,
                           "params": k * n + (n if bias else 0)})
    return {"macs": sum(layer["macs"] for layer in layers), "params": sum(layer["params"] for layer in layers),
            "layers": layers}


expected = {}
for name in MODELS:
    path = os.path.join(source, name + ".onnx")
    shutil.copyfile(path, os.path.join(target, name + ".onnx"))
    expected[name] = count(onnx.load(path))
with open(os.path.join(target, "expected.json"), "w") as file:
    json.dump({"onnx": onnx.__version__, "models": expected}, file, indent=1, sort_keys=True)
    file.write("\n")
print("\n".join("%s: %d MACs, %d parameters, %d layers" % (n, e["macs"], e["params"], len(e["layers"]))
                for n, e in expected.items()))

# A small graph with an operator dse does not model (GlobalMaxPool), for the command-line tests
# of --skip-unsupported: quirks/unsupported.onnx.
from onnx import TensorProto, helper, numpy_helper
import numpy

quirks = os.path.join(here, "quirks")
os.makedirs(quirks, exist_ok=True)
weight = numpy_helper.from_array(numpy.zeros((8, 3, 3, 3), dtype=numpy.float32), name="w")
graph = helper.make_graph(
    [helper.make_node("Conv", ["image", "w"], ["c"], name="conv", pads=[1, 1, 1, 1]),
     helper.make_node("Relu", ["c"], ["r"], name="relu"),
     helper.make_node("GlobalMaxPool", ["r"], ["g"], name="pool"),
     helper.make_node("Flatten", ["g"], ["f"], name="flatten")],
    "unsupported", [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["batch", 3, 16, 16])],
    [helper.make_tensor_value_info("f", TensorProto.FLOAT, ["batch", 8])], initializer=[weight])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
onnx.checker.check_model(model)
onnx.save(model, os.path.join(quirks, "unsupported.onnx"))

# Graphs of the quirks ONNX exporters produce (docs/onnx.md), each with the output shape of every
# node that becomes a layer, from onnx.shape_inference: quirks/*.onnx and quirks/expected.json.
LAYER_OPS = ("Conv", "MaxPool", "AveragePool", "GlobalAveragePool", "Gemm", "MatMul", "Add", "Sum", "Concat",
             "Resize", "Upsample")


def floats(name, shape, seed):
    generator = numpy.random.default_rng(seed)
    return numpy_helper.from_array(generator.uniform(-0.1, 0.1, shape).astype(numpy.float32), name=name)


def ints(name, values):
    return numpy_helper.from_array(numpy.array(values, dtype=numpy.int64), name=name)


def image(name="image", dims=("batch", 3, 16, 16)):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, list(dims))


def save(name, nodes, inputs, initializers, opset=13, ir=None, outputs=None):
    last = nodes[-1].output[0]
    graph = helper.make_graph(nodes, name, inputs, outputs or [helper.make_tensor_value_info(last, TensorProto.FLOAT, None)],
                              initializer=initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    if ir is not None:
        model.ir_version = ir
    inferred = shape_inference.infer_shapes(model, strict_mode=True, data_prop=True)
    shapes = {v.name: dims(v) for v in list(inferred.graph.value_info) + list(inferred.graph.output)}
    constants = {t.name for t in model.graph.initializer}
    weights = {t.name: list(t.dims) for t in model.graph.initializer}
    for node in model.graph.node:
        # Shape inference stops at a Reshape whose shape is computed (torch's flatten): the
        # product's width is the weight's.
        if node.op_type in ("MatMul", "Gemm") and len(shapes.get(node.output[0], [])) < 2 and node.input[1] in weights:
            trans_b = any(a.name == "transB" and a.i == 1 for a in node.attribute)
            shapes[node.output[0]] = [1, weights[node.input[1]][0 if trans_b else -1]]
    # An Add of a constant is a bias, folded into its producer: not a layer.
    # A 1-D output is a shape computed from shapes (torch's flatten), folded: not a layer either.
    layers = [{"node": node.name, "op": node.op_type, "output": shapes[node.output[0]][1:]}
              for node in inferred.graph.node if node.op_type in LAYER_OPS and len(shapes[node.output[0]]) >= 2
              and not (node.op_type in ("Add", "Sum") and any(i in constants for i in node.input))]
    onnx.save(model, os.path.join(quirks, name + ".onnx"))
    return layers


quirk_layers = {}
# auto_pad SAME_UPPER and SAME_LOWER with stride 2 on an odd size, and asymmetric explicit pads.
quirk_layers["auto_pad"] = save("auto_pad", [
    helper.make_node("Conv", ["image", "w1"], ["a"], name="same_upper", auto_pad="SAME_UPPER", strides=[2, 2]),
    helper.make_node("Conv", ["a", "w2"], ["b"], name="same_lower", auto_pad="SAME_LOWER", strides=[2, 2]),
    helper.make_node("Conv", ["b", "w3"], ["c"], name="asymmetric", pads=[0, 1, 2, 0]),
    helper.make_node("MaxPool", ["c"], ["d"], name="valid", kernel_shape=[2, 2], strides=[2, 2], auto_pad="VALID"),
], [image(dims=("batch", 3, 15, 15))], [floats("w1", (8, 3, 3, 3), 1), floats("w2", (8, 8, 4, 4), 2),
                                         floats("w3", (8, 8, 3, 3), 3)])
# Clip in its attribute form (opset 6-10) and input form (11+), LeakyRelu, a pooling with ceil_mode.
quirk_layers["clip_attributes"] = save("clip_attributes", [
    helper.make_node("Conv", ["image", "w"], ["c"], name="conv", pads=[1, 1, 1, 1]),
    helper.make_node("Clip", ["c"], ["r"], name="relu6", min=0.0, max=6.0),
    helper.make_node("AveragePool", ["r"], ["p"], name="pool", kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1,
                     count_include_pad=1),
], [image()], [floats("w", (4, 3, 3, 3), 4)], opset=9)
quirk_layers["clip_inputs"] = save("clip_inputs", [
    helper.make_node("Conv", ["image", "w"], ["c"], name="conv", pads=[1, 1, 1, 1]),
    helper.make_node("Clip", ["c", "low", "high"], ["r"], name="relu6"),
    helper.make_node("Conv", ["r", "w2"], ["d"], name="conv2"),
    helper.make_node("LeakyRelu", ["d"], ["e"], name="leaky", alpha=0.1),
], [image()], [floats("w", (4, 3, 3, 3), 5), floats("w2", (4, 4, 1, 1), 6),
               numpy_helper.from_array(numpy.array(0, dtype=numpy.float32), "low"),
               numpy_helper.from_array(numpy.array(6, dtype=numpy.float32), "high")])
# torch's export of conv -> batch norm (unfolded) -> relu -> flatten, the flatten as Shape ->
# Gather -> Unsqueeze -> Concat -> Reshape, then MatMul + Add.
quirk_layers["torch_flatten"] = save("torch_flatten", [
    helper.make_node("Conv", ["image", "w"], ["c0"], name="conv", strides=[2, 2]),
    helper.make_node("BatchNormalization", ["c0", "g4", "b4", "m4", "v4"], ["c1"], name="bn"),
    helper.make_node("Relu", ["c1"], ["c"], name="relu"),
    helper.make_node("Shape", ["c"], ["shape"], name="shape"),
    helper.make_node("Gather", ["shape", "zero"], ["batch"], name="gather", axis=0),
    helper.make_node("Unsqueeze", ["batch", "axes"], ["batch1"], name="unsqueeze"),
    helper.make_node("Concat", ["batch1", "minus_one"], ["target"], name="concat", axis=0),
    helper.make_node("Reshape", ["c", "target"], ["flat"], name="reshape"),
    helper.make_node("MatMul", ["flat", "fc_w"], ["m"], name="fc"),
    helper.make_node("Add", ["m", "fc_b"], ["y"], name="fc_bias"),
], [image(dims=(1, 3, 16, 16))], [floats("w", (4, 3, 3, 3), 7), floats("g4", (4,), 17), floats("b4", (4,), 18),
                                  floats("m4", (4,), 19),
                                  numpy_helper.from_array(numpy.array([1, 2, 3, 4], dtype=numpy.float32), "v4"),
                                  ints("zero", 0), ints("axes", [0]), ints("minus_one", [-1]),
               floats("fc_w", (196, 10), 8), floats("fc_b", (10,), 9)])
# Weights behind Identity, as a Constant node, and as ConstantOfShape over a shape initializer;
# a batch of -1; Resize from scales and from sizes; Upsample (opset 9) from a scales input.
identity_weight = floats("w_raw", (6, 3, 3, 3), 10)
quirk_layers["constants_and_resize"] = save("constants_and_resize", [
    helper.make_node("Identity", ["w_raw"], ["w1"], name="identity"),
    helper.make_node("Conv", ["image", "w1"], ["a"], name="conv1", pads=[1, 1, 1, 1]),
    helper.make_node("Constant", [], ["w2"], name="constant", value=numpy_helper.from_array(
        numpy.full((6, 6, 1, 1), 0.01, dtype=numpy.float32))),
    helper.make_node("Conv", ["a", "w2"], ["b"], name="conv2"),
    helper.make_node("ConstantOfShape", ["w3_shape"], ["w3"], name="fill",
                     value=numpy_helper.from_array(numpy.array([0.5], dtype=numpy.float32))),
    helper.make_node("Conv", ["b", "w3"], ["c"], name="conv3"),
    helper.make_node("Resize", ["c", "", "scales"], ["d"], name="resize_scales", mode="nearest"),
    helper.make_node("Resize", ["d", "", "", "sizes"], ["e"], name="resize_sizes", mode="nearest"),
], [image(dims=(-1, 3, 8, 8))], [identity_weight, ints("w3_shape", [6, 6, 1, 1]),
                                  numpy_helper.from_array(numpy.array([1, 1, 2, 2], dtype=numpy.float32), "scales"),
                                  ints("sizes", [1, 6, 48, 48])])
quirk_layers["upsample9"] = save("upsample9", [
    helper.make_node("Conv", ["image", "w"], ["c"], name="conv"),
    helper.make_node("Upsample", ["c", "scales"], ["u"], name="upsample", mode="nearest"),
], [image()], [floats("w", (4, 3, 1, 1), 11),
               numpy_helper.from_array(numpy.array([1, 1, 2, 2], dtype=numpy.float32), "scales")], opset=9)
# Batch norm unfolded after a convolution without bias; a residual Add; a channel shuffle
# (Reshape -> Transpose -> Reshape); Squeeze before Gemm with transB; float16 weights.
bn = [numpy_helper.from_array(numpy.array(v, dtype=numpy.float32), n) for n, v in
      (("g", [1.0] * 8), ("beta", [0.1] * 8), ("mean", [0.0] * 8), ("var", [1.0] * 8))]
quirk_layers["bn_shuffle_squeeze"] = save("bn_shuffle_squeeze", [
    helper.make_node("Conv", ["image", "w"], ["c"], name="conv", pads=[1, 1, 1, 1]),
    helper.make_node("BatchNormalization", ["c", "g", "beta", "mean", "var"], ["n"], name="bn"),
    helper.make_node("Relu", ["n"], ["r"], name="relu"),
    helper.make_node("Reshape", ["r", "split"], ["s1"], name="split"),
    helper.make_node("Transpose", ["s1"], ["s2"], name="swap", perm=[0, 2, 1, 3, 4]),
    helper.make_node("Reshape", ["s2", "merge"], ["s3"], name="merge"),
    helper.make_node("Conv", ["s3", "w16"], ["d"], name="grouped", group=2, pads=[1, 1, 1, 1]),
    helper.make_node("Add", ["d", "r"], ["sum"], name="residual"),
    helper.make_node("GlobalAveragePool", ["sum"], ["g1"], name="gap"),
    helper.make_node("Squeeze", ["g1", "squeeze_axes"], ["v"], name="squeeze"),
    helper.make_node("Gemm", ["v", "fc_w", "fc_b"], ["y"], name="classifier", transB=1),
], [image()], [floats("w", (8, 3, 3, 3), 12)] + bn + [
    ints("split", [1, 2, 4, 16, 16]), ints("merge", [1, 8, 16, 16]),
    numpy_helper.from_array(numpy.random.default_rng(13).uniform(-0.1, 0.1, (8, 4, 3, 3)).astype(numpy.float16), "w16"),
    ints("squeeze_axes", [2, 3]), floats("fc_w", (5, 8), 14), floats("fc_b", (5,), 15)])
# The smooth activations (opset 14 for HardSwish): HardSwish, Sigmoid and PyTorch's HardSigmoid
# attach to their convolution. An AveragePool with padding and ONNX's default count_include_pad
# (0); a Gemm with alpha and beta. onnx's reference evaluator runs it on a seeded image:
# quirks/activations_and_scales-outputs.json holds the image and the outputs of every layer.
activation_nodes = [
    helper.make_node("Conv", ["image", "w1"], ["a0"], name="conv1", pads=[1, 1, 1, 1]),
    helper.make_node("HardSwish", ["a0"], ["a"], name="hswish"),
    helper.make_node("Conv", ["a", "w2", "b2"], ["b0"], name="conv2"),
    helper.make_node("Sigmoid", ["b0"], ["b"], name="sigmoid"),
    helper.make_node("Conv", ["b", "w3"], ["c0"], name="conv3"),
    helper.make_node("HardSigmoid", ["c0"], ["c"], name="torch_hsigmoid", alpha=1.0 / 6, beta=0.5),
    helper.make_node("AveragePool", ["c"], ["p"], name="pool", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
    helper.make_node("GlobalAveragePool", ["p"], ["g"], name="gap"),
    helper.make_node("Flatten", ["g"], ["f"], name="flatten"),
    helper.make_node("Gemm", ["f", "fc_w", "fc_b"], ["y"], name="classifier", transB=1, alpha=0.5, beta=2.0),
]
quirk_layers["activations_and_scales"] = save("activations_and_scales", activation_nodes, [image(dims=(1, 3, 8, 8))], [
    floats("w1", (6, 3, 3, 3), 20), floats("w2", (6, 6, 1, 1), 21), floats("b2", (6,), 22),
    floats("w3", (6, 6, 1, 1), 23), floats("fc_w", (4, 6), 26), floats("fc_b", (4,), 27)], opset=14)
from onnx.reference import ReferenceEvaluator
activation_image = numpy.random.default_rng(28).uniform(-4, 4, (1, 3, 8, 8)).astype(numpy.float32)
evaluator = ReferenceEvaluator(os.path.join(quirks, "activations_and_scales.onnx"))
layer_tensors = {"conv1": "a", "conv2": "b", "conv3": "c", "pool": "p", "gap": "g", "classifier": "y"}
results = evaluator.run(list(layer_tensors.values()), {"image": activation_image})
with open(os.path.join(quirks, "activations_and_scales-outputs.json"), "w") as file:
    json.dump({"image": [float(x) for x in activation_image.flatten()],
               "outputs": {layer: [float(x) for x in result.flatten()]
                           for layer, result in zip(layer_tensors, results)}}, file, sort_keys=True)
    file.write("\n")
# Keras's HardSigmoid (alpha 0.2, ONNX's default) and PyTorch's default LeakyRelu (0.01) are
# functions dse has no form for: pass-throughs with a warning.
quirk_layers["unattached_activations"] = save("unattached_activations", [
    helper.make_node("Conv", ["image", "w1"], ["a0"], name="conv1"),
    helper.make_node("HardSigmoid", ["a0"], ["a"], name="keras_hsigmoid"),
    helper.make_node("Conv", ["a", "w2"], ["b0"], name="conv2"),
    helper.make_node("LeakyRelu", ["b0"], ["b"], name="torch_leaky"),
], [image(dims=(1, 3, 8, 8))], [floats("w1", (6, 3, 1, 1), 29), floats("w2", (6, 6, 1, 1), 30)])
with open(os.path.join(quirks, "expected.json"), "w") as file:
    json.dump(quirk_layers, file, indent=1, sort_keys=True)
    file.write("\n")
print("quirks: " + ", ".join(sorted(quirk_layers)))

# A QDQ-quantized graph (as onnxruntime's quantizer writes): int8 weights with per-channel scales
# behind DequantizeLinear, float weights fake-quantized by QuantizeLinear -> DequantizeLinear,
# and uint8 Q/DQ pairs on activations. quirks/qdq.onnx, and the float weights numpy computes:
# quirks/qdq-weights.json.
generator = numpy.random.default_rng(16)
w_q = generator.integers(-128, 128, (4, 3, 3, 3)).astype(numpy.int8)
w_scale = numpy.array([0.01, 0.02, 0.005, 0.1], dtype=numpy.float32)
w_zero = numpy.array([0, 3, -2, 0], dtype=numpy.int8)
w2 = generator.uniform(-0.5, 0.5, (4, 4, 1, 1)).astype(numpy.float32)
w2_scale = numpy.array(0.004, dtype=numpy.float32)
w2_zero = numpy.array(0, dtype=numpy.int8)
quirk_layers["qdq"] = save("qdq", [
    helper.make_node("QuantizeLinear", ["image", "a_scale", "a_zero"], ["iq"], name="quantize_input"),
    helper.make_node("DequantizeLinear", ["iq", "a_scale", "a_zero"], ["id"], name="dequantize_input"),
    helper.make_node("DequantizeLinear", ["w_q", "w_scale", "w_zero"], ["w"], name="dequantize_w", axis=0),
    helper.make_node("Conv", ["id", "w"], ["c"], name="conv", pads=[1, 1, 1, 1]),
    helper.make_node("Relu", ["c"], ["r"], name="relu"),
    helper.make_node("QuantizeLinear", ["w2", "w2_scale", "w2_zero"], ["w2q"], name="quantize_w2"),
    helper.make_node("DequantizeLinear", ["w2q", "w2_scale", "w2_zero"], ["w2d"], name="dequantize_w2"),
    helper.make_node("Conv", ["r", "w2d"], ["d"], name="conv2"),
], [image()], [
    numpy_helper.from_array(numpy.array(0.05, dtype=numpy.float32), "a_scale"),
    numpy_helper.from_array(numpy.array(128, dtype=numpy.uint8), "a_zero"),
    numpy_helper.from_array(w_q, "w_q"), numpy_helper.from_array(w_scale, "w_scale"),
    numpy_helper.from_array(w_zero, "w_zero"), numpy_helper.from_array(w2, "w2"),
    numpy_helper.from_array(w2_scale, "w2_scale"), numpy_helper.from_array(w2_zero, "w2_zero")])
conv_w = (w_q.astype(numpy.float64) - w_zero.reshape(4, 1, 1, 1)) * w_scale.astype(numpy.float64).reshape(4, 1, 1, 1)
conv2_w = numpy.clip(numpy.rint(w2.astype(numpy.float64) / float(w2_scale)), -128, 127) * float(w2_scale)
with open(os.path.join(quirks, "qdq-weights.json"), "w") as file:
    json.dump({"conv": [float(numpy.float32(x)) for x in conv_w.flatten()],
               "conv2": [float(numpy.float32(x)) for x in conv2_w.flatten()]}, file)
    file.write("\n")
with open(os.path.join(quirks, "expected.json"), "w") as file:
    json.dump(quirk_layers, file, indent=1, sort_keys=True)
    file.write("\n")
