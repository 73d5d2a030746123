import fs from 'node:fs';
import path from 'node:path';
import type { Jieba } from '@node-rs/jieba';
import { buildJiebaDict, loadLexicon } from '../src/nlp/lexicon.js';
import { loadJieba, tokenize } from '../src/nlp/segment.js';
import { DATA, PYTHON, ROOT, SENTIMENT_SETS, readJsonl, round, run, tmpDir, type BenchOptions, type BenchResult } from './lib/common.js';

const QUICK_BYTES = 120_000;
const PROBE_BYTES = 60_000;

/** Leading lines of a corpus up to about `bytes` UTF-8 bytes. */
function prefixLines(lines: string[], bytes: number): string[] {
  let n = 0;
  let i = 0;
  while (i < lines.length && n < bytes) n += Buffer.byteLength(lines[i++]!) + 1;
  return lines.slice(0, i);
}
const TARGET = 10;

/** The review corpus, one text per line (inner newlines folded so lines stay documents). */
function corpus(quick: boolean): string[] {
  const lines: string[] = [];
  let bytes = 0;
  for (const set of SENTIMENT_SETS) {
    for (const row of readJsonl<{ text?: string }>(path.join(DATA, 'sentiment', set, 'train.jsonl'))) {
      const text = (row.text ?? '').replace(/[\r\n]+/g, ' ').trim();
      if (!text) continue;
      lines.push(text);
      bytes += Buffer.byteLength(text) + 1;
      if (quick && bytes >= QUICK_BYTES) return lines;
    }
  }
  return lines;
}

/** Inner boundaries (end offsets except the last) per line; the line end always agrees, so it is left out. */
type Boundaries = number[][];

function boundariesFromLengths(lengths: number[]): number[] {
  const out: number[] = [];
  let at = 0;
  for (const n of lengths.slice(0, -1)) out.push((at += n));
  return out;
}

/** Share of token boundaries both segmenters put in the same place: |A∩B| / |A∪B| over all lines. */
function agreement(a: Boundaries, b: Boundaries): number {
  let both = 0;
  let either = 0;
  for (let i = 0; i < a.length; i++) {
    const x = new Set(a[i]);
    const y = b[i] ?? [];
    let common = 0;
    for (const v of y) if (x.has(v)) common++;
    both += common;
    either += x.size + y.length - common;
  }
  return either === 0 ? 1 : both / either;
}

function timeNode(lines: string[], segment: (line: string) => number[]): { seconds: number; boundaries: Boundaries; tokens: number } {
  for (const line of lines.slice(0, 200)) segment(line);
  const boundaries: Boundaries = new Array<number[]>(lines.length);
  let tokens = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < lines.length; i++) boundaries[i] = segment(lines[i]!);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  for (const b of boundaries) tokens += b.length + 1;
  return { seconds, boundaries, tokens };
}

const workerPath = (jieba: Jieba) => (line: string) => tokenize(jieba, line, 0, line.length).map((t) => t.end).slice(0, -1);
const plainCut = (jieba: Jieba) => (line: string) => boundariesFromLengths(jieba.cut(line, true).map((w) => w.length));

async function python(mode: 'cut' | 'posseg', input: string, userDict: string, dir: string, timeoutMs: number) {
  const output = path.join(dir, `python-${mode}.txt`);
  const raw = await run(PYTHON, [path.join(ROOT, 'bench/lib/jieba-peer.py'), mode, input, userDict, output], { timeoutMs });
  const stats = JSON.parse(raw.trim().split('\n').pop()!) as { seconds: number; bytes: number; lines: number; tokens: number; jieba: string };
  const boundaries: Boundaries = fs
    .readFileSync(output, 'utf8')
    .split('\n')
    .slice(0, stats.lines)
    .map((l) => boundariesFromLengths(l === '' ? [] : l.split(' ').map(Number)));
  return { ...stats, boundaries };
}

export async function segmentBench(opts: BenchOptions): Promise<BenchResult> {
  const t0 = Date.now();
  const lexiconDir = path.resolve(ROOT, process.env.LEXICON_DIR ?? 'lexicons');
  const lex = loadLexicon(lexiconDir);
  const jieba = loadJieba(lex);
  const full = corpus(opts.quick);
  const fullMb = full.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0) / 1e6;
  const dir = tmpDir('segment');
  // the same dictionary text loadJieba feeds @node-rs/jieba, in the `word freq tag` format both read
  const userDict = path.join(dir, 'user-dict.txt');
  fs.writeFileSync(userDict, buildJiebaDict(lex));

  // Python posseg runs at well under 1 MB/s, and far slower when the machine is busy: a short probe
  // decides how much of the corpus both sides segment inside this benchmark's share of the budget.
  let lines = full;
  let shrunk: string | null = null;
  if (!opts.quick) {
    const probeInput = path.join(dir, 'probe.txt');
    fs.writeFileSync(probeInput, prefixLines(full, PROBE_BYTES).join('\n') + '\n');
    const probe = await python('posseg', probeInput, userDict, dir, 120_000);
    const possegMBps = probe.bytes / 1e6 / probe.seconds;
    // plain cut costs about a sixth of posseg (measured-facts: 1.22 vs 0.18 MB/s); 40 s for Node, start-up and slack
    const affordable = Math.max(0.3, ((opts.deadline - Date.now()) / 1000 - 40) * possegMBps / 1.2);
    if (affordable < fullMb) {
      lines = prefixLines(full, affordable * 1e6);
      shrunk = `Python posseg probed at ${round(possegMBps, 3)} MB/s on this (busy) machine, so both sides segmented the first ${round(affordable, 2)} of ${round(fullMb, 2)} MB to stay inside the time budget`;
      opts.log(`segment: ${shrunk}`);
    }
  }
  const bytes = lines.reduce((n, l) => n + Buffer.byteLength(l), 0);
  const mb = bytes / 1e6;
  const input = path.join(dir, 'corpus.txt');
  fs.writeFileSync(input, lines.join('\n') + '\n');
  opts.log(`segment: ${lines.length} lines, ${round(mb)} MB, ${lex.userDict.length} user-dict entries + taxonomy terms`);

  const oursTag = timeNode(lines, workerPath(jieba));
  const oursCut = timeNode(lines, plainCut(jieba));
  opts.log(`segment: ours tokenize ${round(mb / oursTag.seconds)} MB/s, cut ${round(mb / oursCut.seconds)} MB/s; running Python jieba`);
  const timeoutMs = Math.max(60_000, opts.deadline - Date.now());
  const pyPosseg = await python('posseg', input, userDict, dir, timeoutMs);
  const pyCut = await python('cut', input, userDict, dir, timeoutMs);
  fs.rmSync(dir, { recursive: true, force: true });

  const ours = mb / oursTag.seconds;
  const peerValue = mb / pyPosseg.seconds;
  const ratio = ours / peerValue;
  const cutRatio = mb / oursCut.seconds / (mb / pyCut.seconds);
  return {
    bench: 'segment',
    unit: 'MB/s',
    ours: round(ours),
    peer: `Python jieba ${pyPosseg.jieba} posseg.cut (HMM on, same user dictionary)`,
    peerValue: round(peerValue, 3),
    ratio: round(ratio, 1),
    target: `>= ${TARGET}x Python jieba`,
    targetMet: ratio >= TARGET,
    ...(ratio < TARGET || shrunk ? { note: [ratio < TARGET ? `ours is ${round(ratio, 1)}x, under ${TARGET}x` : '', shrunk ? `corpus cut to ${round(mb, 2)} MB to fit the budget` : ''].filter(Boolean).join('; ') } : {}),
    details: {
      ourPath: 'src/nlp/segment.ts tokenize() = @node-rs/jieba tag(HMM) + HMM-tail split, with loadJieba(lexicons) user dictionary, per line',
      whyPosseg: 'the worker needs POS tags, so the like-for-like Python call is jieba.posseg.cut; plain cut is compared below too',
      corpus: `text of sentiment/{${SENTIMENT_SETS.join(',')}}/train.jsonl, one review per line${opts.quick ? ' (quick: first 0.12 MB)' : ''}`,
      megabytes: round(mb, 2),
      ...(shrunk ? { corpusShrunk: shrunk } : {}),
      lines: lines.length,
      ourTokens: oursTag.tokens,
      peerTokens: pyPosseg.tokens,
      tokenBoundaryAgreement: round(agreement(oursTag.boundaries, pyPosseg.boundaries), 4),
      agreementDefinition: 'inner token boundaries placed identically by both ÷ boundaries placed by either (Jaccard), over all lines',
      cutOnly: {
        oursMBps: round(mb / oursCut.seconds),
        pythonMBps: round(mb / pyCut.seconds, 3),
        ratio: round(cutRatio, 1),
        targetMetOnCut: cutRatio >= TARGET,
        tokenBoundaryAgreement: round(agreement(oursCut.boundaries, pyCut.boundaries), 4),
      },
      oursTokenizeVsPythonCut: round(ours / (mb / pyCut.seconds), 1),
    },
    seconds: round((Date.now() - t0) / 1000, 1),
  };
}
