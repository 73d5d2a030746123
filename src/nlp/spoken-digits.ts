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
 *
 * Radio spelling (洞 0, 拐 7, 勾 9, as call centres and customers read numbers to be understood on a bad
 * line) is read like any numeral: these are everyday words (拐弯, 山洞, 勾选), but a run needs five digits,
 * so a word alone or next to one other numeral (一瘸一拐, 七拐八拐) is never one. 叉 is an ID's X only as
 * the 18th character of a run (…零零六叉).
 */

/** The digit each numeral stands for, in the detection copy's simplified script and as written (貳 參 陸 兩). */
const DIGIT_OF: Record<string, string> = {
  '〇': '0', 零: '0', 一: '1', 幺: '1', 二: '2', 两: '2', 兩: '2', 三: '3', 四: '4', 五: '5', 六: '6', 七: '7', 八: '8', 九: '9',
  壹: '1', 贰: '2', 貳: '2', 叁: '3', 叄: '3', 参: '3', 參: '3', 肆: '4', 伍: '5', 陆: '6', 陸: '6', 柒: '7', 捌: '8', 玖: '9',
  // radio spelling: 洞 (zero), 拐 (seven), 勾 (nine)
  洞: '0', 拐: '7', 勾: '9',
};
/** The detection copy's script conversion also reads 么 as 幺 (手机么三八…, but not in 什么) and 蔘 as 参: they
 * are numerals to masking and hashing what detection found, not to the scan below; and 叉 is an ID's X (only
 * ever inside a span as its last character, see addRun). */
const VALUE_OF: Record<string, string> = { ...DIGIT_OF, 么: '1', 蔘: '3', 叉: 'X' };
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
  /** the run in Arabic digits, spaced single digits joined, groups separated by punctuation one space apart */
  text: string;
  /** for every UTF-16 unit of `text`, the position in `t` it stands for */
  map: number[];
}

/**
 * The runs of `t` (the detection copy) that spell a number digit by digit: five digits at least, each after
 * at most one space or "-", with a numeral among them or all of them single digits separated by spaces; or
 * groups of numerals in one of the shapes of a number (GROUP_SHAPES) with one kind of punctuation between
 * them (groupedRun). Usually there is none, and the scan is one table lookup per character.
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
    if (kinds === 2 && end - start === count) {
      const grouped = groupedRun(t, start, end);
      if (grouped) {
        runs.push(grouped);
        i = grouped.end;
        continue;
      }
    }
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
  // an 18-character ID read out ends in X: it goes with the run (…一二三X, 1 2 3 X, …零零六叉)
  if (digits === 17 && e === stretchEnd) {
    const x = /^( ?)[Xx叉](?![A-Za-z])/.exec(t.slice(e, e + 3));
    if (x) {
      spaced &&= x[1] === ' ';
      e += x[0].length;
      digits++;
    }
  }
  if (digits < 5 || !(numerals || spaced)) return;
  let text = '';
  const map: number[] = [];
  for (let p = s; p < e; p++) {
    if (spaced && t.charCodeAt(p) === SPACE) continue;
    text += arabic(t[p]!);
    map.push(p);
  }
  runs.push({ start: s, end: e, spaced, digits, text, map });
}

/** A numeral (or an ID's 叉) as its Arabic digit; anything else as it is. */
const arabic = (c: string) => DIGIT_OF[c] ?? (c === '叉' ? 'X' : c);

/**
 * The shapes, in digits per group, of numbers read out in groups with punctuation between them: a mobile
 * (3-4-4, 3-8), a landline (area code and number: 3-4-4, 4-4-4, 3-8, 4-7, 4-8), a card (4-4-4-4 and up to
 * three more digits) and an ID (6-8-4, the last group may end in X). Nothing else: a comma between numerals
 * is more often a list (一二三，四五六) than a number.
 */
const GROUP_SHAPES = new Set(['3,4,4', '3,8', '4,4,4', '4,7', '4,8', '4,4,4,4', '4,4,4,4,1', '4,4,4,4,2', '4,4,4,4,3', '6,8,4', '6,8,3X']);

/** The length of a group separator at t[p] (，→ "," in the copy, 、, … or ……, 杠; a space may follow , and
 * 、), or 0. */
function separatorAt(t: string, p: number): number {
  const c = t[p];
  if (c === ',' || c === '、') return t.charCodeAt(p + 1) === SPACE ? 2 : 1;
  if (c === '…') return t[p + 1] === '…' ? 2 : 1;
  return c === '杠' ? 1 : 0;
}

/** The most groups read before giving up: every shape has five at most. */
const MAX_GROUPS = 6;

/**
 * Numerals read out in groups with punctuation between them, as speech recognition writes pauses and
 * customers type (幺三八，幺二零四，五六七八; 一五九、三三零八、二六四一; 幺三二……八七六五……四三二幺;
 * 一三五杠二零四七杠八八三一): from the group t[start, end), the whole sequence of groups with the same
 * separator, when its shape is one of GROUP_SHAPES. The groups are joined by one space in the run's text,
 * so the number rules read them as the same number grouped with spaces. Only numerals (a group of Arabic
 * digits with commas is the digit rules' business), only a whole sequence (a group before or after it with
 * the same kind of separator makes it something longer), and the run rules apply at its ends (a positional
 * numeral, 两).
 */
function groupedRun(t: string, start: number, end: number): SpokenRun | null {
  // the sequence starts here: no separator and numeral right before (a later group of a sequence is not a start)
  let b = start - 1;
  if (t.charCodeAt(b) === SPACE) b--;
  if (t[b] === '…' && t[b - 1] === '…') b--;
  if (separatorAt(t, b) > 0 && KIND[t.charCodeAt(b - 1)] === 2) return null;
  const groups: [number, number][] = [[start, end]];
  let sep = '';
  let p = end;
  while (groups.length <= MAX_GROUPS) {
    const len = separatorAt(t, p);
    if (len === 0 || (sep !== '' && t[p] !== sep)) break;
    let r = p + len;
    while (r < t.length && KIND[t.charCodeAt(r)] === 2) r++;
    if (r === p + len) break;
    sep = t[p]!;
    groups.push([p + len, r]);
    p = r;
  }
  if (groups.length < 2) return null;
  let shape = groups.map(([a, z]) => z - a).join(',');
  let last = p;
  // an ID's X after 6-8-3
  if (shape === '6,8,3' && /^[Xx叉](?![A-Za-z])/.test(t.slice(p, p + 2))) {
    shape += 'X';
    last = p + 1;
  }
  if (!GROUP_SHAPES.has(shape)) return null;
  // nothing continues the number after it: digits, or a separator and another group
  const after = t.charCodeAt(last);
  if (KIND[after] === 1 || (/[Xx]/.test(t[last] ?? '') && !shape.endsWith('X'))) return null;
  if ((after === SPACE || after === DASH) && KIND[t.charCodeAt(last + 1)] !== 0) return null;
  if (POSITIONAL.test(t[start - 1] ?? '') || POSITIONAL.test(t[last] ?? '')) return null;
  if (LIANG.includes(t.charCodeAt(start)) || LIANG.includes(t.charCodeAt(last - 1))) return null;
  if (KIND[t.charCodeAt(start - 1)] === 1) return null;
  let text = '';
  const map: number[] = [];
  for (let g = 0; g < groups.length; g++) {
    const [a, z] = groups[g]!;
    if (g > 0) {
      text += ' ';
      map.push(groups[g - 1]![1]);
    }
    for (let q = a; q < (g === groups.length - 1 ? last : z); q++) {
      text += arabic(t[q]!);
      map.push(q);
    }
  }
  const digits = groups.reduce((n, [a, z]) => n + z - a, 0) + (last - p);
  return { start, end: last, spaced: false, digits, text, map };
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
    const { start: s, end: e, text: digits, map } = runs[r]!;
    text += t.slice(pos, s);
    for (; pos < s; pos++) toSource.push(pos);
    if (r === k) start = text.length;
    text += digits;
    for (const q of map) toSource.push(q);
    pos = e;
    if (r === k) end = text.length;
  }
  text += t.slice(pos, to);
  for (; pos < to; pos++) toSource.push(pos);
  return { text, toSource, start, end };
}
