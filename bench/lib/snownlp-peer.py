"""SnowNLP side of the sentiment benchmark.

Classifies every text of the given JSONL files with SnowNLP's published naive Bayes weights
(SnowNLP(text).sentiments >= 0.5 means positive) and reports accuracy and sentences/s per file.

If the checkout lacks SnowNLP's segmentation model (some mirrors drop its largest blobs), SnowNLP
cannot even be imported; then its segmenter is replaced by Debian jieba (HMM on) before import and
the output says so, because the classifier then sees different words than upstream SnowNLP would.

usage: snownlp-peer.py SNOWNLP_DIR LIMITS FILE...   (LIMITS: rows to read per file, comma-separated; 0 = all)
prints one JSON object: {"segmenter", "sets": {file: {"n", "correct", "seconds"}}}
"""
import json
import os
import re
import sys
import time
import types

snow_dir, files = sys.argv[1], sys.argv[3:]
limits = [int(x) for x in sys.argv[2].split(",")]
sys.path.insert(0, snow_dir)
seg_model = os.path.join(snow_dir, "snownlp", "seg", "seg.marshal" + (".3" if sys.version_info[0] == 3 else ""))
segmenter = "snownlp (its own character-based model)"
if not os.path.exists(seg_model):
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    han = re.compile("([\u4E00-\u9FA5]+)")

    # same contract as snownlp.seg.seg: Chinese runs are segmented, other runs split on whitespace
    def seg(sent):
        words = []
        for part in han.split(sent):
            part = part.strip()
            if not part:
                continue
            if han.match(part):
                words.extend(jieba.lcut(part, HMM=True))
            else:
                words.extend(w for w in part.split() if w)
        return words

    stub = types.ModuleType("snownlp.seg")
    stub.seg = seg
    sys.modules["snownlp.seg"] = stub
    segmenter = "Debian jieba %s (SnowNLP's seg.marshal is missing from the checkout)" % jieba.__version__

from snownlp import SnowNLP  # noqa: E402  (after the optional segmenter swap)

out = {"segmenter": segmenter, "sets": {}}
for path, limit in zip(files, limits):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                rows.append(json.loads(line))
            if limit and len(rows) >= limit:
                break
    SnowNLP(rows[0]["text"]).sentiments  # first call loads lazily cached tables; keep it out of the timing
    correct = 0
    start = time.perf_counter()
    for row in rows:
        predicted = 1 if SnowNLP(row["text"]).sentiments >= 0.5 else 0
        correct += predicted == int(row["label"])
    seconds = time.perf_counter() - start
    out["sets"][path] = {"n": len(rows), "correct": correct, "seconds": seconds}
print(json.dumps(out))
