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
