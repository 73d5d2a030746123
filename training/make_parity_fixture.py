"""Generates tests/model/fixtures/tokenizer-parity.jsonl: synthetic strings (no corpus text) with the
Python tokenizer's normalised form and ids plus the sparse sentiment score, so the TypeScript test
needs neither Python nor torch.

  /usr/bin/python3 training/make_parity_fixture.py models/guandian-zh-cx tests/model/fixtures/tokenizer-parity.jsonl
"""
import json
import os
import random
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from common import CharTokenizer, normalize  # noqa: E402
from train_sparse import mixed_sentiment, rounded_scores  # noqa: E402

PHRASES = ['服务态度特别好', '等了两个小时还没人处理', '房间很干净', '送餐太慢了', '价格有点贵', '客服一直推销',
           '這個產品質量很好', '服務態度很差', '網絡信號不穩定', '退貨流程太麻煩', '環境優美，交通便利', '味道還不錯',
           'APP总是闪退', 'WiFi信号差', '5G网速很快', 'iPhone 15 Pro Max', 'The service was GREAT!', 'not bad at all',
           '快递小哥👍👍', '好吃😋😋😋', '差评👎', '👨‍👩‍👧‍👦一家人', '👍🏽点赞', '🇨🇳', '性价比高✨', '気持ちいい', 'ｶﾀｶﾅ',
           '한국어 리뷰', 'café naïve', 'ﬁne ﬂower', '①②③', '㎏㎡℃', 'Ⅻ点', '½价', '™®©', '𠮷野家', '\u0301重音',
           '１２３４５', 'ＡＢＣ ａｂｃ', '！？。，；：', '（括号）【】', '“引号”‘单’', '——……', '\t制表\t', '多  空格',
           '\u3000全角空格\u3000', '不\u00a0换行', '零\u200b宽', '换\n行', '回\r\n车', '\ufeffBOM开头', '结尾空格   ',
           '   开头空格', '', ' ', 'Mixed中英文mixed', 'emoji结尾🙂', '数字123.45元', '电话400-800-8888',
           'ÀÉÎÕÜ', 'ΑΒΓ', 'ДЖЗ', 'İstanbul', 'ß straße', 'ǅ', '\x1c\x1d分隔']
RANGES = [(0x4e00, 0x9fff), (0x3400, 0x4dbf), (0xff01, 0xff5e), (0x1f300, 0x1f6ff), (0x20, 0x7e), (0x3000, 0x303f),
          (0x2460, 0x24ff), (0xac00, 0xd7a3), (0x3040, 0x30ff), (0xff61, 0xff9f), (0x2000, 0x206f), (0x00a0, 0x017f),
          (0x20000, 0x2a6df), (0xfe30, 0xfe4f), (0x2e80, 0x2fdf), (0x1f900, 0x1f9ff)]


def strings(rng, n):
    out = list(PHRASES)
    while len(out) < n:
        kind = rng.random()
        if kind < 0.4:
            out.append(''.join(rng.choice(PHRASES) for _ in range(rng.randint(1, 4))))
        elif kind < 0.8:
            s = []
            for _ in range(rng.randint(1, 40)):
                lo, hi = rng.choice(RANGES)
                s.append(chr(rng.randint(lo, hi)))
            out.append(''.join(s))
        else:
            # Long strings exercise head+tail truncation.
            out.append(''.join(rng.choice(PHRASES) for _ in range(rng.randint(20, 40))))
    return out


def main():
    model_dir, dst = sys.argv[1], sys.argv[2]
    tok_json = json.load(open(os.path.join(model_dir, 'tokenizer.json'), encoding='utf-8'))
    cfg = json.load(open(os.path.join(model_dir, 'config.json'), encoding='utf-8'))['guandian']
    vocab = sorted(tok_json['model']['vocab'], key=tok_json['model']['vocab'].get)
    tok = CharTokenizer(vocab)
    meta = cfg['sparse']['sentiment']
    grams = open(os.path.join(model_dir, meta['vocab']), encoding='utf-8', newline='').read().split('\n')
    w = np.fromfile(os.path.join(model_dir, meta['weights']), dtype='<f2')
    V, K = meta['n_features'], meta['k']
    idf, coef = w[:V], w[V:].reshape(V, K)
    texts = strings(random.Random(7), 1200)
    # the served sentiment score: every weight column (pooled, experts, router) takes part
    scores = mixed_sentiment(rounded_scores([normalize(t) for t in texts], grams, idf, coef.T, np.array(meta['intercept']),
                                            {'ngram': tuple(meta['ngram_range'])}), meta.get('mixture'))
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    with open(dst, 'w', encoding='utf-8') as f:
        for t, s in zip(texts, scores):
            f.write(json.dumps({'text': t, 'normalized': normalize(t), 'ids': tok.encode(t, cfg['max_len']),
                                'sparseSentiment': round(float(s), 6)}, ensure_ascii=True) + '\n')
    print(len(texts), 'strings ->', dst)


if __name__ == '__main__':
    main()
