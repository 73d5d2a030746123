import path from 'node:path';
import { DATA, SENTIMENT_SETS, readJsonl } from './common.js';

export interface DocPayload {
  kind: 'comment' | 'transcript' | 'social';
  source: string;
  externalId: string;
  text?: string;
  turns?: { speaker: 'customer' | 'agent'; text: string }[];
}

/** Cuts a review at the last sentence end that keeps it near `max` characters, so lengths stay realistic. */
function clip(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  if (t.length <= max) return t;
  const head = t.slice(0, max);
  const cut = Math.max(...['。', '！', '!', '？', '?', '，', ','].map((p) => head.lastIndexOf(p)));
  return cut >= max / 2 ? head.slice(0, cut + 1) : head;
}

const AGENT_OPENERS = ['您好，请问有什么可以帮您？', '您好，这里是客服中心。', '请问您遇到了什么问题？'];
const SOCIAL_TAGS = ['#吐槽#', '#测评#', '#外卖#', '#酒店#', '#网购#'];

/**
 * Feedback documents built from the dev texts: half comments, a quarter social posts, a quarter call
 * transcripts (agent line + customer line), clipped so the mean lands near 60 characters (reviews under 20 characters are skipped).
 */
export function feedbackDocuments(count: number, runId: string): DocPayload[] {
  const texts: string[] = [];
  for (const set of SENTIMENT_SETS) {
    for (const row of readJsonl<{ text: string }>(path.join(DATA, 'sentiment', set, 'dev.jsonl'))) {
      if (row.text && row.text.trim().length >= 20) texts.push(row.text);
    }
  }
  // interleave the sets so every slice of the run sees every domain
  const mixed: string[] = [];
  for (let i = 0; mixed.length < count; i++) mixed.push(texts[(i * 7919) % texts.length]!);
  return mixed.map((text, i): DocPayload => {
    const externalId = `${runId}-${i}`;
    if (i % 4 === 1) return { kind: 'social', source: 'weibo', externalId, text: `${SOCIAL_TAGS[i % SOCIAL_TAGS.length]} ${clip(text, 100)}` };
    if (i % 4 === 3) {
      return {
        kind: 'transcript',
        source: 'call-center',
        externalId,
        turns: [
          { speaker: 'agent', text: AGENT_OPENERS[i % AGENT_OPENERS.length]! },
          { speaker: 'customer', text: clip(text, 80) },
        ],
      };
    }
    return { kind: 'comment', source: 'app-review', externalId, text: clip(text, 120) };
  });
}

export const docChars = (d: DocPayload) => (d.text ?? '').length + (d.turns ?? []).reduce((n, t) => n + t.text.length, 0);
