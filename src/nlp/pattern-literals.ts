/*
 * Which patterns of patterns.tsv can match a clause, decided from the literal text every match must contain.
 *
 * A clause used to be tested first against one alternation of every pattern (the gate), then, when it passed,
 * against every pattern in turn. With ~190 patterns the gate cost a fifth of the rules' time on review text, and a
 * clause it let through still ran every pattern. Most patterns need some literal text (等了 or 排了; 说好的; 卡成), so a
 * pass over the clause that looks for those literals names the few patterns worth running, and the others are
 * skipped without running a regular expression at all.
 */

/** What a piece of a pattern matches, as far as literals go. */
interface Info {
  /** Every string the piece can match, when that is a small finite set ('' = it can match nothing at all). */
  exact: string[] | null;
  /** A set of strings one of which every match contains (none of them empty), when one is known. */
  need: string[] | null;
}

const MAX_EXACT = 64;
const UNKNOWN: Info = { exact: null, need: null };
const EMPTY: Info = { exact: [''], need: null };

const dedupe = (xs: string[]) => [...new Set(xs)];

/** The more selective of two requirements: the longer shortest string first, then fewer strings. */
function better(a: string[] | null, b: string[] | null): string[] | null {
  if (!a) return b;
  if (!b) return a;
  const la = Math.min(...a.map((s) => s.length));
  const lb = Math.min(...b.map((s) => s.length));
  if (la !== lb) return la > lb ? a : b;
  return a.length <= b.length ? a : b;
}

/** The set without strings that hold another of its strings: where one of those occurs, the shorter one does too. */
function minimal(xs: string[]): string[] {
  return xs.filter((s) => !xs.some((t) => t !== s && s.includes(t)));
}

/** What an Info requires: its own requirement, or its exact strings when none of them is empty. */
function needOf(i: Info): string[] | null {
  const fromExact = i.exact && !i.exact.includes('') ? minimal(i.exact) : null;
  return better(i.need, fromExact);
}

function product(a: string[], b: string[]): string[] | null {
  if (a.length * b.length > MAX_EXACT) return null;
  return dedupe(a.flatMap((x) => b.map((y) => x + y)));
}

function alternation(items: Info[]): Info {
  if (items.length === 1) return items[0]!;
  const exact = items.every((i) => i.exact) ? dedupe(items.flatMap((i) => i.exact!)) : null;
  const needs = items.map(needOf);
  return {
    exact: exact && exact.length <= MAX_EXACT ? exact : null,
    need: needs.every((n) => n) ? minimal(dedupe(needs.flatMap((n) => n!))) : null,
  };
}

function sequence(items: Info[]): Info {
  let best: string[] | null = null;
  // the exact strings of the run of finite pieces ending here (等了 + 1-3 digits would not be finite; 等了|排了 + 才 is)
  let run: string[] | null = [''];
  let all: string[] | null = [''];
  for (const item of items) {
    best = better(best, needOf(item));
    if (item.exact) {
      const joined: string[] | null = run ? product(run, item.exact) : null;
      run = joined ?? item.exact;
      all = all && joined ? joined : null;
    } else {
      run = [''];
      all = null;
    }
    if (!run.includes('')) best = better(best, run);
  }
  return { exact: all, need: best };
}

function quantified(item: Info, min: number, max: number): Info {
  if (min === 0) return { exact: max === 1 && item.exact ? dedupe(['', ...item.exact]) : null, need: null };
  let exact: string[] | null = null;
  if (min === max && item.exact) {
    exact = [''];
    for (let k = 0; k < min && exact; k++) exact = product(exact, item.exact);
  }
  return { exact, need: needOf(item) };
}

/**
 * A set of strings one of which every match of the JavaScript regular expression `source` (flag u) contains, or
 * null when nothing can be said (a pattern that starts with a class, say). Conservative: character classes,
 * backreferences and optional pieces require nothing; lookarounds consume nothing.
 */
export function requiredLiterals(source: string): string[] | null {
  const cps = [...source];
  let p = 0;
  const peek = () => cps[p];

  function parseAlternation(): Info {
    const items = [parseSequence()];
    while (peek() === '|') {
      p++;
      items.push(parseSequence());
    }
    return alternation(items);
  }

  function parseSequence(): Info {
    const items: Info[] = [];
    while (p < cps.length && peek() !== '|' && peek() !== ')') items.push(parseQuantifier(parseAtom()));
    return sequence(items);
  }

  function parseQuantifier(atom: Info): Info {
    const c = peek();
    let min: number;
    let max: number;
    if (c === '?') [min, max] = [0, 1];
    else if (c === '*') [min, max] = [0, Infinity];
    else if (c === '+') [min, max] = [1, Infinity];
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(cps.slice(p).join(''));
      if (!m) return atom;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      p += m[0].length - 1;
    } else return atom;
    p++;
    if (peek() === '?') p++; // lazy: matches the same strings
    return quantified(atom, min, max);
  }

  function parseAtom(): Info {
    const c = cps[p++]!;
    if (c === '(') {
      let kind: 'group' | 'look' = 'group';
      if (peek() === '?') {
        const rest = cps.slice(p, p + 3).join('');
        if (rest.startsWith('?:')) p += 2;
        else if (rest.startsWith('?=') || rest.startsWith('?!')) [p, kind] = [p + 2, 'look'];
        else if (rest.startsWith('?<=') || rest.startsWith('?<!')) [p, kind] = [p + 3, 'look'];
        else if (rest.startsWith('?<')) {
          while (p < cps.length && peek() !== '>') p++;
          p++;
        } else throw new Error(`unsupported group at ${p} in ${source}`);
      }
      const inner = parseAlternation();
      if (cps[p++] !== ')') throw new Error(`unbalanced group in ${source}`);
      return kind === 'look' ? EMPTY : inner;
    }
    if (c === '[') {
      // a class matches one of many characters: it requires none in particular
      while (p < cps.length && peek() !== ']') p += peek() === '\\' ? 2 : 1;
      p++;
      return UNKNOWN;
    }
    if (c === '.') return UNKNOWN;
    if (c === '^' || c === '$') return EMPTY;
    if (c === '\\') return parseEscape();
    return { exact: [c], need: [c] };
  }

  function parseEscape(): Info {
    const e = cps[p++]!;
    if ('dDwWsS'.includes(e)) return UNKNOWN;
    if (e === 'b' || e === 'B') return EMPTY;
    if (e === 'p' || e === 'P') {
      while (p < cps.length && cps[p - 1] !== '}') p++;
      return UNKNOWN;
    }
    if (e === 'k') {
      while (p < cps.length && cps[p - 1] !== '>') p++;
      return UNKNOWN;
    }
    if (/[1-9]/.test(e)) {
      while (/[0-9]/.test(peek() ?? '')) p++;
      return UNKNOWN;
    }
    let ch: string;
    if (e === 'u' && peek() === '{') {
      const close = cps.indexOf('}', p);
      ch = String.fromCodePoint(parseInt(cps.slice(p + 1, close).join(''), 16));
      p = close + 1;
    } else if (e === 'u') {
      ch = String.fromCharCode(parseInt(cps.slice(p, p + 4).join(''), 16));
      p += 4;
    } else if (e === 'x') {
      ch = String.fromCharCode(parseInt(cps.slice(p, p + 2).join(''), 16));
      p += 2;
    } else if (e === 'c') {
      ch = String.fromCharCode(cps[p++]!.charCodeAt(0) % 32);
    } else {
      ch = ({ n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', '0': '\0' } as Record<string, string>)[e] ?? e;
    }
    return { exact: [ch], need: [ch] };
  }

  const info = parseAlternation();
  if (p !== cps.length) throw new Error(`unexpected ) in ${source}`);
  return needOf(info);
}

/**
 * The patterns a clause may match, in their order. `literals[k]` is pattern k's requirement (null: always run).
 * Literals are indexed by their first UTF-16 unit, so one pass over the clause finds every one it holds.
 */
export class PatternPrefilter {
  private readonly byFirst = new Map<string, { literal: string; patterns: number[] }[]>();
  private readonly always: number[] = [];

  constructor(readonly literals: (string[] | null)[]) {
    literals.forEach((lits, k) => {
      if (!lits) {
        this.always.push(k);
        return;
      }
      for (const literal of lits) {
        let entries = this.byFirst.get(literal[0]!);
        if (!entries) this.byFirst.set(literal[0]!, (entries = []));
        const entry = entries.find((e) => e.literal === literal);
        if (entry) entry.patterns.push(k);
        else entries.push({ literal, patterns: [k] });
      }
    });
  }

  /** The indexes of the patterns that may match `text`, ascending (a pattern whose literal it lacks cannot). */
  candidates(text: string): number[] {
    const out = this.always.slice();
    for (let i = 0; i < text.length; i++) {
      const entries = this.byFirst.get(text[i]!);
      if (!entries) continue;
      for (const e of entries) if (text.startsWith(e.literal, i)) for (const k of e.patterns) if (!out.includes(k)) out.push(k);
    }
    return out.length > 1 ? out.sort((a, b) => a - b) : out;
  }
}
