"""Issue #4 experiment: four changes to the sparse sentiment mixture aimed at hotel accuracy, each measured
the way the mixture itself was chosen (training/experiments/domain_experts.py): 3-fold cross-validation on
the train examples, then a fit on all of train scored on dev. None was adopted (MODEL_CARD.md, Known limits).

  --lever reply     drop merchant replies (宾馆反馈 2008年7月4日：…) from every text, train and dev alike
                    (the analyzer already skips them: src/nlp/merchant-reply.ts)
  --lever clean     drop labelled train reviews whose out-of-fold score contradicts their label with
                    probability < 0.05 (confident-learning style; nested: inner folds of each train fold)
  --lever hotel-shopping
                    the hotel expert also trains on online_shopping_10_cats' 酒店 reviews
  --lever clauses   stack clause-level scores (mean, last, min, max, log clause count) on the whole-review
                    score with a logistic regression fitted on out-of-fold train scores
  --lever threshold a decision threshold per domain instead of 0 (hotel reviews are 68% positive, waimai 34%):
                    each fold's threshold is the best on the other folds' out-of-fold scores (grid -1.5..1.5
                    by 0.05); dev uses the best on all of them

Prints hotel / waimai / shopping accuracy of the lever (and, for `clean`, `clauses` and `threshold`, of the shipped mixture
on the same folds; for the others compare with the "mixture" lines of domain_experts.py, which uses the same
folds). Nothing is fitted on dev.
Run after training/build_data.py (2-15 min on 2 cores, `clean` the longest):
  /usr/bin/python3 training/experiments/sparse_levers.py --lever reply
"""
import argparse
import json
import os
import re
import sys
import time

import numpy as np
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))
from build_data import clauses  # noqa: E402
from common import SENTIMENT_SETS, normalize, read_jsonl  # noqa: E402
from train_sparse import (SPECS, WORK, mixed_sentiment, mixture_layout, sentiment_columns,  # noqa: E402
                          sentiment_targets, vectorizer)

SPEC = SPECS['sentiment']
LAYOUT = mixture_layout(len(SPEC['experts']))
FOLDS = 3
# Same shape as src/nlp/merchant-reply.ts, on normalised (NFKC, single-space) text.
REPLY = re.compile(r'(宾馆|酒店|商家|店家|卖家|掌柜|店主|管理者|官方)(反馈|回复|回应) ?([0-9]{4} ?年 ?[0-9]{1,2} ?月 ?[0-9]{1,2} ?日)? ?:.*?(?=补充点评|$)')


def fit(texts, y, labelled, review_of, route):
    vec = vectorizer(SPEC)
    X = vec.fit_transform(texts)
    return vec, sentiment_columns(SPEC, X, y, labelled, review_of, route)


def score(model, texts):
    vec, (coef, intercept) = model
    return mixed_sentiment(np.asarray(vec.transform(texts) @ coef.T) + intercept[None, :], LAYOUT)


def review_data(norm=normalize):
    """What every sparse experiment reads (after training/build_data.py): the train examples, the dev reviews, the
    train texts normalised, sentiment_targets of them, each example's source set, and the mask of labelled reviews."""
    tr = read_jsonl(os.path.join(WORK, 'examples-train.jsonl'))
    dv = [e for e in read_jsonl(os.path.join(WORK, 'examples-dev.jsonl')) if e['sent'] in (0, 2) and e['src'] in SENTIMENT_SETS]
    texts = np.array([norm(e['text']) for e in tr], dtype=object)
    targets = sentiment_targets(tr, list(texts))
    sets = np.array([e['src'] for e in tr])
    return tr, dv, texts, targets, sets, targets[1] & np.isin(sets, SENTIMENT_SETS)


def acc(s, y, sets):
    return [round(float(((s[sets == n] > 0).astype(int) == y[sets == n]).mean()), 4) for n in SENTIMENT_SETS]


def clause_features(model, docs):
    """whole-review score, clause mean, last, min, max, log(number of clauses)"""
    parts = [clauses(d) or [d] for d in docs]
    flat = score(model, [c for p in parts for c in p])
    whole = score(model, docs)
    out, k = np.zeros((len(docs), 6)), 0
    for i, p in enumerate(parts):
        v = flat[k:k + len(p)]
        k += len(p)
        out[i] = [whole[i], v.mean(), v[-1], v.min(), v.max(), np.log(len(p))]
    return out


GRID = np.round(np.arange(-1.5, 1.5001, 0.05), 2)


def best_threshold(s, y):
    return GRID[int(np.argmax([((s > t) == y).mean() for t in GRID]))]


def thresholded(s, y, sets, fold, s_out, sets_out):
    """Out-of-fold accuracy with per-domain thresholds chosen on the other folds, and s_out (dev) judged with the
    thresholds chosen on all of s."""
    cv, dev = np.zeros(len(s), dtype=bool), np.zeros(len(s_out), dtype=bool)
    for n in SENTIMENT_SETS:
        m = sets == n
        for k in range(FOLDS):
            a, b = m & (fold != k), m & (fold == k)
            cv[b] = s[b] > best_threshold(s[a], y[a])
        t = best_threshold(s[m], y[m])
        print(f'  {n} threshold {t:+.2f}', file=sys.stderr, flush=True)
        dev[sets_out == n] = s_out[sets_out == n] > t
    return cv.astype(float) - 0.5, dev.astype(float) - 0.5


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--lever', required=True, choices=['reply', 'clean', 'hotel-shopping', 'clauses', 'threshold'])
    lever = ap.parse_args().lever
    norm = (lambda t: REPLY.sub('', normalize(t)).strip(' ')) if lever == 'reply' else normalize
    tr, dv, texts, (y, labelled, review_of, route), sets, rev = review_data(norm)
    if lever == 'hotel-shopping':
        review_of = np.where((sets == 'online_shopping_10_cats') & (route == 'hotel'), 'hotel', review_of)
    dtexts = np.array([norm(e['text']) for e in dv], dtype=object)
    yd, sd = np.array([e['sent'] // 2 for e in dv]), np.array([e['src'] for e in dv])

    def model_on(idx, lab=None):
        return fit(texts[idx], y[idx], labelled[idx] if lab is None else lab, review_of[idx], route[idx])

    def cleaned(idx):
        """labelled mask over idx without the reviews whose inner out-of-fold score contradicts the label"""
        inner = np.random.RandomState(11).randint(0, FOLDS, len(idx))
        oof = np.zeros(len(idx))
        for k in range(FOLDS):
            oof[inner == k] = score(model_on(idx[inner != k]), texts[idx[inner == k]])
        p_label = 1 / (1 + np.exp(-oof * (2 * y[idx] - 1)))
        drop = rev[idx] & (p_label < 0.05)
        print(f'  dropped {int(drop.sum())} of {int(rev[idx].sum())} reviews', file=sys.stderr, flush=True)
        return labelled[idx] & ~drop

    fold = np.random.RandomState(7).randint(0, FOLDS, len(tr))
    base, lev = np.zeros(len(tr)), np.zeros(len(tr))
    feats = np.zeros((len(tr), 6))
    for k in range(FOLDS):
        t0 = time.time()
        it, ie = np.flatnonzero(fold != k), np.flatnonzero(fold == k)
        m = model_on(it)
        base[ie] = score(m, texts[ie])
        if lever == 'clean':
            lev[ie] = score(model_on(it, cleaned(it)), texts[ie])
        elif lever == 'clauses':
            sub = ie[rev[ie]]
            feats[sub] = clause_features(m, list(texts[sub]))
        print(f'fold {k} {time.time() - t0:.0f}s', file=sys.stderr, flush=True)

    out = {'lever': lever}
    if lever == 'threshold':
        m = model_on(np.arange(len(tr)))
        dscore = score(m, dtexts)
        cv, dev = thresholded(base[rev], y[rev], sets[rev], fold[rev], dscore, sd)
        out['cv'] = {'shipped': acc(base[rev], y[rev], sets[rev]), 'lever': acc(cv, y[rev], sets[rev])}
        out['dev'] = {'shipped': acc(dscore, yd, sd), 'lever': acc(dev, yd, sd)}
    elif lever == 'clauses':
        # the stacker is cross-validated on the out-of-fold features (5 folds), then refitted on all of them
        F, yr, sr = feats[rev], y[rev], sets[rev]
        f2 = np.random.RandomState(3).randint(0, 5, len(yr))
        stacked = np.zeros(len(yr))
        for k in range(5):
            stacked[f2 == k] = LogisticRegression(C=1.0).fit(F[f2 != k], yr[f2 != k]).decision_function(F[f2 == k])
        out['cv'] = {'shipped': acc(base[rev], yr, sr), 'lever': acc(stacked, yr, sr)}
        m = model_on(np.arange(len(tr)))
        stacker = LogisticRegression(C=1.0).fit(F, yr)
        out['dev'] = {'shipped': acc(score(m, dtexts), yd, sd), 'lever': acc(stacker.decision_function(clause_features(m, list(dtexts))), yd, sd)}
    else:
        if lever != 'clean':
            lev = base  # the lever changed the data, so the plain fit above is the lever's
            out['cv'] = {'lever': acc(lev[rev], y[rev], sets[rev])}
        else:
            out['cv'] = {'shipped': acc(base[rev], y[rev], sets[rev]), 'lever': acc(lev[rev], y[rev], sets[rev])}
        alltr = np.arange(len(tr))
        m = model_on(alltr, cleaned(alltr) if lever == 'clean' else None)
        out['dev'] = {'lever': acc(score(m, dtexts), yd, sd)}
    for split in ('cv', 'dev'):
        for name, a in out[split].items():
            print(f'{split:<4} {name:<8} ' + ' / '.join(f'{v:.4f}' for v in a))
    print(json.dumps(out))


if __name__ == '__main__':
    main()
