"""Masked-language-model pretraining of the character encoder on the unlabeled train text.

Corpus: every text of the train splits in $GUANDIAN_DATA (sentiment/*, aspect/*, targets/*; the held-out
test texts were already removed from them), normalised with common.normalize, minus any text that also
appears in a sentiment or aspect dev file (build_data.dev_texts), de-duplicated. Texts are encoded with
the fine-tune vocabulary (training/work/vocab.json), joined with [SEP] into one stream and cut into
sequences of max_len: [CLS] + max_len-2 characters + [SEP], so no compute goes to padding.

Masking is BERT's: 15% of the character positions, of which 80% become [MASK], 10% a random
character and 10% stay. The output layer is BERT's (dense + GELU + LayerNorm, then a decoder tied to
the token embeddings plus a bias); logits are computed only at masked positions. The encoder is the
same Encoder as train_encoder.py, so the saved state (minus its classification head, which stays at
init and is dropped) initialises the fine-tune: train_encoder.py --init training/work/mlm.pt.

Deterministic given --seed for a fixed --steps (single thread); --minutes is a hard wall-clock cap that
stops early (the run then prints that it was cut, and is no longer reproducible step for step).
"""
import argparse
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from build_data import dev_texts  # noqa: E402
from common import CLS, DATA, MASK, SEP, SPECIALS, UNK, add_encoder_args, deterministic_torch, normalize, read_jsonl  # noqa: E402
from train_encoder import Encoder, adamw, update, warmup_linear  # noqa: E402

WORK = os.path.join(os.path.dirname(__file__), 'work')


def corpus_texts():
    held = dev_texts()
    seen, out = set(), []
    for group in ('sentiment', 'aspect', 'targets'):
        root = os.path.join(DATA, group)
        for name in sorted(os.listdir(root)):
            path = os.path.join(root, name, 'train.jsonl')
            if not os.path.exists(path):
                continue
            for r in read_jsonl(path):
                t = normalize(r.get('text') or '')
                if t and t not in held and t not in seen:
                    seen.add(t)
                    out.append(t)
    return out


def pack(texts, index, max_len, rng):
    """Shuffled texts → one [SEP]-joined id stream → rows of [CLS] + (max_len-2) ids + [SEP]."""
    order = list(range(len(texts)))
    rng.shuffle(order)
    stream = []
    for i in order:
        stream.extend(index.get(c, UNK) for c in texts[i])
        stream.append(SEP)
    n = max_len - 2
    rows = [[CLS] + stream[s:s + n] + [SEP] for s in range(0, len(stream) - n + 1, n)]
    return torch.tensor(rows, dtype=torch.long)


class MLMHead(nn.Module):
    def __init__(self, enc, vocab):
        super().__init__()
        h = enc.tok.weight.shape[1]
        self.dense = nn.Linear(h, h)
        self.ln = nn.LayerNorm(h, eps=1e-12)
        self.bias = nn.Parameter(torch.zeros(vocab))
        self.tok = enc.tok  # tied decoder

    def forward(self, x):
        return F.linear(self.ln(F.gelu(self.dense(x))), self.tok.weight, self.bias)


def mask_batch(ids, vocab_size, gen, p=0.15):
    """BERT masking; [CLS]/[SEP] are never chosen. Returns (inputs, positions, targets)."""
    inp = ids.clone()
    cand = ids >= len(SPECIALS)
    sel = (torch.rand(ids.shape, generator=gen) < p) & cand
    r = torch.rand(ids.shape, generator=gen)
    rand_ids = torch.randint(len(SPECIALS), vocab_size, ids.shape, generator=gen)
    inp[sel & (r < 0.8)] = MASK
    swap = sel & (r >= 0.8) & (r < 0.9)
    inp[swap] = rand_ids[swap]
    return inp, sel, ids[sel]


def main():
    ap = argparse.ArgumentParser()
    add_encoder_args(ap, max_len=96, lr=2e-3)
    ap.add_argument('--steps', type=int, default=1500)
    ap.add_argument('--warmup', type=int, default=150)
    ap.add_argument('--mlm-minutes', type=float, default=1e9, help='hard wall-clock cap (stops early)')
    ap.add_argument('--out', default=os.path.join(WORK, 'mlm.pt'))
    args = ap.parse_args()

    deterministic_torch(args.seed)

    vocab = json.load(open(os.path.join(WORK, 'vocab.json'), encoding='utf-8'))
    index = {t: i for i, t in enumerate(vocab)}
    t_load = time.time()
    texts = corpus_texts()
    rng = random.Random(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    rows = pack(texts, index, args.max_len, rng)
    n_chars = sum(len(t) for t in texts)
    unk = float((rows == UNK).float().mean())
    print(f'mlm corpus: {len(texts)} texts, {n_chars} chars, {rows.shape[0]} rows of {args.max_len}, '
          f'UNK {unk:.4f}, {time.time() - t_load:.0f}s', flush=True)

    enc = Encoder(len(vocab), args.hidden, args.layers, args.heads, args.ffn, args.max_len)
    # BERT's embedding init (N(0, 0.02)): with the decoder tied to them, torch's N(0, 1) default gives
    # initial logits of std ~11 and a loss near 40; position embeddings on the same scale as tokens.
    nn.init.normal_(enc.tok.weight, std=0.02)
    nn.init.normal_(enc.pos.weight, std=0.02)
    head = MLMHead(enc, len(vocab))
    params = [p for n, p in enc.named_parameters() if not n.startswith('head.')] + \
             [p for n, p in head.named_parameters() if not n.startswith('tok.')]
    opt = adamw(params, args.lr, eps=1e-6)
    total, warm = args.steps, args.warmup
    sched = warmup_linear(opt, warm, total)
    # Unigram entropy of the corpus: the loss a model that ignores context would reach.
    counts = torch.bincount(rows[rows >= len(SPECIALS)], minlength=len(vocab)).double()
    pr = counts[counts > 0] / counts.sum()
    print(f'steps {total} batch {args.batch} lr {args.lr} warmup {warm}; unigram entropy '
          f'{float(-(pr * pr.log()).sum()):.3f} nats; epochs {total * args.batch / rows.shape[0]:.2f}', flush=True)

    step, t0, run, cut, perm, at = 0, time.time(), 0.0, False, None, 0
    while step < total:
        if perm is None or at + args.batch > len(perm):
            perm, at = torch.randperm(rows.shape[0], generator=gen), 0
        ids = rows[perm[at:at + args.batch]]
        at += args.batch
        inp, sel, tgt = mask_batch(ids, len(vocab), gen)
        x = enc.hidden(inp, torch.ones_like(inp))  # packed sequences: no padding
        loss = F.cross_entropy(head(x[sel]), tgt)
        update(params, opt, sched, loss)
        step += 1
        run = float(loss) if step == 1 else 0.98 * run + 0.02 * float(loss)
        if step % 200 == 0 or step in (10, 50):
            print(f'mlm step {step}/{total} loss {float(loss):.4f} (ema {run:.4f}) {time.time() - t0:.0f}s', flush=True)
        if time.time() - t0 > args.mlm_minutes * 60 and step < total:
            print(f'mlm: cut by --mlm-minutes {args.mlm_minutes} at step {step}/{total}', flush=True)
            cut = True
            break
    secs = time.time() - t0
    state = {k: v for k, v in enc.state_dict().items() if not k.startswith('head.')}
    cfg = {k: getattr(args, k) for k in ('layers', 'hidden', 'heads', 'ffn', 'max_len', 'seed', 'lr', 'batch', 'warmup')}
    cfg.update(planned_steps=total, steps=step, cut_by_time=cut, seconds=round(secs), final_loss_ema=round(run, 4),
               corpus_texts=len(texts), corpus_chars=n_chars, rows=int(rows.shape[0]),
               epochs=round(step * args.batch / rows.shape[0], 2), vocab_size=len(vocab))
    torch.save({'state': state, 'config': cfg}, args.out)
    print(json.dumps(cfg), flush=True)


if __name__ == '__main__':
    main()
