import { expect, test } from 'vitest';
import { bearer, createKey, type TestRuntime } from '../helpers/runtime.js';
import { useActionsRuntime } from '../actions/setup.js';

// A blank keyword, aspect or channel in a document rule's match is refused (a criterion that can never match);
// the same blank in a threshold rule's channel, or in the teams of an SLA-breach rule, was saved, and that rule
// could never fire: no tag has the channel "  ", no case the team " ".
let rt: TestRuntime;
useActionsRuntime((r) => (rt = r));

test('a blank threshold channel or SLA team is a 400 naming it, and no rule is saved', async () => {
  const admin = await createKey(rt, ['admin'], 'qa-rules-blank');
  const post = (body: Record<string, unknown>) => rt.http.post('/v1/rules').set(bearer(admin)).send({ webhookIds: [], ...body });
  const channel = await post({ name: '微信渠道差评', type: 'threshold', threshold: { channel: '  ', minShare: 0.3 } });
  expect(channel.status).toBe(400);
  expect(channel.body.error.details.map((d: { field: string }) => d.field)).toEqual(['threshold.channel']);
  const teams = await post({ name: '风控超时', type: 'sla_breach', teams: ['risk', '\u3000'] });
  expect(teams.status).toBe(400);
  expect(teams.body.error.details.map((d: { field: string }) => d.field)).toEqual(['teams']);
  expect((await rt.http.get('/v1/rules').set(bearer(admin)).expect(200)).body.items).toEqual([]);
  // with visible values both are saved
  await post({ name: '微信渠道差评', type: 'threshold', threshold: { channel: 'wechat', minShare: 0.3 } }).expect(201);
  await post({ name: '风控超时', type: 'sla_breach', teams: ['risk'] }).expect(201);
});

test('a threshold minShare of 1 is a 400 naming it: no share is above 1, so the rule could never fire', async () => {
  const admin = await createKey(rt, ['admin'], 'qa-rules-minshare');
  const post = (minShare: number) =>
    rt.http.post('/v1/rules').set(bearer(admin)).send({ name: '全部差评', type: 'threshold', webhookIds: [], threshold: { category: 'network', minShare } });
  const one = await post(1);
  expect(one.status).toBe(400);
  expect(one.body.error.details.map((d: { field: string }) => d.field)).toEqual(['threshold.minShare']);
  expect((await rt.http.get('/v1/rules').set(bearer(admin)).expect(200)).body.items).toEqual([]);
  const saved = await post(0.99);
  expect(saved.status).toBe(201);
  // and a PUT cannot make one either
  const put = await rt.http
    .put(`/v1/rules/${saved.body.id}`)
    .set(bearer(admin))
    .send({ name: '全部差评', type: 'threshold', webhookIds: [], threshold: { category: 'network', minShare: 1 } });
  expect(put.status).toBe(400);
  expect((await rt.http.get(`/v1/rules/${saved.body.id}`).set(bearer(admin)).expect(200)).body.threshold.minShare).toBe(0.99);
});
