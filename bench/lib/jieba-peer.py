"""Python jieba side of the segment benchmark.

Reads one text per line, segments every line with Debian's jieba (HMM on) after loading the same
user dictionary the service gives @node-rs/jieba, and writes the token lengths of each line (in
UTF-16 code units, the unit the Node side counts in) so boundaries can be compared. Only the
segmentation loop is timed; reading and writing are outside it.

usage: jieba-peer.py MODE INPUT USERDICT OUTPUT   (MODE: cut | posseg)
prints one JSON object: {"seconds", "bytes", "lines", "tokens", "jieba"}
"""
import json
import logging
import sys
import time

import jieba
import jieba.posseg

mode, input_path, user_dict, output_path = sys.argv[1:5]
jieba.setLogLevel(logging.WARNING)
jieba.initialize()
jieba.load_userdict(user_dict)

with open(input_path, encoding="utf-8") as f:
    lines = f.read().split("\n")
if lines and lines[-1] == "":
    lines.pop()

if mode == "posseg":
    def segment(line):
        return [p.word for p in jieba.posseg.cut(line, HMM=True)]
else:
    def segment(line):
        return jieba.lcut(line, HMM=True)

# warm the HMM and dictionary caches so the timing is steady-state, as on the Node side
for line in lines[:200]:
    segment(line)

start = time.perf_counter()
result = [segment(line) for line in lines]
seconds = time.perf_counter() - start

tokens = 0
with open(output_path, "w", encoding="utf-8") as out:
    for words in result:
        tokens += len(words)
        out.write(" ".join(str(len(w.encode("utf-16-le")) // 2) for w in words))
        out.write("\n")

total_bytes = sum(len(line.encode("utf-8")) for line in lines)
print(json.dumps({"seconds": seconds, "bytes": total_bytes, "lines": len(lines), "tokens": tokens, "jieba": jieba.__version__}))
