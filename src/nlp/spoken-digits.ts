/**
 * Numbers read out digit by digit, as speech recognition writes them and customers type them casually:
 * Chinese numerals (幺三八一二三四五六七八, 一三八 一二三四 五六七八), mixed with Arabic digits
 * (138一二三四5678), financial capitals (壹叁捌壹贰叁肆伍陆柒捌), and single digits separated by spaces
 * (1 3 8 1 2 3 4 5 6 7 8). PII detection (pii.ts) reads such a run through a copy where every numeral is the
 * Arabic digit it stands for, and runs its own number rules on that copy; nothing here decides what is PII.
 *
 * Only digit strings are read: a run touching a positional numeral (十百千万亿, 拾佰仟) or a decimal point
 * (点) is a quantity (一千二百三十四元, 一三八十二…), and 两 is a digit only inside a run (一三两…), never
 * at its ends (两个, 三三两两).
 */

/** The digit each numeral stands for, in the detection copy's simplified script and as written (貳 參 陸 兩). */
const DIGIT_OF: Record<string, string> = {
  '〇': '0', 零: '0', 一: '1', 幺: '1', 二: '2', 两: '2', 兩: '2', 三: '3', 四: '4', 五: '5', 六: '6', 七: '7', 八: '8', 九: '9',
  壹: '1', 贰: '2', 貳: '2', 叁: '3', 叄: '3', 参: '3', 參: '3', 肆: '4', 伍: '5', 陆: '6', 陸: '6', 柒: '7', 捌: '8', 玖: '9',
};
/** The detection copy's script conversion also reads 么 as 幺 (手机么三八…, but not in 什么) and 蔘 as 参: they
 * are numerals to masking and hashing what detection found, not to the scan below. */
const VALUE_OF: Record<string, string> = { ...DIGIT_OF, 么: '1', 蔘: '3' };
const NUMERAL_CLASS = Object.keys(VALUE_OF).join('');
const NUMERAL = new RegExp(`[${NUMERAL_CLASS}]`, 'g');
const NUMERAL_TEST = new RegExp(`[${NUMERAL_CLASS}]`);

/** The text with every digit numeral replaced by its Arabic digit, one UTF-16 unit for one (for masking and
 * hashing a span that detection found: inside such a span every numeral is a digit). */
export function numeralsToDigits(s: string): string {
  return NUMERAL_TEST.test(s) ? s.replace(NUMERAL, (c) => VALUE_OF[c]!) : s;
}

/** For every UTF-16 unit: 1 an Arabic digit, 2 a digit numeral, 0 anything else (one lookup per character:
 * the scan below runs over every text that is masked). */
const KIND = new Uint8Array(0x10000);
for (let c = 48; c <= 57; c++) KIND[c] = 1;
for (const c of Object.keys(DIGIT_OF)) KIND[c.charCodeAt(0)] = 2;
const SPACE = 32;
const DASH = 45;
const LIANG = [...'两兩'].map((c) => c.charCodeAt(0));

/** Next to one of these, a run of numerals is part of a quantity, not a digit string. */
const POSITIONAL = /[十拾百佰千仟万萬亿億点點]/;

/** A run of `t` read out digit by digit: t[start, end), whether it is single digits separated by spaces, and
 * how many digits it holds (an ID's X included). */
export interface SpokenRun {
  start: number;
  end: number;
  spaced: boolean;
  digits: number;
  /** the run in Arabic digits, spaced single digits joined */
  text: string;
}

/**
 * The runs of `t` (the detection copy) that spell a number digit by digit: five digits at least, each after
 * at most one space or "-", with a numeral among them or all of them single digits separated by spaces.
 * Usually there is none, and the scan is one table lookup per character.
 */
export function spokenDigitRuns(t: string): SpokenRun[] {
  const runs: SpokenRun[] = [];
  const n = t.length;
  for (let i = 0; i < n; ) {
    if (KIND[t.charCodeAt(i)] === 0) {
      i++;
      continue;
    }
    // the longest stretch of digits and numerals from i, each after at most one space or "-"
    const start = i;
    let end = i + 1;
    let count = 1;
    let kinds = KIND[t.charCodeAt(i)]!;
    for (let j = i + 1; j < n; j++) {
      let k = KIND[t.charCodeAt(j)]!;
      if (k === 0 && (t.charCodeAt(j) === SPACE || t.charCodeAt(j) === DASH)) k = KIND[t.charCodeAt(++j)] ?? 0;
      if (k === 0) break;
      kinds |= k;
      count++;
      end = j + 1;
    }
    i = end;
    // Arabic digits alone are the ordinary rules' business, unless read out one by one (1 3 8 …)
    if (count < 5 || (kinds === 1 && t.charCodeAt(start + 1) !== SPACE)) continue;
    // touching a positional numeral it is a quantity (一千二百三十四, 一三八十二…)
    if (POSITIONAL.test(t[start - 1] ?? '') || POSITIONAL.test(t[end] ?? '')) continue;
    if (kinds !== 3) {
      addRun(t, start, end, end, runs);
      continue;
    }
    // Arabic digits and numerals mixed: a numeral alone among Arabic digits is a word or a dash, not a
    // digit (1000一晚, 13812345678一直, 六10038, 1903一1987, 35一41), and ends the run
    const numeralAt = (p: number) => p >= start && p < end && KIND[t.charCodeAt(p)] === 2;
    const gap = (p: number) => t.charCodeAt(p) === SPACE || t.charCodeAt(p) === DASH;
    let from = start;
    for (let p = start; p < end; p++) {
      if (!numeralAt(p) || numeralAt(gap(p - 1) ? p - 2 : p - 1) || numeralAt(gap(p + 1) ? p + 2 : p + 1)) continue;
      if (p > from) addRun(t, from, p, end, runs);
      from = p + 1;
    }
    if (from < end) addRun(t, from, end, end, runs);
  }
  return runs;
}

/** Adds t[s, e) (a stretch of digits and numerals that ends the scanned stretch at `stretchEnd` or before
 * it) when it spells a number digit by digit. */
function addRun(t: string, s: number, e: number, stretchEnd: number, runs: SpokenRun[]): void {
  // 两 at either end is the word "two" (两个, 买了两), not a digit; a separator left at an end goes with it
  const edge = (c: number) => c === SPACE || c === DASH || LIANG.includes(c);
  while (s < e && edge(t.charCodeAt(s))) s++;
  while (e > s && edge(t.charCodeAt(e - 1))) e--;
  let digits = 0;
  let gaps = 0;
  let dashes = 0;
  let numerals = false;
  for (let p = s; p < e; p++) {
    const k = KIND[t.charCodeAt(p)]!;
    if (k === 0) {
      gaps++;
      if (t.charCodeAt(p) === DASH) dashes++;
    } else {
      digits++;
      numerals ||= k === 2;
    }
  }
  // single digits read out one by one (1 3 8 1 2 3 4 5 6 7 8): a gap after every digit but the last
  let spaced = dashes === 0 && gaps === digits - 1;
  // an 18-character ID read out ends in X: it goes with the run (…一二三X, 1 2 3 X)
  if (digits === 17 && e === stretchEnd) {
    const x = /^( ?)[Xx](?![A-Za-z])/.exec(t.slice(e, e + 3));
    if (x) {
      spaced &&= x[1] === ' ';
      e += x[0].length;
      digits++;
    }
  }
  if (digits < 5 || !(numerals || spaced)) return;
  let text = '';
  for (let p = s; p < e; p++) if (!(spaced && t.charCodeAt(p) === SPACE)) text += DIGIT_OF[t[p]!] ?? t[p]!;
  runs.push({ start: s, end: e, spaced, digits, text });
}

/**
 * The text around `runs[k]` (`margin` characters on either side, whole runs) with every run in it written in
 * Arabic digits, spaced single digits joined; `toSource` gives each unit's position in `t`, and the run
 * itself is text[start, end).
 */
export function spokenWindow(t: string, runs: readonly SpokenRun[], k: number, margin: number): { text: string; toSource: number[]; start: number; end: number } {
  const run = runs[k]!;
  let from = Math.max(0, run.start - margin);
  let to = Math.min(t.length, run.end + margin);
  let first = k;
  while (first > 0 && runs[first - 1]!.end > from) first--;
  let last = k;
  while (last + 1 < runs.length && runs[last + 1]!.start < to) last++;
  from = Math.min(from, runs[first]!.start);
  to = Math.max(to, runs[last]!.end);
  let text = '';
  const toSource: number[] = [];
  let start = 0;
  let end = 0;
  let pos = from;
  for (let r = first; r <= last; r++) {
    const { start: s, end: e, spaced, text: digits } = runs[r]!;
    text += t.slice(pos, s);
    for (; pos < s; pos++) toSource.push(pos);
    if (r === k) start = text.length;
    text += digits;
    for (; pos < e; pos++) if (!(spaced && t.charCodeAt(pos) === SPACE)) toSource.push(pos);
    if (r === k) end = text.length;
  }
  text += t.slice(pos, to);
  for (; pos < to; pos++) toSource.push(pos);
  return { text, toSource, start, end };
}
