"""Issue #4 measurement: how much of the sentiment dev accuracy sits on reviews with a near-twin in the training data,
and what a nearest-neighbour memory (take the twin's label) would add to the served ensemble.

The data sets share reviews (434 of the 712 hotel dev reviews are in online_shopping_10_cats train, 121 more differ from
a train review only in whitespace). training/build_data.py drops every dev text from training, by its normalised text,
so exact twins are gone but whitespace and suffix variants stay, as they presumably do for the held-out test (its texts
were removed from the train files by exact match). For each dev review this finds the most similar review of the train
files that training keeps (character 1-3-gram TF-IDF, cosine) and prints, per similarity band, how many reviews there
are, how many the served model gets right and how many the twin's label would.

Not part of `npm run train`. The served model's predictions come from the TypeScript path:
  for s in chnsenticorp_htl waimai_10k online_shopping_10_cats; do
    node --import tsx scripts/sentiment-predictions.ts models/current $GUANDIAN_DATA/sentiment/$s/dev.jsonl > training/work/pred-$s.txt
  done
  /usr/bin/python3 training/experiments/near_duplicates.py
"""
import collections
import json
import os
import sys

from sklearn.feature_extraction.text import TfidfVectorizer

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))
from common import DATA, SENTIMENT_SETS, normalize, read_jsonl  # noqa: E402

WORK = os.path.join(os.path.dirname(__file__), '..', 'work')
BANDS = [0.95, 0.9, 0.85, 0.8, 0.0]


def main():
    held = set()
    for s in SENTIMENT_SETS:
        held.update(normalize(r['text']) for r in read_jsonl(os.path.join(DATA, 'sentiment', s, 'dev.jsonl')))
    train = [(r['text'], int(r['label'])) for s in SENTIMENT_SETS
             for r in read_jsonl(os.path.join(DATA, 'sentiment', s, 'train.jsonl')) if normalize(r['text']) not in held]
    vec = TfidfVectorizer(analyzer='char', ngram_range=(1, 3), sublinear_tf=True)
    X = vec.fit_transform([t for t, _ in train])
    for s in SENTIMENT_SETS:
        dev = [(r['text'], int(r['label'])) for r in read_jsonl(os.path.join(DATA, 'sentiment', s, 'dev.jsonl'))]
        with open(os.path.join(WORK, f'pred-{s}.txt'), encoding='utf-8') as f:
            pred = [float(x) for x in f if x.strip()]
        assert len(pred) == len(dev), f'{s}: {len(pred)} predictions for {len(dev)} reviews'
        sims = (vec.transform([t for t, _ in dev]) @ X.T).tocsr()
        bands = collections.defaultdict(lambda: [0, 0, 0])
        knn_right = 0
        for i, (_, label) in enumerate(dev):
            row = sims.getrow(i)
            j, sim = (row.indices[row.data.argmax()], row.data.max()) if row.nnz else (None, 0.0)
            band = next(b for b in BANDS if sim >= b)
            model_right = (pred[i] >= 0.5) == (label == 1)
            twin_right = j is not None and train[j][1] == label
            st = bands[band]
            st[0] += 1
            st[1] += model_right
            st[2] += twin_right
            # the memory answers only for a near-twin (cosine >= 0.95); the model answers the rest
            knn_right += twin_right if sim >= 0.95 else model_right
        right = sum(b[1] for b in bands.values())
        print(f'{s}: n={len(dev)} model accuracy {right / len(dev):.4f}, with a twin memory at cosine >= 0.95 '
              f'{knn_right / len(dev):.4f}')
        for b in BANDS:
            n, m, k = bands[b]
            if n:
                print(f'  cosine >= {b:.2f}: {n} reviews, model right {m}, twin label right {k}')


if __name__ == '__main__':
    main()
