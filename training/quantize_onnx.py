"""Dynamic int8 quantisation without onnxruntime's Python tooling (not packaged for Debian).

Rewrites every MatMul whose right operand is a float initializer into the same pattern
onnxruntime.quantization.quantize_dynamic emits: DynamicQuantizeLinear on the activation,
MatMulInteger against per-output-channel symmetric int8 weights, Cast, and a Mul by the combined
scale. Embedding tables (Gather) and the tiny Gemm head stay float32, as in quantize_dynamic.
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def quantize(src, dst):
    model = onnx.load(src)
    g = model.graph
    inits = {i.name: i for i in g.initializer}
    new_nodes, drop_inits, n_q = [], set(), 0
    for node in g.node:
        w_name = node.input[1] if node.op_type == 'MatMul' and len(node.input) == 2 else None
        w_init = inits.get(w_name) if w_name else None
        if w_init is None or w_init.data_type != TensorProto.FLOAT or len(w_init.dims) != 2:
            new_nodes.append(node)
            continue
        w = numpy_helper.to_array(w_init).astype(np.float32)  # [K, N]
        scale = np.maximum(np.abs(w).max(axis=0), 1e-8) / 127.0
        wq = np.clip(np.round(w / scale[None, :]), -127, 127).astype(np.int8)
        p = f'{node.name or w_name}_q{n_q}'
        n_q += 1
        g.initializer.extend([
            numpy_helper.from_array(wq, f'{p}_w'),
            numpy_helper.from_array(scale.astype(np.float32), f'{p}_ws'),
            numpy_helper.from_array(np.zeros(w.shape[1], dtype=np.int8), f'{p}_wzp'),
        ])
        drop_inits.add(w_name)
        x = node.input[0]
        new_nodes += [
            helper.make_node('DynamicQuantizeLinear', [x], [f'{p}_xq', f'{p}_xs', f'{p}_xzp'], name=f'{p}_dql'),
            helper.make_node('MatMulInteger', [f'{p}_xq', f'{p}_w', f'{p}_xzp', f'{p}_wzp'], [f'{p}_i32'], name=f'{p}_mmi'),
            helper.make_node('Cast', [f'{p}_i32'], [f'{p}_f'], to=TensorProto.FLOAT, name=f'{p}_cast'),
            helper.make_node('Mul', [f'{p}_xs', f'{p}_ws'], [f'{p}_s'], name=f'{p}_scale'),
            helper.make_node('Mul', [f'{p}_f', f'{p}_s'], [node.output[0]], name=f'{p}_out'),
        ]
    del g.node[:]
    g.node.extend(new_nodes)
    still_used = {i for n in g.node for i in n.input}
    keep = [i for i in g.initializer if i.name not in drop_inits or i.name in still_used]
    del g.initializer[:]
    g.initializer.extend(keep)
    onnx.checker.check_model(model)
    onnx.save(model, dst)
    return n_q


if __name__ == '__main__':
    print(quantize(sys.argv[1], sys.argv[2]), 'MatMuls quantized')
