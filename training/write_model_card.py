"""Writes models/<name>/MODEL_CARD.md from metrics.json, config.json and (when present) the TypeScript
benchmark in training/work/bench.json (node --import tsx src/nlp/model/bench-cli.ts)."""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from taxonomy import ASAP_MAP, CAR_MAP, COSMETICS_MAP, KEYWORDS  # noqa: E402

WORK = os.path.join(os.path.dirname(__file__), 'work')


def table(m):
    rows = {}
    for k, v in m.items():
        rows.setdefault(v, []).append(k)
    return '\n'.join(f'| {cat} | {", ".join(src)} |' for cat, src in sorted(rows.items()))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('model_dir')
    ap.add_argument('--train-seconds', type=int, default=0)
    args = ap.parse_args()
    d = args.model_dir
    metrics = json.load(open(os.path.join(d, 'metrics.json'), encoding='utf-8'))
    cfg = json.load(open(os.path.join(d, 'config.json'), encoding='utf-8'))['guandian']
    bench_path = os.path.join(WORK, 'bench.json')
    bench = json.load(open(bench_path)) if os.path.exists(bench_path) else None
    enc = cfg['encoder']
    cfg['stack'] = {k: [round(x, 4) for x in v] if isinstance(v, list) else round(v, 4) for k, v in cfg['stack'].items()}
    if args.train_seconds:
        metrics['pipeline_seconds'] = args.train_seconds
        json.dump(metrics, open(os.path.join(d, 'metrics.json'), 'w'), indent=1, ensure_ascii=False)
    pipeline = ''
    if metrics.get('pipeline_seconds'):
        pipeline = f"; the whole `npm run train` pipeline took {metrics['pipeline_seconds'] / 60:.0f} min on the shared 2-core box"
    s = metrics['sentiment']
    sent_rows = '\n'.join(
        f"| {n} | {v['n_dev']} / {v['n_dev_clean']} | **{v['accuracy_all']:.4f}** | {v['accuracy_clean']:.4f} | "
        f"{v['sparse_only_accuracy_all']:.4f} / {v['sparse_only_accuracy_clean']:.4f} | "
        f"{v['encoder_only_accuracy_all']:.4f} / {v['encoder_only_accuracy_clean']:.4f} | {v['ece_all']:.4f} / {v['ece_clean']:.4f} |"
        for n, v in s.items() if 'n_dev' in n or 'n_dev' in v)
    mlm = enc.get('mlm')
    if mlm:
        init_txt = (
            f"Pretrained first as a masked language model (`training/pretrain_mlm.py`) on the unlabeled text of every train "
            f"split in the data folder (sentiment, aspect, targets; dev texts excluded): {mlm['corpus_texts']:,} texts, "
            f"{mlm['corpus_chars'] / 1e6:.1f} M characters packed into {mlm['rows']:,} sequences of {mlm['max_len']}; BERT masking "
            f"(15%: 80% [MASK], 10% random, 10% kept), decoder tied to the token embeddings; {mlm['steps']} steps "
            f"({mlm['epochs']} epochs) at batch {mlm['batch']}, AdamW lr {mlm['lr']} (warmup {mlm['warmup']}, linear decay) in "
            f"{mlm['seconds'] / 60:.0f} min, final MLM loss {mlm['final_loss_ema']} (moving average){' — cut by the time cap' if mlm['cut_by_time'] else ''}. "
            f"Then fine-tuned multitask")
    else:
        init_txt = 'Trained multitask from random init'
    cat = metrics['category']
    sizes = dict(metrics['files_bytes'])
    # The retrainable head's features are written after export (src/nlp/model/head-data-cli.ts).
    for name in ('head/base.bin', 'head/regression.bin'):
        if os.path.exists(os.path.join(d, name)):
            sizes[name] = os.path.getsize(os.path.join(d, name))
    total = sum(sizes.values())
    size_rows = '\n'.join(f'| {k} | {v / 1e6:.2f} MB |' for k, v in sorted(sizes.items()))
    bench_txt = '(not measured yet: run `node --import tsx src/nlp/model/bench-cli.ts`)'
    if bench:
        rows = []
        for name, b in bench.items():
            rows.append(f"| {name} (n={b['n']}, mean {b['meanChars']} chars) | {b['ortFp32']['encoderClausesPerSec']} / {b['ortFp32']['ensembleClausesPerSec']} | "
                        f"{b['ortInt8']['encoderClausesPerSec']} / {b['ortInt8']['ensembleClausesPerSec']} | {b['transformersJsInt8']['encoderClausesPerSec']} | "
                        f"{b['transformersJsInt8']['tokenizerAgreement']} |")
        bench_txt = (
            "Clauses per second, int8 one clause per call as served, fp32 and transformers.js in batches of 32, 1 intra-op thread, Node 20, 2-core machine (best of 3 timed runs; absolute figures move 5x with the machine's load). "
            "\"encoder\" = ONNX only; \"ensemble\" = what `classify()` returns (encoder + both sparse models + stack). "
            "transformers.js runs the same int8 graph through its own tokenizer (agreement with ours = identical ids on texts "
            "that need no truncation). Measured with `node --import tsx src/nlp/model/bench-cli.ts models/current <file> 2000 ort|hf`.\n\n"
            "| input | onnxruntime-node 1.30 fp32: encoder / ensemble | onnxruntime-node 1.30 int8: encoder / ensemble | "
            "@huggingface/transformers 3.8 int8 (bundled ORT 1.21): encoder | tokenizer agreement |\n|---|---|---|---|---|\n"
            + "\n".join(rows) +
            "\n\nThe service uses onnxruntime-node directly (faster than transformers.js here, and the head+tail truncation "
            "is ours) with the int8 graph, one clause per call: dynamic int8 picks its activation scale per input tensor, so "
            "in a batch a clause's scores would move with its neighbours, while alone they depend on the clause only "
            "(tests/model/model.test.ts checks both). The retrainable head's features are computed the same way. "
            "`{ quantized: false }` / `--fp32` select the fp32 graph, which matches the Python reference to 3 decimals. "
            "transformers.js bundles its own onnxruntime-node build, which cannot be loaded in the same process as the service's 1.30.")
    kw = '\n'.join(f"| {c} | {'、'.join(w)} |" for c, w in KEYWORDS)
    card = f"""# {cfg['version']}

Local Chinese clause classifier for 观点 (Guandian): sentiment (negative / neutral / positive) and CX
category (15 ids, `src/nlp/types.ts`). Trained from scratch on this machine (no pretrained weights),
served by `src/nlp/model/` through onnxruntime-node. Reproduce with `npm run train` (training/train.sh).

## What it is

An ensemble, stacked on the dev split:

1. **Character encoder** (BERT-shaped, `onnx/model.onnx`, int8 `onnx/model_quantized.onnx`): {enc['layers']} layers ×
   {enc['hidden']} hidden, {enc['heads']} heads, FFN {enc['ffn']}, post-LN, GELU, learned positions up to {enc['max_len']};
   pooled as [CLS ; masked mean] → one linear layer with 18 logits (3 sentiment + 15 category).
   {enc['params']:,} parameters ({enc['vocab_size']} character vocabulary). {init_txt} for
   {enc['steps']} steps (batch {enc['batch']}, AdamW lr {enc['lr']}, warmup + linear decay, seed {enc['seed']}) in
   {enc['train_seconds'] / 60:.0f} min on one thread{pipeline}.
2. **Sparse models** (`sparse/`): character 1–3-gram TF-IDF (sublinear tf, l2) + logistic regression —
   sentiment ({cfg['sparse']['sentiment']['n_features']:,} features) and category
   ({cfg['sparse']['category']['n_features']:,} features, 15 classes); float16 weights. Sentiment is a **domain
   mixture** over one feature space: a model pooled over every labelled example, experts fitted on the hotel
   and on the waimai reviews alone, and a router p(hotel / waimai / other | text) fitted on the source of every
   train example (online_shopping's 酒店 reviews count as hotel); the score is
   `pooled + Σ p(d) · (expert_d − pooled) / 2`, so a clearly in-domain text gets the mean of the pooled and
   the expert score and any other text the pooled one. Why: shopping is 45k of the ~63k labelled reviews and
   the pooled model under-fits the smaller domains. By 3-fold cross-validation on train
   (`/usr/bin/python3 training/experiments/domain_experts.py`, 2026-11-28) hotel / waimai / shopping went from
   0.8856 / 0.8969 / 0.9371 pooled to 0.8959 / 0.9020 / 0.9352 mixed (dev: 0.8890 / 0.8997 / 0.9390 →
   0.9059 / 0.9064 / 0.9379), the sparse score on the gold CX clauses unchanged; a shopping expert lowered
   shopping and is not used.
3. **Stack** (fitted on dev, 6 numbers in `config.json` → `guandian.stack`): `{json.dumps(cfg['stack'], default=lambda x: x)}` —
   {cfg.get('stack_formula', 'see config.json')}. Fitting the sentiment stack by logistic regression on dev is
   also its temperature scaling.

Tokenisation (Python `training/common.py` = TypeScript `src/nlp/model/tokenizer.ts`, parity-tested on 1,200 strings):
NFKC, ASCII lower-case, whitespace runs → one space, trim; one token per Unicode code point; unknown →
[UNK]; `[CLS] … [SEP]`; texts longer than {cfg['max_len'] - 2} characters keep head and tail halves.
`tokenizer.json` expresses the same pipeline for Hugging Face tooling (WordLevel + Split), except the
head+tail truncation.

## Dev metrics

Command: `npm run train` prints them; they are in `metrics.json`. TypeScript path (int8, one clause per call,
same code as the worker): `npm run --silent eval -- --task sentiment --file training/work/dev-clean-<set>.jsonl`
(written by the export step; `--task category --file training/work/gold-category-dev.jsonl` for the gold clauses).

Every dev text (sentiment and aspect dev files) is dropped from the training examples
(`training/build_data.py`): the dev split fits the stack and reports accuracy, and 434 of the 712 hotel dev
reviews also sit in online_shopping_10_cats train (its 酒店 category), so before this filter the sparse
model had memorised them and the stack was fitted on memorised examples. The held-out test was built the
same way (its texts removed from every train file), so accuracy on **all** dev rows is the honest number.
"Clean" is the subset whose text does not occur in any raw train file, kept to compare with models
trained before the filter (their "all" numbers were inflated).

| data set | all / clean dev | ensemble acc (all) | ensemble acc (clean) | sparse only (all / clean) | encoder only (all / clean) | ECE (all / clean, 15 bins) |
|---|---|---|---|---|---|---|
{sent_rows}

Gold in-house opinion clauses (`gold/opinions-dev.jsonl`, evaluation only, never trained on): sentiment
accuracy {s['gold_opinion_clauses']['accuracy']:.4f} on {s['gold_opinion_clauses']['n']} positive/negative
opinion clauses; category accuracy {cat['gold_opinion_clauses']['accuracy']:.4f}, macro-F1
{cat['gold_opinion_clauses']['macroF1']:.4f} on {cat['gold_opinion_clauses']['n']} clauses. Weakly labelled dev
clauses (same rules as training, so optimistic): category accuracy {cat['weak_dev_clauses']['accuracy']:.4f}
(n={cat['weak_dev_clauses']['n']}).

Reference points on the held-out test (from data/README): SnowNLP 0.700 / 0.755 / 0.821 (hotel / waimai /
shopping); char n-gram TF-IDF + LR 0.862 / 0.889 / 0.934; issue #4 targets ≥ 0.93 hotel, ≥ 0.90 waimai.

## Data and licenses

Trained on the train splits only of: ChnSentiCorp_htl_all, waimai_10k, online_shopping_10_cats
(SophonPlus/ChineseNlpCorpus, no license stated), CCF BDCI 2018 car reviews (shawnco411/ccf_bigdata,
repo GPL-3.0, competition terms unknown), ASAP sample (Meituan-Dianping/asap, Apache-2.0), 之江杯 2019
cosmetics opinions (xmxoxo/Text-Opinion-Mining, no license stated). Several sources state no license: the
weights are derived from them; the raw data is not redistributed (nothing from the data folder is in this
repository). Neutral sentiment comes only from car-forum texts whose aspects are all neutral.

## Category head: mapping onto the CX taxonomy

Labelled aspect data covers few CX categories, so clauses get categories from (a) the aspect data sets'
labels via the tables below, at the clause containing the annotated opinion, and (b) ordered keyword
rules on clauses of the sentiment corpora (first matching row wins; ≤ 4,000 clauses per category;
short clauses matching nothing → `other`). Categories with no real data (network, app_experience,
account_security, marketing, policy, resolution) are learned from keywords only.

CCF car topic → CX:

| CX | source labels |
|---|---|
{table(CAR_MAP)}

Cosmetics (之江杯) category → CX:

| CX | source labels |
|---|---|
{table(COSMETICS_MAP)}

ASAP aspect → CX (the intended mapping, documented for when the full ASAP set is available; its 240-row sample's labels are whole-review, so its clauses are keyword-labelled instead):

| CX | source labels |
|---|---|
{table(ASAP_MAP)}

Keyword rules (training/taxonomy.py):

| CX | keywords |
|---|---|
{kw}

## Serving

`src/nlp/model/index.ts` → `createModelClassifier(modelDir)` (null when no model is there). The service's
`MODEL_DIR` defaults to `models/current`, a one-line pointer file naming this folder. onnxruntime-node
session with 1 intra-op thread (capped at 2), int8 graph with one clause per call (float32, when chosen:
clauses sorted by length and batched by 32); sparse scores computed in TypeScript from `sparse/`. `version` = `config.json` → `guandian.version`.

## Speed

{bench_txt}

## Files

| file | size |
|---|---|
{size_rows}
| **total** | **{total / 1e6:.2f} MB** |

Quantisation: onnxruntime's Python quantiser is not available (no python3-onnxruntime in Debian), so
`training/quantize_onnx.py` rewrites the graph itself into the pattern `quantize_dynamic` produces:
DynamicQuantizeLinear (uint8 activations, per-tensor, at run time) → MatMulInteger against symmetric
per-output-channel int8 weights → Cast → Mul by the scales. Embeddings and the output layer stay fp32.
`tests/model/model.test.ts` checks int8 against the fp32 Python reference.

## Retrainable head (issue #7)

Labelers' corrections retrain the model inside the service, without Python: a residual head over this
frozen model (`src/nlp/model/head.ts`), `logits = log p(model) + W·x`, where x are a clause's hashed
character 1–3-grams and W has rows only for n-grams found in the corrections. `head/base.bin` holds the
base training examples it is fitted with (3,000 sentiment + 6,000 category, sampled from the train
split) and `head/regression.bin` the fixed regression set its candidates are judged on (1,000 + 1,000
from the dev split plus the in-house gold clauses), both as derived features only: this model's
log-probabilities, hashed n-grams and labels, never the text (several sources may not be
redistributed). Both are rebuilt from the model by `npm run train`; see `docs/retrain.md` for what
retraining achieves.

## Known limits

- The stack gives the encoder's sentiment margin a weight of {cfg['stack']['sentiment_stack'][1]} against
  {cfg['stack']['sentiment_stack'][0]} for the sparse score: sentiment accuracy comes from the n-gram model; the
  encoder contributes the neutral class and a little to category. Alone, the encoder reaches
  {s['chnsenticorp_htl']['encoder_only_accuracy_all']:.3f} / {s['waimai_10k']['encoder_only_accuracy_all']:.3f} /
  {s['online_shopping_10_cats']['encoder_only_accuracy_all']:.3f} (hotel / waimai / shopping dev), below the sparse model. Measured
  2026-11-28 with the same data and seed, on guandian-zh-cx-2026.11.28.2 (before the domain mixture): MLM pretraining (5,000 steps) lifted the encoder alone from
  0.780 / 0.835 / 0.863 (random init) to 0.824 / 0.866 / 0.902, but changed the ensemble by -0.1 to +0.4 points
  (0.890 / 0.901 / 0.938 → 0.895 / 0.901 / 0.939), within dev noise. A 3-epoch fine-tune from the same
  pretrained weights (measured the same day) lifted the encoder further (0.850 / 0.891 / 0.918) but not the
  ensemble (0.888 / 0.902 / 0.940) and lowered the gold clauses (sentiment 0.857, category 0.522), so the
  shipped fine-tune stays at 1 epoch. Twice the pretraining (10,000 steps, 53 min, loss 3.17 against 3.60;
  measured later the same day) lifted the encoder alone to 0.854 / 0.877 / 0.912 but the ensemble only to
  0.896 / 0.901 / 0.940 (0.900 / 0.902 / 0.940 with 1–4-gram sparse features; gold clause sentiment 0.870 /
  0.857). That misses the rule set before measuring (hotel and waimai not lower, mean gain at least 0.3
  points) and would take `npm run train` to about 75 of its 90 minutes, so it was not shipped.
- The domain mixture replaced a single pooled sparse sentiment model (guandian-zh-cx-2026.11.28.2). Against
  that build the ensemble's dev accuracy went from 0.8947 / 0.9006 / 0.9389 to
  {s['chnsenticorp_htl']['accuracy_all']:.4f} / {s['waimai_10k']['accuracy_all']:.4f} / {s['online_shopping_10_cats']['accuracy_all']:.4f}
  (hotel / waimai / shopping), the gold clause sentiment from 0.8758 to {s['gold_opinion_clauses']['accuracy']:.4f} and the hotel clean
  subset from 0.8921 to {s['chnsenticorp_htl']['accuracy_clean']:.4f}. The rule set before measuring: hotel and waimai not lower, a mean
  gain of at least 0.3 points, the gold clauses at most 2 of 161 lower. The gain is in the sparse score; the
  stack, fitted on all dev sentiment rows at once, passes less of it to waimai (sparse alone
  {s['waimai_10k']['sparse_only_accuracy_all']:.4f}). The router knows hotel and food-delivery text only from these review sets: a hotel
  or delivery text in other words, or a bank or telecom text that reads like one, gets a partly wrong expert.
- Tried after the domain mixture shipped, none adopted (2026-11-28; `/usr/bin/python3
  training/experiments/sparse_levers.py --lever reply|hotel-shopping|clauses|clean`; the rule set before measuring:
  hotel at least 0.3 points higher by 3-fold cross-validation on train, waimai and shopping at most 0.1 lower).
  Against the mixture's cross-validated 0.8959 / 0.9020 / 0.9352 (hotel / waimai / shopping; dev 0.9059 /
  0.9064 / 0.9379): dropping merchant replies (宾馆反馈…：) from the input 0.8966 / 0.9014 / 0.9348 (dev 0.9115
  / 0.9064 / 0.9381); the hotel expert also trained on online_shopping's 酒店 reviews 0.8915 / 0.9022 / 0.9373
  (dev 0.9017 / 0.9064 / 0.9398); clause-level scores (mean, last, min, max) stacked on the whole-review score
  0.8961 / 0.9027 / 0.9355 (dev 0.9101 / 0.9081 / 0.9395); dropping the ~300 train reviews per fold whose
  out-of-fold score contradicts their label (p < 0.05) 0.8974 / 0.9014 / 0.9355 (dev 0.9073 / 0.9064 /
  0.9377). Two of them lift hotel dev by 0.4-0.6 points, but not hotel cross-validation (5,675 reviews against
  712). Read by hand, 18 of the first 37 of this build's 67 hotel dev errors carry a label their text plainly
  contradicts (简直太失望了… labelled positive) and 8 are mixed reviews either label fits: label noise at that
  rate in the held-out test bounds what any model can score there.
- Tried next (2026-11-28, session 7; `/usr/bin/python3 training/experiments/lexicon_stack.py`, same folds and rule):
  polarity lexicons from the data folder (HowNet, NTUSD, Tsinghua; negation and degree words) matched by forward
  maximum matching, as per-review features stacked on the mixture score. Score + lexicon per domain 0.8972 /
  0.9035 / 0.9366 (dev 0.9101 / 0.9081 / 0.9385); with the clause scores above as well 0.8987 / 0.9031 / 0.9374
  (dev 0.9115 / 0.9114 / 0.9397). Consistent but small: hotel +0.28 in cross-validation misses the +0.3 rule,
  and even on dev it leaves hotel 1.9 points short of 0.93, so neither ships. The lexicon alone (sign of its
  total) scores 0.805 on hotel dev.
- A span head for opinions (2026-11-29, session 14; `training/experiments/span_tagger.py`, its docstring has the
  commands): this encoder with a per-character tagger (aspect, positive and negative opinion) trained on the rules'
  own tags over 20,000 train reviews, the 之江 cosmetics spans and the ~900 in-house CX gold documents of the
  2026-11-29 audits (10 times over), its opinions added where no rule tag is. On the two blind opinion hold-outs
  exact F1 moved from 0.398 / 0.303 to between 0.376 and 0.395 / 0.280 and 0.304, relaxed F1 from 0.579 / 0.496
  up to 0.603 / 0.548, with 41-67% of its additions right even by the relaxed match; it lowered the dev gold
  (0.859 to 0.807-0.854) and adds a second graph to every document. Not adopted: the rules' silver labels teach
  it the rules, and the few hundred CX gold documents are too few to teach what the rules miss.
- Where the hotel errors are (2026-11-29, session 15; `training/experiments/near_duplicates.py`, its docstring has the
  commands): 145 of the 712 hotel dev reviews have a near-twin (character 1-3-gram cosine >= 0.85) among the train
  reviews training keeps, mostly the same review with other whitespace in online_shopping_10_cats; the ensemble gets
  141 of them right and 504 of the other 567 (0.889). Taking a twin's label at cosine >= 0.95 instead of the model's
  would move hotel dev from 0.9059 to 0.9101 and waimai and shopping not at all; not adopted, as it only repeats what
  the sparse model already memorised and would count on the held-out test sharing such twins. The gap to 0.93 is in
  reviews the model has not seen in any form.
- The encoder fine-tuned on the sparse model's residual (2026-11-30, session 25; `training/experiments/residual_encoder.py`,
  its docstring has the command and the rule fixed before measuring): the sentiment loss sees the encoder's logits plus
  the sparse mixture's out-of-fold score (3 folds on train), so the encoder learns only what the n-gram model misses.
  Both variants fine-tuned from the same MLM weights (cut by its time cap at step 2889 of 5000 on a loaded box, loss
  4.04) with the shipped seed and schedule. Stacked as shipped, hotel / waimai / shopping dev 0.9087 / 0.9006 / 0.9387
  trained on the labels against 0.9045 / 0.9023 / 0.9387 on the residual (cross-fitted stack 0.9087 / 0.9006 / 0.9384
  against 0.9017 / 0.9023 / 0.9382); gold CX clause sentiment 138 against 142 of 161. The stack's weight on the
  encoder rose from 0.10 to 0.54, so the encoder did become complementary, but hotel fell 0.4 points where the rule
  asked for a 0.5-point rise: not adopted.
- The mixture's two hand-set numbers (2026-12-01, session 28; `training/experiments/mixture_tuning.py`, its docstring
  has the command and the rule fixed before measuring: hotel at least 0.3 points higher by 3-fold cross-validation on
  train, waimai and shopping at most 0.1 lower): the expert C per domain (2, 4, 8, 16; shipped 8, the pooled model's)
  and how far an in-domain text moves towards its expert (0.25, 0.5, 0.75, 1; shipped 0.5), 64 settings. None passes:
  the best hotel cross-validation is 0.8972 (hotel C 16, waimai C 2, mix 0.5; waimai 0.9003, shopping 0.9350), 0.13
  points above the shipped 0.8959 / 0.9020 / 0.9352 where the rule asks 0.3. Dev, printed but not used to choose,
  moves up to 0.9185 hotel (hotel C 16, mix 0.75; shopping 0.9355): the spread of a 712-review dev set, not a lever.
- A decision threshold per domain instead of 0 (2026-12-01, session 29; `/usr/bin/python3
  training/experiments/sparse_levers.py --lever threshold`, same folds and rule): hotel reviews are 68% positive and
  waimai 34%, so a shifted threshold could have paid. Chosen per fold on the other folds' out-of-fold scores it gives
  0.8928 / 0.9010 / 0.9352 against the shipped 0.8959 / 0.9020 / 0.9352 (dev 0.9045 / 0.9014 / 0.9384 against 0.9059
  / 0.9064 / 0.9379): the best thresholds (+0.10 / -0.20 / +0.10) do not carry over between folds (the experts, with
  intercepts of their own, already see each domain's prior). Not adopted.
- Reproducibility: `npm run train` is seeded and single-threaded, but two runs in different sessions (hosts of the
  same machine type) were not bit-identical. The rerun that built this version reproduced the MLM loss (3.6038) yet its encoder alone differs from the
  previous build of the same code and seed (hotel 0.833 against 0.824), and the category sparse weights
  (lbfgs stopped at 200 iterations) differ: 90% of the float16 weights, by up to 0.05.
- Issue #4 targets (held-out test): hotel ≥ 0.93 — dev is {s['chnsenticorp_htl']['accuracy_all']:.3f}
  ({s['chnsenticorp_htl']['n_dev']} reviews; clean subset {s['chnsenticorp_htl']['accuracy_clean']:.3f}); waimai ≥ 0.90 — dev {s['waimai_10k']['accuracy_all']:.3f}. Both clearly beat SnowNLP
  and sit around the published n-gram baseline, as expected when the n-gram model carries the ensemble. The
  hotel clean subset has only {s['chnsenticorp_htl']['n_dev_clean']} reviews (±2 points of noise).
- Trained on whole reviews (hotel median 83 characters) plus clauses; the service feeds single clauses.
- Category labels for most CX ids are keyword-derived: the model generalises the keywords a little, not
  the concept; telecom/bank/insurance vocabulary is barely present in the training data.
- Neutral is learned from car-forum statements only; neutral probabilities elsewhere are unreliable.
- Traditional characters are only as good as their (rare) appearances in training; the analyzer should
  pass normalised (simplified) text.
- Calibration (ECE above) is fitted on the same dev split that reports it.
"""
    open(os.path.join(d, 'MODEL_CARD.md'), 'w', encoding='utf-8').write(card)
    print('wrote', os.path.join(d, 'MODEL_CARD.md'))


if __name__ == '__main__':
    main()
