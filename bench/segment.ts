import fs from 'node:fs';
import path from 'node:path';
import type { Jieba } from '@node-rs/jieba';
import { buildJiebaDict, loadLexicon } from '../src/nlp/lexicon.js';
import { loadJieba, tokenize } from '../src/nlp/segment.js';
import { DATA, PYTHON, ROOT, SENTIMENT_SETS, readJsonl, round, run, tmpDir, type BenchOptions, type BenchResult } from './lib/common.js';

const QUICK_BYTES = 120_000;
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
  const lines = corpus(opts.quick);
  const bytes = lines.reduce((n, l) => n + Buffer.byteLength(l), 0);
  const mb = bytes / 1e6;
  const dir = tmpDir('segment');
  const input = path.join(dir, 'corpus.txt');
  fs.writeFileSync(input, lines.join('\n') + '\n');
  // the same dictionary text loadJieba feeds @node-rs/jieba, in the `word freq tag` format both read
  const userDict = path.join(dir, 'user-dict.txt');
  fs.writeFileSync(userDict, buildJiebaDict(lex));
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
    ...(ratio < TARGET ? { note: `ours is ${round(ratio, 1)}x, under ${TARGET}x` } : {}),
    details: {
      ourPath: 'src/nlp/segment.ts tokenize() = @node-rs/jieba tag(HMM) + HMM-tail split, with loadJieba(lexicons) user dictionary, per line',
      whyPosseg: 'the worker needs POS tags, so the like-for-like Python call is jieba.posseg.cut; plain cut is compared below too',
      corpus: `text of sentiment/{${SENTIMENT_SETS.join(',')}}/train.jsonl, one review per line${opts.quick ? ' (quick: first 0.12 MB)' : ''}`,
      megabytes: round(mb, 2),
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
