import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { runBuiltCli, useCliService, type CliResult } from '../helpers/cli.js';
import type { ServiceProcess } from '../helpers/process.js';

// An import job's stderr is kept (cron mail, CI logs, a terminal scrollback), and a line it rejects is a
// customer's feedback. JSON.parse's message quotes the line around the error (V8: `Unexpected token '手',
// ..."text":手机13812345"... is not valid JSON`), so a hand-edited JSONL line with a lost quote printed the
// customer's phone number there. The server refuses such a body without quoting it; the CLI must too.

const ROOT = path.resolve(import.meta.dirname, '../..');
const ADMIN_KEY = 'cli-pii-test-admin-key-0123456789abcdef';
let service: ServiceProcess;
let work: string;

// debug: the most the service ever logs
useCliService({ adminKey: ADMIN_KEY, workPrefix: 'guandian-cli-pii-', env: { LOG_LEVEL: 'debug' } }, (s) => ({ service, work } = s));

function runCli(args: string[]): Promise<CliResult> {
  return runBuiltCli(args, { cwd: work, env: { GUANDIAN_URL: service.url, GUANDIAN_KEY: ADMIN_KEY }, timeoutMs: 45_000 });
}

test('a JSONL line that is not valid JSON is reported by its number and the error, not by what it says', async () => {
  const good = { kind: 'comment', source: 'app-review', externalId: 'pii-cli-1', text: '手机13812345678打不通，客服也不回电话' };
  const lines = [
    JSON.stringify(good),
    // a quote lost around the text
    '{"kind":"comment","source":"app-review","externalId":"pii-cli-2","text":手机13987654321打不通，身份证110101199003074514}',
    // a stray character after a value
    '{"kind":"comment","source":"app-review","externalId":"pii-cli-3","text":"银行卡6222021234567890123扣款失败"x}',
    // cut off half-way through
    '{"kind":"comment","source":"app-review","externalId":"pii-cli-4","text":"邮箱zhangsan@163.com收不到账单',
    // a bare word after the object
    '{"kind":"comment","source":"app-review","externalId":"pii-cli-5","text":"座机010-62345678"} 李娜13700001111',
  ];
  fs.writeFileSync(path.join(work, 'feedback.jsonl'), lines.join('\n') + '\n');
  const run = await runCli(['import', 'feedback.jsonl']);
  expect(run.code, run.stderr).toBe(0);
  expect(run.stdout.trim()).toBe('accepted 1, duplicate 0, rejected 4, skipped 0');
  for (const n of [2, 3, 4, 5]) expect(run.stderr).toMatch(new RegExp(`^feedback\\.jsonl:${n}: not valid JSON`, 'm'));
  // where the error is, when the parser says
  expect(run.stderr).toMatch(/^feedback\.jsonl:3: not valid JSON \(.*position \d+/m);
  for (const raw of ['1398765', '7654321', '19900307', '62220212', '34567890', 'zhangsan', '62345678', '李娜', '13700001111', '0000111', '手机']) {
    expect(run.stderr).not.toContain(raw);
  }
  // nor does the service log the rejected lines (they never reach it) or the accepted one
  expect(service.output()).not.toMatch(/1381234|1398765|19900307|zhangsan/);
});
