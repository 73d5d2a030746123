"""Issue #4 experiment: does external polarity knowledge help where labelled data is thin (hotel)?

The shipped sparse mixture learns only from the labelled reviews. The reference lexicons in the data folder
(HowNet, NTUSD, Tsinghua Li Jun positive/negative lists, negation words, degree adverbs) carry polarity for
~20k words that a 5,675-review hotel train split never shows often enough. This stacks lexicon features on the
mixture's out-of-fold score with a logistic regression:

  matched by forward maximum matching on the normalised text (no segmenter, so TypeScript could match it
  exactly), each polar word scores +1/-1, times the weight of a degree adverb among the 2 matches before it,
  flipped by an odd number of negation words among the 2 matches before it, within its clause.
  Features per review: total, positive and negative word counts, first / last / min / max clause score,
  number of negative and positive clauses (all sign-preserving log1p).

Rule set before measuring (same as session 6): adopt only if hotel gains >= 0.3 points in 3-fold CV on train
and waimai and shopping lose no more than 0.1. Nothing is fitted on dev. Not adopted: hotel +0.28 at best
(MODEL_CARD.md, Known limits).
Run after training/build_data.py:  /usr/bin/python3 training/experiments/lexicon_stack.py
"""
import json
import os
import sys
import time

import numpy as np
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))
from build_data import clauses  # noqa: E402
from common import DATA, SENTIMENT_SETS, normalize  # noqa: E402
from sparse_levers import acc, clause_features, fit, review_data, score  # noqa: E402

LEX = os.path.join(DATA, 'lexicons-reference')
FOLDS = 3


def words(name, skip_header=True):
    with open(os.path.join(LEX, name), encoding='utf-8') as f:
        lines = [ln.strip() for ln in f]
    out = []
    for ln in lines[1 if skip_header else 0:]:
        if not ln or ln[0].isdigit():  # HowNet section headers such as "1. {perception|感知}"
            continue
        out.append(normalize(ln.split('\t')[0].split(',')[0]).strip())
    return {w for w in out if w}


def load_lexicon():
    """word -> (kind, value). Single-character polar words must appear in two of the three source families
    (HowNet, NTUSD, Tsinghua): HowNet alone lists 简, 直, 用, 能 as positive. A word listed as both positive and
    negative is dropped; a degree adverb or negation word is never a polar word (特别 is degree, not praise)."""
    fam_pos = [words('hownet_pos_evaluation.txt') | words('hownet_pos_emotion.txt'),
               words('ntusd_positive.txt', False), words('tsinghua_lijun_positive.txt', False)]
    fam_neg = [words('hownet_neg_evaluation.txt') | words('hownet_neg_emotion.txt'),
               words('ntusd_negative.txt', False), words('tsinghua_lijun_negative.txt', False)]

    def agreed(fams):
        out = set().union(*fams)
        return {w for w in out if len(w) > 1 or sum(w in f for f in fams) >= 2}
    pos, neg = agreed(fam_pos), agreed(fam_neg)
    both = pos & neg
    pos, neg = pos - both, neg - both
    negation = words('negation_words.txt', False) | {'不', '没', '没有', '无', '非', '未', '别', '不太', '不是', '并不'}
    degree = {}
    with open(os.path.join(LEX, 'degree_adverbs.csv'), encoding='utf-8') as f:
        for ln in f:
            parts = ln.strip().split(',')
            if len(parts) == 2 and parts[1].replace('.', '', 1).isdigit():
                degree[normalize(parts[0])] = float(parts[1])
    kind = {w: ('pol', 1.0) for w in pos}
    kind.update({w: ('pol', -1.0) for w in neg})
    kind.update({w: ('deg', v) for w, v in degree.items()})
    kind.update({w: ('neg', 0.0) for w in negation})
    return kind, max(len(w) for w in kind)


def clause_score(text, kind, longest):
    i, recent, total, npos, nneg = 0, [], 0.0, 0, 0
    while i < len(text):
        for n in range(min(longest, len(text) - i), 0, -1):
            hit = kind.get(text[i:i + n])
            if hit:
                break
        else:
            i += 1
            continue
        t, v = hit
        if t == 'pol':
            window = recent[-2:]
            flips = sum(1 for k, _ in window if k == 'neg')
            deg = max([d for k, d in window if k == 'deg'], default=1.0)
            s = v * deg * (-1 if flips % 2 else 1)
            total += s
            npos += s > 0
            nneg += s < 0
        recent.append((t, v))
        i += n
    return total, npos, nneg


def lexicon_features(docs, kind, longest):
    slog = lambda v: np.sign(v) * np.log1p(np.abs(v))  # noqa: E731
    out = np.zeros((len(docs), 9))
    for r, d in enumerate(docs):
        cs = [clause_score(c, kind, longest) for c in (clauses(d) or [d])]
        s = np.array([c[0] for c in cs])
        out[r] = [s.sum(), sum(c[1] for c in cs), sum(c[2] for c in cs), s[0], s[-1], s.min(), s.max(),
                  (s < 0).sum(), (s > 0).sum()]
    return slog(out)


def main():
    t0 = time.time()
    kind, longest = load_lexicon()
    print(f'lexicon: {len(kind)} entries, longest {longest}', file=sys.stderr, flush=True)
    tr, dv, texts, (y, labelled, review_of, route), sets, rev = review_data()
    dtexts = np.array([normalize(e['text']) for e in dv], dtype=object)
    yd, sd = np.array([e['sent'] // 2 for e in dv]), np.array([e['src'] for e in dv])

    def model_on(idx):
        return fit(texts[idx], y[idx], labelled[idx], review_of[idx], route[idx])

    fold = np.random.RandomState(7).randint(0, FOLDS, len(tr))  # the folds of domain_experts / sparse_levers
    base = np.zeros(len(tr))
    cf = np.zeros((len(tr), 6))
    for k in range(FOLDS):
        it, ie = np.flatnonzero(fold != k), np.flatnonzero(fold == k)
        m = model_on(it)
        base[ie] = score(m, texts[ie])
        sub = ie[rev[ie]]
        cf[sub] = clause_features(m, list(texts[sub]))
        print(f'fold {k} {time.time() - t0:.0f}s', file=sys.stderr, flush=True)
    L = lexicon_features(list(texts[rev]), kind, longest)
    F, yr, sr = np.column_stack([base[rev], L]), y[rev], sets[rev]
    # the stacker sees the review's domain too: lexicon evidence may weigh differently per domain
    dom = np.column_stack([sr == n for n in SENTIMENT_SETS]).astype(float)
    variants = {
        'score only': F[:, :1],
        'score + lexicon': F,
        'score + lexicon x domain': np.column_stack([F] + [F * dom[:, j:j + 1] for j in range(3)]),
    }
    # every stacked lever at once: sparse_levers' clause scores with the lexicon, both per domain
    C = np.column_stack([cf[rev], L])
    variants['clauses + lexicon x domain'] = np.column_stack([C] + [C * dom[:, j:j + 1] for j in range(3)])
    f2 = np.random.RandomState(3).randint(0, 5, len(yr))
    out = {'cv': {'shipped': acc(base[rev], yr, sr)}, 'dev': {}}
    for name, X in variants.items():
        st = np.zeros(len(yr))
        for k in range(5):
            st[f2 == k] = LogisticRegression(C=1.0, max_iter=1000).fit(X[f2 != k], yr[f2 != k]).decision_function(X[f2 == k])
        out['cv'][name] = acc(st, yr, sr)
    m = model_on(np.arange(len(tr)))
    ds = score(m, dtexts)
    DL = lexicon_features(list(dtexts), kind, longest)
    DF = np.column_stack([ds, DL])
    ddom = np.column_stack([sd == n for n in SENTIMENT_SETS]).astype(float)
    dvariants = {
        'score only': DF[:, :1],
        'score + lexicon': DF,
        'score + lexicon x domain': np.column_stack([DF] + [DF * ddom[:, j:j + 1] for j in range(3)]),
    }
    DC = np.column_stack([clause_features(m, list(dtexts)), DL])
    dvariants['clauses + lexicon x domain'] = np.column_stack([DC] + [DC * ddom[:, j:j + 1] for j in range(3)])
    out['dev']['shipped'] = acc(ds, yd, sd)
    for name, X in variants.items():
        stacker = LogisticRegression(C=1.0, max_iter=1000).fit(X, yr)
        out['dev'][name] = acc(stacker.decision_function(dvariants[name]), yd, sd)
    out['lexicon only (dev, sign of total)'] = acc(DL[:, 0] + 1e-9, yd, sd)
    for split in ('cv', 'dev'):
        for name, a in out[split].items():
            print(f'{split:<4} {name:<26} ' + ' / '.join(f'{v:.4f}' for v in a))
    print(json.dumps(out, ensure_ascii=False))
    print(f'{time.time() - t0:.0f}s', file=sys.stderr)


if __name__ == '__main__':
    main()
