"""Issue #4 experiment: the sparse sentiment domain mixture (training/train_sparse.py) against the single
pooled model it replaced, by k-fold cross-validation on the train examples and on dev.

Both come from the same fit (`sentiment_columns`): column 0 is the pooled model that shipped alone up to
guandian-zh-cx-2026.11.28.2, `mixed_sentiment` the served mixture of it, the hotel and waimai experts and
the router. Prints accuracy on hotel / waimai / shopping whole reviews (the held-out fold's, then dev's) and
on the gold CX opinion clauses. Nothing is fitted on dev.

Not part of `npm run train`. Run after training/build_data.py (3 folds: about 4 min on 2 cores):
  /usr/bin/python3 training/experiments/domain_experts.py [--folds 3] [--experts hotel,waimai]
"""
import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))
from build_data import gold_opinion_clauses  # noqa: E402
from common import SENTIMENT_SETS, normalize, read_jsonl  # noqa: E402
from train_sparse import (SPECS, WORK, mixed_sentiment, mixture_layout, sentiment_columns,  # noqa: E402
                          sentiment_targets, vectorizer)


def scores_of(spec, X, targets, Xt):
    coef, intercept = sentiment_columns(spec, X, *targets)
    s = np.asarray(Xt @ coef.T) + intercept[None, :]
    return s[:, 0], mixed_sentiment(s, mixture_layout(len(spec['experts'])))


def acc_by_set(score, y, sets):
    return [round(float(((score[sets == n] > 0).astype(int) == y[sets == n]).mean()), 4) for n in SENTIMENT_SETS]


def gold_clauses():
    """Gold opinion clauses with a polarity, as export_model.py scores them (evaluation only)."""
    return [(g['text'], int(g['polarity'] == 'positive')) for g in gold_opinion_clauses() if g['polarity'] in ('positive', 'negative')]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--folds', type=int, default=3)
    ap.add_argument('--experts', default='hotel,waimai')
    args = ap.parse_args()
    spec = dict(SPECS['sentiment'], experts=tuple(args.experts.split(',')))
    tr = read_jsonl(os.path.join(WORK, 'examples-train.jsonl'))
    dv = [e for e in read_jsonl(os.path.join(WORK, 'examples-dev.jsonl')) if e['sent'] in (0, 2) and e['src'] in SENTIMENT_SETS]
    texts = [normalize(e['text']) for e in tr]
    targets = sentiment_targets(tr, texts)
    y, labelled = targets[0], targets[1]
    sets = np.array([e['src'] for e in tr])
    fold = np.random.RandomState(7).randint(0, args.folds, len(tr))
    cv_pooled, cv_mix = np.zeros(len(tr)), np.zeros(len(tr))
    for k in range(args.folds):
        t0 = time.time()
        trn = fold != k
        vec = vectorizer(spec)
        X = vec.fit_transform([t for t, f in zip(texts, trn) if f])
        Xt = vec.transform([t for t, f in zip(texts, trn) if not f])
        cv_pooled[~trn], cv_mix[~trn] = scores_of(spec, X, [t[trn] for t in targets], Xt)
        print(f'fold {k} {time.time() - t0:.0f}s', file=sys.stderr, flush=True)
    rev = labelled & np.isin(sets, SENTIMENT_SETS)
    out = {'experts': list(spec['experts']),
           'cv': {'pooled': acc_by_set(cv_pooled[rev], y[rev], sets[rev]), 'mixture': acc_by_set(cv_mix[rev], y[rev], sets[rev])}}
    vec = vectorizer(spec)
    X = vec.fit_transform(texts)
    gold = gold_clauses()
    Xt = vec.transform([normalize(e['text']) for e in dv] + [normalize(t) for t, _ in gold])
    sp, sm = scores_of(spec, X, targets, Xt)
    n = len(dv)
    yd, sd = np.array([e['sent'] // 2 for e in dv]), np.array([e['src'] for e in dv])
    out['dev'] = {'pooled': acc_by_set(sp[:n], yd, sd), 'mixture': acc_by_set(sm[:n], yd, sd)}
    yg = np.array([l for _, l in gold])
    out['gold_clauses'] = {'n': len(gold), 'pooled': round(float(((sp[n:] > 0) == yg).mean()), 4),
                           'mixture': round(float(((sm[n:] > 0) == yg).mean()), 4)}
    for split in ('cv', 'dev'):
        for name in ('pooled', 'mixture'):
            print(f"{split:<4} {name:<8} " + ' / '.join(f'{a:.4f}' for a in out[split][name]))
    print(json.dumps(out))


if __name__ == '__main__':
    main()
