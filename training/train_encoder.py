"""Trains the BERT-shaped character encoder (multitask: 3-way sentiment + 15-way CX category).

Deterministic given --seed (single process, fixed thread count, deterministic algorithms on CPU).
Writes training/work/encoder.pt and dev logits for stacking.
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
from common import PAD, CharTokenizer, add_encoder_args, deterministic_torch, read_jsonl  # noqa: E402

WORK = os.path.join(os.path.dirname(__file__), 'work')
N_SENT, N_CAT = 3, 15


class Layer(nn.Module):
    def __init__(self, h, heads, ffn, drop):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(h, 3 * h)
        self.out = nn.Linear(h, h)
        self.ln1 = nn.LayerNorm(h, eps=1e-12)
        self.ff1 = nn.Linear(h, ffn)
        self.ff2 = nn.Linear(ffn, h)
        self.ln2 = nn.LayerNorm(h, eps=1e-12)
        self.drop = nn.Dropout(drop)

    def forward(self, x, bias):
        b, t, h = x.shape
        d = h // self.heads
        q, k, v = self.qkv(x).view(b, t, 3, self.heads, d).permute(2, 0, 3, 1, 4)
        att = torch.matmul(q, k.transpose(-1, -2)) * (1.0 / math.sqrt(d)) + bias
        att = self.drop(torch.softmax(att, dim=-1))
        y = torch.matmul(att, v).transpose(1, 2).reshape(b, t, h)
        x = self.ln1(x + self.drop(self.out(y)))
        return self.ln2(x + self.drop(self.ff2(F.gelu(self.ff1(x)))))


class Encoder(nn.Module):
    def __init__(self, vocab, h, layers, heads, ffn, max_pos, drop=0.1):
        super().__init__()
        self.tok = nn.Embedding(vocab, h)
        self.pos = nn.Embedding(max_pos, h)
        self.ln = nn.LayerNorm(h, eps=1e-12)
        self.drop = nn.Dropout(drop)
        self.layers = nn.ModuleList([Layer(h, heads, ffn, drop) for _ in range(layers)])
        self.head = nn.Linear(2 * h, N_SENT + N_CAT)

    def hidden(self, input_ids, attention_mask):
        """Per-token states of the last layer (what masked-LM pretraining predicts from)."""
        t = input_ids.shape[1]
        pos = torch.arange(t, device=input_ids.device).unsqueeze(0)
        x = self.drop(self.ln(self.tok(input_ids) + self.pos(pos)))
        m = attention_mask.to(x.dtype)
        bias = ((1.0 - m) * -10000.0)[:, None, None, :]
        for layer in self.layers:
            x = layer(x, bias)
        return x

    def forward(self, input_ids, attention_mask):
        x = self.hidden(input_ids, attention_mask)
        m = attention_mask.to(x.dtype)
        # CLS plus masked mean: the mean gives short clauses a stable summary early in training.
        mean = (x * m.unsqueeze(-1)).sum(1) / m.sum(1, keepdim=True).clamp(min=1.0)
        return self.head(self.drop(torch.cat([x[:, 0], mean], dim=-1)))


def adamw(params, lr, eps=1e-8):
    """AdamW as the encoder runs use it: weight decay 0.01 on weight matrices only (biases, norms and nothing else)."""
    params = list(params)
    return torch.optim.AdamW([{'params': [p for p in params if p.dim() >= 2], 'weight_decay': 0.01},
                              {'params': [p for p in params if p.dim() < 2], 'weight_decay': 0.0}],
                             lr=lr, betas=(0.9, 0.98), eps=eps)


def warmup_linear(opt, warm, total):
    """Linear warm-up over `warm` steps, then linear decay to zero at `total`."""
    return torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, 1.0 - s / total))


def update(params, opt, sched, loss):
    """One training step: gradients clipped to norm 1, then the optimizer and the schedule."""
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, 1.0)
    opt.step()
    sched.step()


def batches(examples, tok, max_len, batch_size, rng, shuffle):
    enc = [(tok.encode(e['text'], max_len), e['sent'], e['cat']) for e in examples]
    order = list(range(len(enc)))
    if shuffle:
        rng.shuffle(order)
    # Sort within chunks of 50 batches by length: far less padding, still random across chunks.
    chunk = batch_size * 50
    groups = []
    for s in range(0, len(order), chunk):
        part = sorted(order[s:s + chunk], key=lambda i: len(enc[i][0]))
        groups.extend(part[j:j + batch_size] for j in range(0, len(part), batch_size))
    if shuffle:
        rng.shuffle(groups)
    for g in groups:
        t = max(len(enc[i][0]) for i in g)
        ids = torch.full((len(g), t), PAD, dtype=torch.long)
        for r, i in enumerate(g):
            ids[r, :len(enc[i][0])] = torch.tensor(enc[i][0])
        yield g, ids, (ids != PAD).long(), torch.tensor([enc[i][1] for i in g]), torch.tensor([enc[i][2] for i in g])


def evaluate(model, examples, tok, max_len):
    model.eval()
    logits = np.zeros((len(examples), N_SENT + N_CAT), dtype=np.float32)
    with torch.no_grad():
        for g, ids, mask, _, _ in batches(examples, tok, max_len, 128, None, False):
            logits[g] = model(ids, mask).numpy()
    model.train()
    return logits


def report(examples, logits):
    out = {}
    srcs = sorted({e['src'] for e in examples})
    for s in srcs:
        idx = [i for i, e in enumerate(examples) if e['src'] == s]
        si = [i for i in idx if examples[i]['sent'] in (0, 2)]
        ci = [i for i in idx if examples[i]['cat'] >= 0]
        r = {}
        if si:
            pred = np.where(logits[si, 2] > logits[si, 0], 2, 0)
            r['sent_acc'] = round(float((pred == np.array([examples[i]['sent'] for i in si])).mean()), 4)
        if ci:
            pred = logits[ci, N_SENT:].argmax(1)
            r['cat_acc'] = round(float((pred == np.array([examples[i]['cat'] for i in ci])).mean()), 4)
        out[s] = r
    return out


def main():
    ap = argparse.ArgumentParser()
    add_encoder_args(ap, max_len=160, lr=1e-3)
    ap.add_argument('--epochs', type=float, default=2.0)
    ap.add_argument('--minutes', type=float, default=1e9, help='hard wall-clock cap; schedule assumes epochs')
    ap.add_argument('--init', default='', help='encoder weights from pretrain_mlm.py (the classification head stays new)')
    ap.add_argument('--out', default=os.path.join(WORK, 'encoder.pt'))
    args = ap.parse_args()

    deterministic_torch(args.seed)

    vocab = json.load(open(os.path.join(WORK, 'vocab.json'), encoding='utf-8'))
    tok = CharTokenizer(vocab)
    train = read_jsonl(os.path.join(WORK, 'examples-train.jsonl'))
    dev = read_jsonl(os.path.join(WORK, 'examples-dev.jsonl'))
    model = Encoder(len(vocab), args.hidden, args.layers, args.heads, args.ffn, args.max_len)
    mlm_cfg = None
    if args.init:
        ck = torch.load(args.init)
        mlm_cfg = ck['config']
        for k in ('layers', 'hidden', 'heads', 'ffn', 'max_len', 'vocab_size'):
            have = len(vocab) if k == 'vocab_size' else getattr(args, k)
            assert mlm_cfg[k] == have, f'--init {args.init}: {k} {mlm_cfg[k]} != {have}'
        missing, unexpected = model.load_state_dict(ck['state'], strict=False)
        assert not unexpected and all(k.startswith('head.') for k in missing), (missing, unexpected)
        print(f'init from {args.init} (MLM {mlm_cfg["steps"]} steps, loss {mlm_cfg["final_loss_ema"]})', flush=True)
    n_params = sum(p.numel() for p in model.parameters())
    steps_per_epoch = math.ceil(len(train) / args.batch)
    total = int(steps_per_epoch * args.epochs)
    warm = min(500, total // 10)
    opt = adamw(model.parameters(), args.lr)
    sched = warmup_linear(opt, warm, total)
    print(f'params {n_params} steps {total}', flush=True)
    rng = random.Random(args.seed)
    step, t0, done = 0, time.time(), False
    while not done:
        for _, ids, mask, ys, yc in batches(train, tok, args.max_len, args.batch, rng, True):
            logits = model(ids, mask)
            loss = F.cross_entropy(logits[:, :N_SENT], ys, ignore_index=-1) if (ys >= 0).any() else 0.0
            if (yc >= 0).any():
                loss = loss + F.cross_entropy(logits[:, N_SENT:], yc, ignore_index=-1)
            update(model.parameters(), opt, sched, loss)
            step += 1
            if step % 200 == 0 or step in (10, 50):
                print(f'step {step}/{total} loss {float(loss):.4f} {time.time() - t0:.0f}s', flush=True)
            if step >= total or time.time() - t0 > args.minutes * 60:
                done = True
                break
    train_s = time.time() - t0
    logits = evaluate(model, dev, tok, args.max_len)
    print(json.dumps(report(dev, logits), ensure_ascii=False), flush=True)
    cfg = {k: getattr(args, k) for k in ('layers', 'hidden', 'heads', 'ffn', 'max_len', 'seed', 'epochs', 'lr', 'batch')}
    cfg.update(vocab_size=len(vocab), params=n_params, steps=step, train_seconds=round(train_s))
    if mlm_cfg:
        cfg['mlm'] = mlm_cfg
    torch.save({'state': model.state_dict(), 'config': cfg}, args.out)
    np.save(args.out.replace('.pt', '-dev-logits.npy'), logits)
    print(json.dumps(cfg), flush=True)


if __name__ == '__main__':
    main()
