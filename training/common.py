"""Shared text normalisation, tokenisation and data loading.

The TypeScript side (src/nlp/model/tokenizer.ts) mirrors normalize()/encode() exactly; any change
here must be mirrored there and the parity fixture regenerated (training/make_parity_fixture.py).
"""
import json
import os
import re
import unicodedata

DATA = os.environ.get('GUANDIAN_DATA', '/work/shared/data')

SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']
PAD, UNK, CLS, SEP, MASK = range(5)

# Explicit set instead of \s: Python's and JavaScript's \s disagree on a few code points.
_WS = re.compile('[\t\n\v\f\r\x1c-\x1f \u0085\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]+')


def normalize(text: str) -> str:
    """NFKC folds full-width forms to ASCII; lower-casing and whitespace folding shrink the vocabulary."""
    t = unicodedata.normalize('NFKC', text)
    t = ''.join(ch.lower() if 'A' <= ch <= 'Z' else ch for ch in t)
    t = _WS.sub(' ', t).strip(' ')
    return t


def chars(text: str) -> list:
    """Code points of the normalised text (Python str iterates code points, as JS for..of does)."""
    return list(normalize(text))


def truncate_ids(ids: list, max_chars: int) -> list:
    """Keep head and tail: reviews often put the verdict at the end."""
    if len(ids) <= max_chars:
        return ids
    head = max_chars // 2
    tail = max_chars - head
    return ids[:head] + ids[-tail:]


class CharTokenizer:
    def __init__(self, vocab: list):
        self.vocab = vocab
        self.index = {t: i for i, t in enumerate(vocab)}

    def encode(self, text: str, max_len: int) -> list:
        ids = [self.index.get(c, UNK) for c in chars(text)]
        ids = truncate_ids(ids, max_len - 2)
        return [CLS] + ids + [SEP]


def read_jsonl(path):
    with open(path, encoding='utf-8') as f:
        return [json.loads(line) for line in f if line.strip()]


SENTIMENT_SETS = ['chnsenticorp_htl', 'waimai_10k', 'online_shopping_10_cats']


def load_sentiment(split):
    out = {}
    for name in SENTIMENT_SETS:
        rows = read_jsonl(os.path.join(DATA, 'sentiment', name, f'{split}.jsonl'))
        out[name] = [(r['text'], int(r['label'])) for r in rows]
    return out


def add_encoder_args(ap, max_len: int, lr: float) -> None:
    """The encoder's shape and the shared run options, for the pretraining and fine-tuning scripts alike
    (train.sh passes the same shape to both, so the pretrained weights fit the fine-tuned model)."""
    ap.add_argument('--layers', type=int, default=2)
    ap.add_argument('--hidden', type=int, default=128)
    ap.add_argument('--heads', type=int, default=4)
    ap.add_argument('--ffn', type=int, default=512)
    ap.add_argument('--max-len', type=int, default=max_len)
    ap.add_argument('--batch', type=int, default=64)
    ap.add_argument('--lr', type=float, default=lr)
    ap.add_argument('--seed', type=int, default=13)


def deterministic_torch(seed: int) -> None:
    """Seeded, deterministic CPU training; 1 thread by default: on the shared 2-core box, 2 OpenMP threads
    measured 3.5x slower per step under load (GUANDIAN_TORCH_THREADS overrides)."""
    import random

    import numpy as np
    import torch

    torch.set_num_threads(int(os.environ.get('GUANDIAN_TORCH_THREADS', '1')))
    torch.manual_seed(seed)
    random.seed(seed)
    np.random.seed(seed)
    torch.use_deterministic_algorithms(True)
