import * as OpenCC from 'opencc-js';

/*
 * Only searches need these converters, and each one builds its dictionaries when created (tens of MB, the
 * phrase tables most): built on first use in the process that searches, never in the analyzer threads.
 */
let converters: Record<'toCn' | 'twPhrasesToCn' | 'toTw' | 'toHk' | 'toTwPhrases', (s: string) => string> | null = null;

function build() {
  const tw = OpenCC.Converter({ from: 'tw', to: 'cn' });
  const hk = OpenCC.Converter({ from: 'hk', to: 'cn' });
  return {
    toCn: (s: string) => hk(tw(s)),
    twPhrasesToCn: OpenCC.Converter({ from: 'twp', to: 'cn' }),
    toTw: OpenCC.Converter({ from: 'cn', to: 'tw' }),
    toHk: OpenCC.Converter({ from: 'cn', to: 'hk' }),
    toTwPhrases: OpenCC.Converter({ from: 'cn', to: 'twp' }),
  };
}

/**
 * A search term in every script a stored text may use (网络 / 網絡 / Taiwan's 網路): tags keep the customer's
 * own script, so a simplified query must also look for the traditional spelling and the other way round.
 */
export function scriptVariants(term: string): string[] {
  const c = (converters ??= build());
  const simplified = new Set([c.toCn(term), c.twPhrasesToCn(term)]);
  const out = new Set([term, ...simplified]);
  for (const s of simplified) for (const convert of [c.toTw, c.toHk, c.toTwPhrases]) out.add(convert(s));
  return [...out];
}

const halfWidth = (s: string) => s.replace(/[\uff01-\uff5e]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
const fullWidth = (s: string) => s.replace(/[A-Za-z0-9]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));

/**
 * scriptVariants in both widths of Latin letters and digits as well (ＡＰＰ / APP, ５Ｇ / 5G: tags keep the
 * customer's characters, and phone keyboards type either), and with the ASCII case the stored forms use
 * (App, app, APP): for exact-match filters, which cannot ignore case the way a search pattern can.
 */
export function termVariants(term: string): string[] {
  const out = new Set<string>();
  for (const v of scriptVariants(halfWidth(term.trim()))) {
    for (const cased of [v, v.toLowerCase(), v.toUpperCase(), v.charAt(0).toUpperCase() + v.slice(1).toLowerCase()]) {
      out.add(cased);
      out.add(fullWidth(cased));
    }
  }
  out.add(term);
  return [...out];
}
