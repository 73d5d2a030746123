"""Builds the multitask training/dev examples and the character vocabulary.

Output (training/work/, git-ignored; never committed because the sources may not be redistributed):
  examples-{train,dev}.jsonl: {text, sent (0 neg / 1 neutral / 2 pos / -1 none), cat (index into
  CATEGORY_IDS / -1 none), src}
  vocab.json: ordered token list
Sentiment examples are whole reviews (as labelled); category examples are clauses, because a
review mixes aspects while the service classifies one clause at a time.

CORRECTIONS=path/to/corrections.jsonl (the file GET /v1/corrections/export writes; several files may be
given, separated by ':') adds labelers' corrections to the train split: each corrected clause becomes a
sentiment and a category example, repeated CORRECTION_REPEAT times (default 3) so a few hundred of
them weigh against the public corpora. Deleted opinions carry no label and are skipped.
"""
import collections
import json
import os
import random
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
from common import DATA, SENTIMENT_SETS, SPECIALS, chars, normalize, read_jsonl  # noqa: E402
from taxonomy import CATEGORY_IDS, CAR_MAP, COSMETICS_MAP, ASAP_MAP, weak_category  # noqa: E402

WORK = os.path.join(os.path.dirname(__file__), 'work')
ASPECT_SETS = ['ccf_bdci2018_car', 'zhijiang2019_cosmetics_aope', 'asap_sample']
CLAUSE_SPLIT = re.compile(r'[，,。.!！?？;；~～\n\r…]+')
MIN_CHAR_COUNT = 2


def clauses(text):
    return [c.strip() for c in CLAUSE_SPLIT.split(text) if len(c.strip()) >= 2]


def clause_containing(text, start, end):
    """The clause around a character span, found by walking to the nearest delimiters."""
    left = start
    while left > 0 and not CLAUSE_SPLIT.match(text[left - 1]):
        left -= 1
    right = end
    while right < len(text) and not CLAUSE_SPLIT.match(text[right]):
        right += 1
    return text[left:right].strip()


POL = {-1: 0, 0: 1, 1: 2, 'negative': 0, 'neutral': 1, 'positive': 2}


def gold_opinion_clauses():
    """Clause, category and polarity of every opinion in the in-house gold dev file (evaluation only, never
    trained on): the clause around the opinion, in the first customer turn (or the text) that contains it."""
    out = []
    for r in read_jsonl(os.path.join(DATA, 'gold', 'opinions-dev.jsonl')):
        texts = [t['text'] for t in r['turns'] if t['speaker'] == 'customer'] if r.get('turns') else [r['text']]
        for o in r['opinions']:
            for t in texts:
                if o['opinion'] in t:
                    i = t.index(o['opinion'])
                    out.append({'text': clause_containing(t, i, i + len(o['opinion'])), 'category': o['category'],
                                'polarity': o['polarity']})
                    break
    return out


def aspect_examples(split, rng):
    out = []
    for r in read_jsonl(os.path.join(DATA, 'aspect', 'ccf_bdci2018_car', f'{split}.jsonl')):
        pols = {a['polarity'] for a in r['aspects']}
        # Whole-text sentiment only when the aspects agree; mixed texts carry no single label.
        if len(pols) == 1:
            out.append({'text': r['text'], 'sent': POL[pols.pop()], 'cat': -1, 'src': 'car'})
        for a in r['aspects']:
            op = a.get('opinion')
            if op and op in r['text']:
                i = r['text'].index(op)
                cl = clause_containing(r['text'], i, i + len(op))
                if cl:
                    out.append({'text': cl, 'sent': POL[a['polarity']],
                                'cat': CATEGORY_IDS.index(CAR_MAP[a['category']]), 'src': 'car-clause'})
            elif len(r['aspects']) == 1 and len(r['text']) <= 60:
                out.append({'text': r['text'], 'sent': -1,
                            'cat': CATEGORY_IDS.index(CAR_MAP[a['category']]), 'src': 'car-clause'})
    for r in read_jsonl(os.path.join(DATA, 'aspect', 'zhijiang2019_cosmetics_aope', f'{split}.jsonl')):
        pols = {a['polarity'] for a in r['aspects']}
        if len(pols) == 1:
            out.append({'text': r['text'], 'sent': POL[pols.pop()], 'cat': -1, 'src': 'cosmetics'})
        seen = set()
        for a in r['aspects']:
            s = min(x for x in (a['aspect_start'], a['opinion_start']) if x is not None)
            e = max(x for x in (a['aspect_end'], a['opinion_end']) if x is not None)
            cl = clause_containing(r['text'], s, e)
            if cl and cl not in seen:
                seen.add(cl)
                out.append({'text': cl, 'sent': POL[a['polarity']],
                            'cat': CATEGORY_IDS.index(COSMETICS_MAP[a['category']]), 'src': 'cosmetics-clause'})
    for r in read_jsonl(os.path.join(DATA, 'aspect', 'asap_sample', f'{split}.jsonl')):
        for cl in clauses(r['text']):
            cat = weak_category(cl)
            if cat is not None:
                out.append({'text': cl, 'sent': -1, 'cat': CATEGORY_IDS.index(cat), 'src': 'asap-clause'})
    return out


def sentiment_examples(split, rng, clause_budget):
    out, cat_clauses, other_pool = [], [], []
    for name in SENTIMENT_SETS:
        for r in read_jsonl(os.path.join(DATA, 'sentiment', name, f'{split}.jsonl')):
            out.append({'text': r['text'], 'sent': 2 if int(r['label']) == 1 else 0, 'cat': -1, 'src': name})
            for cl in clauses(r['text']):
                cat = weak_category(cl)
                if cat is not None:
                    cat_clauses.append({'text': cl, 'sent': -1, 'cat': CATEGORY_IDS.index(cat), 'src': name + '-clause'})
                elif len(cl) <= 12:
                    other_pool.append(cl)
    # Keyword-labelled clauses are plentiful for a few categories; cap each so rare ones still count.
    by_cat = collections.defaultdict(list)
    for ex in cat_clauses:
        by_cat[ex['cat']].append(ex)
    capped = []
    for c, exs in sorted(by_cat.items()):
        rng.shuffle(exs)
        capped.extend(exs[:clause_budget])
    rng.shuffle(other_pool)
    n_other = min(len(other_pool), clause_budget // 4)
    capped.extend({'text': t, 'sent': -1, 'cat': CATEGORY_IDS.index('other'), 'src': 'other-clause'}
                  for t in other_pool[:n_other])
    return out + capped


POLARITY = {'negative': 0, 'neutral': 1, 'positive': 2}


def correction_examples():
    files = [f for f in os.environ.get('CORRECTIONS', '').split(':') if f]
    repeat = int(os.environ.get('CORRECTION_REPEAT', '3'))
    out = []
    for path in files:
        for r in read_jsonl(path):
            text = (r.get('text') or '').strip()
            if r.get('op') == 'delete' or not text:
                continue
            sent = POLARITY.get(r.get('sentiment'), -1)
            cat = CATEGORY_IDS.index(r['category']) if r.get('category') in CATEGORY_IDS else -1
            for _ in range(repeat):
                if sent >= 0:
                    out.append({'text': text, 'sent': sent, 'cat': -1, 'src': 'corrections'})
                if cat >= 0:
                    out.append({'text': text, 'sent': -1, 'cat': cat, 'src': 'corrections'})
    if files:
        print(f'corrections: {len(out)} examples from {len(files)} file(s)', file=sys.stderr)
    return out


def dev_texts():
    """Normalised texts of every sentiment and aspect dev file (the texts train examples must not contain)."""
    out = set()
    for name in SENTIMENT_SETS:
        out.update(normalize(r['text']) for r in read_jsonl(os.path.join(DATA, 'sentiment', name, 'dev.jsonl')))
    for name in ASPECT_SETS:
        out.update(normalize(r['text']) for r in read_jsonl(os.path.join(DATA, 'aspect', name, 'dev.jsonl')))
    out.discard('')
    return out


def main():
    os.makedirs(WORK, exist_ok=True)
    rng = random.Random(13)
    stats = {}
    # Dev texts are dropped from train (whole texts and clauses whose text equals a dev text): the dev
    # split fits the stack and reports accuracy, and 434 of the 712 hotel dev reviews also sit in
    # online_shopping_10_cats train (its 酒店 category), so the sparse model memorised them and the stack
    # was fitted on memorised examples. The held-out test was built the same way (its texts removed from
    # every train file); with this, accuracy on all dev rows is an honest number.
    held = dev_texts()
    for split, budget in (('train', 4000), ('dev', 500)):
        exs = sentiment_examples(split, rng, budget) + aspect_examples(split, rng)
        if split == 'train':
            n0 = len(exs)
            exs = [ex for ex in exs if normalize(ex['text']) not in held]
            stats['train_dropped_dev_texts'] = n0 - len(exs)
            exs += correction_examples()
        # Exact duplicates across sources (e.g. hotel reviews also in online_shopping) would double-weight.
        dedup, seen = [], set()
        for ex in exs:
            key = (normalize(ex['text']), ex['sent'], ex['cat'])
            # Repeated corrections are deliberate weight; everything else is deduplicated.
            if (ex['src'] == 'corrections' or key not in seen) and normalize(ex['text']):
                seen.add(key)
                dedup.append(ex)
        rng.shuffle(dedup)
        with open(os.path.join(WORK, f'examples-{split}.jsonl'), 'w', encoding='utf-8') as f:
            for ex in dedup:
                f.write(json.dumps(ex, ensure_ascii=False) + '\n')
        stats[split] = {
            'n': len(dedup),
            'sent': collections.Counter(e['sent'] for e in dedup),
            'cat': collections.Counter(CATEGORY_IDS[e['cat']] for e in dedup if e['cat'] >= 0),
        }
        if split == 'train':
            cnt = collections.Counter(c for ex in dedup for c in chars(ex['text']))
            vocab = SPECIALS + sorted(c for c, n in cnt.items() if n >= MIN_CHAR_COUNT)
            with open(os.path.join(WORK, 'vocab.json'), 'w', encoding='utf-8') as f:
                json.dump(vocab, f, ensure_ascii=False)
            stats['vocab'] = len(vocab)
    print(json.dumps(stats, ensure_ascii=False, default=dict, indent=1))


if __name__ == '__main__':
    main()
