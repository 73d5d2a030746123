#!/usr/bin/env bash
# Debian packages the training pipeline needs (Debian 12 / bookworm). Python: always /usr/bin/python3,
# which sees these packages (a python3 earlier on PATH may be a different build).
set -euo pipefail
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends python3 python3-torch python3-onnx python3-sklearn python3-jieba python3-numpy
/usr/bin/python3 -c "import torch, onnx, sklearn, numpy; print('torch', torch.__version__, 'onnx', onnx.__version__, 'sklearn', sklearn.__version__)"
