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
