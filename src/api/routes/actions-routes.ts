import { readDate } from '../dto/dates.js';
import { Router } from 'express';
import { badRequest } from '../../errors.js';
import type { Services } from '../../runtime.js';
import { presentRule, type RuleInput } from '../../actions/rules-service.js';
import { presentWebhook } from '../../actions/webhook-service.js';
import { presentRouting } from '../../actions/routing-service.js';
import {
  AtRiskQueryDto,
  CaseUpdateDto,
  CasesQueryDto,
  DeliveriesQueryDto,
  JourneyParamsDto,
  JourneyQueryDto,
  KpiQueryDto,
  RoutingTableDto,
  RuleDto,
  WebhookCreateDto,
  WebhookUpdateDto,
} from '../dto/actions-dto.js';
import { idempotency } from '../guards.js';
import { auth, requireRole } from '../middleware.js';
import { noQuery, parseDto, refuseBody, refuseQuery } from '../validate.js';

// Alert rules, webhooks, complaint routing, journeys and the KPI view; logic lives in src/actions.
export function actionsRoutes(s: Services): Router {
  const r = Router();
  const a = s.actions;
  const id = (p: unknown) => p as string;

  r.get('/webhooks', requireRole('admin'), async (req, res) => {
    refuseQuery(req.query);
    res.json({ items: await a.webhooks.list(auth(req).tenant) });
  });
  r.post('/webhooks', requireRole('admin'), async (req, res) => {
    const who = auth(req);
    const created = await a.webhooks.create(who.tenant, parseDto(WebhookCreateDto, req.body));
    await s.privacy.audit(who.tenant, who.keyId, 'webhook.create', created.id, { url: created.url });
    res.status(201).json(created);
  });
  r.get('/webhooks/:id', requireRole('admin'), noQuery, async (req, res) => {
    res.json(presentWebhook(await a.webhooks.get(auth(req).tenant, id(req.params.id))));
  });
  // The /v1 router's Idempotency-Key covers POSTs; a rotation retried after a lost answer must get
  // that answer's secret, not rotate again.
  r.patch('/webhooks/:id', idempotency(s.store, { methods: ['PATCH'] }), requireRole('admin'), async (req, res) => {
    const who = auth(req);
    const dto = parseDto(WebhookUpdateDto, req.body);
    // as PATCH /v1/tags/:id: a change that changes nothing would still be written and audited
    if (dto.url === undefined && dto.description === undefined && dto.active === undefined && dto.rotateSecret !== true) {
      throw badRequest('nothing to change: the body names no url, description or active, and no rotateSecret: true', [{ field: '(body)', message: 'nothing to change' }]);
    }
    const updated = await a.webhooks.update(who.tenant, id(req.params.id), dto);
    await s.privacy.audit(who.tenant, who.keyId, 'webhook.update', updated.id, { ...dto });
    res.json(updated);
  });
  r.delete('/webhooks/:id', requireRole('admin'), async (req, res) => {
    refuseBody(req.body);
    const who = auth(req);
    await a.webhooks.delete(who.tenant, id(req.params.id));
    await s.privacy.audit(who.tenant, who.keyId, 'webhook.delete', id(req.params.id));
    res.status(204).end();
  });
  r.get('/webhooks/:id/deliveries', requireRole('admin'), async (req, res) => {
    const q = parseDto(DeliveriesQueryDto, req.query, 'query');
    res.json(
      await a.webhooks.deliveries(auth(req).tenant, id(req.params.id), {
        limit: Number(q.limit ?? 50),
        ...(q.before ? { before: readDate(q.before)! } : {}),
        ...(q.cursor ? { cursor: q.cursor } : {}),
      }),
    );
  });
  r.post('/webhooks/:id/deliveries/:deliveryId/retry', requireRole('admin'), async (req, res) => {
    refuseBody(req.body);
    const who = auth(req);
    await a.webhooks.redeliver(who.tenant, id(req.params.id), id(req.params.deliveryId));
    await s.privacy.audit(who.tenant, who.keyId, 'webhook.redeliver', id(req.params.id), { deliveryId: id(req.params.deliveryId) });
    res.status(202).json({ deliveryId: id(req.params.deliveryId), status: 'pending' });
  });
  r.post('/webhooks/:id/test', requireRole('admin'), async (req, res) => {
    refuseBody(req.body);
    res.status(202).json({ deliveryId: await a.webhooks.sendTest(auth(req).tenant, id(req.params.id)) });
  });

  r.get('/rules', requireRole('admin'), async (req, res) => {
    refuseQuery(req.query);
    res.json({ items: await a.rules.list(auth(req).tenant) });
  });
  r.post('/rules', requireRole('admin'), async (req, res) => {
    const who = auth(req);
    const rule = await a.rules.create(who.tenant, parseDto(RuleDto, req.body) as RuleInput);
    await s.privacy.audit(who.tenant, who.keyId, 'rule.create', rule.id, { type: rule.type });
    res.status(201).json(rule);
  });
  r.get('/rules/:id', requireRole('admin'), noQuery, async (req, res) => {
    res.json(presentRule(await a.rules.get(auth(req).tenant, id(req.params.id))));
  });
  r.put('/rules/:id', requireRole('admin'), async (req, res) => {
    const who = auth(req);
    const rule = await a.rules.replace(who.tenant, id(req.params.id), parseDto(RuleDto, req.body) as RuleInput);
    await s.privacy.audit(who.tenant, who.keyId, 'rule.update', rule.id, { type: rule.type });
    res.json(rule);
  });
  r.delete('/rules/:id', requireRole('admin'), async (req, res) => {
    refuseBody(req.body);
    const who = auth(req);
    await a.rules.delete(who.tenant, id(req.params.id));
    await s.privacy.audit(who.tenant, who.keyId, 'rule.delete', id(req.params.id));
    res.status(204).end();
  });

  r.get('/routing', requireRole('admin'), async (req, res) => {
    refuseQuery(req.query);
    res.json(presentRouting(await a.routing.table(auth(req).tenant)));
  });
  r.put('/routing', requireRole('admin'), async (req, res) => {
    const who = auth(req);
    const dto = parseDto(RoutingTableDto, req.body);
    const table = await a.routing.replace(who.tenant, {
      entries: dto.entries.map((e) => ({ categories: e.categories ?? [], keywords: e.keywords ?? [], team: e.team, slaHours: e.slaHours, priority: e.priority ?? 'normal' })),
      defaultTeam: dto.defaultTeam,
      defaultSlaHours: dto.defaultSlaHours,
      ...(dto.escalationWords ? { escalationWords: dto.escalationWords } : {}),
      ...(dto.surveyCases ? { surveyCases: dto.surveyCases } : {}),
    });
    // surveyCases decides whether whole groups of answers open cases: the log says which it was set to
    await s.privacy.audit(who.tenant, who.keyId, 'routing.update', null, { entries: table.entries.length, surveyCases: table.surveyCases });
    res.json(presentRouting(table));
  });

  r.get('/cases', requireRole('analyst', 'labeler'), async (req, res) => {
    const q = parseDto(CasesQueryDto, req.query, 'query');
    res.json(
      await a.routing.cases(auth(req).tenant, {
        ...(q.team ? { team: q.team } : {}),
        ...(q.overdue ? { overdue: q.overdue === 'true' } : {}),
        ...(q.status ? { status: q.status as 'open' | 'resolved' } : {}),
        ...(q.priority ? { priority: q.priority as 'low' | 'normal' | 'high' | 'urgent' } : {}),
        ...(q.assignee !== undefined ? { assignee: q.assignee } : {}),
        ...(q.cursor ? { cursor: q.cursor } : {}),
        limit: Number(q.limit ?? 50),
      }),
    );
  });
  // Whom a case can go to, for everyone who assigns cases (the key list itself is an admin's): the names of the
  // tenant's keys of people who work cases (not ingest-only feeds, not the operator's bootstrap key) and whoever
  // holds open cases now.
  r.get('/cases/assignees', requireRole('analyst', 'labeler'), noQuery, async (req, res) => {
    const { tenant } = auth(req);
    const keys = await s.apiKeys.list({ tenant, platform: false });
    const people = keys.filter((k) => !k.revokedAt && k.roles.some((r) => r === 'analyst' || r === 'labeler' || r === 'admin')).map((k) => k.name);
    res.json({ items: await a.routing.assignees(tenant, people) });
  });
  // The one field of a case people set besides its resolution (POST …/resolve): who works it.
  r.patch('/cases/:id', requireRole('analyst', 'labeler'), async (req, res) => {
    const who = auth(req);
    const dto = parseDto(CaseUpdateDto, req.body);
    if (dto.assignee === undefined) {
      throw badRequest('nothing to change: the body names no assignee (a name, or null to unassign)', [{ field: '(body)', message: 'nothing to change' }]);
    }
    const { case: c, changed, previous } = await a.routing.assign(who.tenant, id(req.params.id), dto.assignee === null ? null : dto.assignee.trim());
    // a repeat (the same name again) changes nothing and is not logged as an assignment
    if (changed) await s.privacy.audit(who.tenant, who.keyId, 'case.assign', c.documentId, { assignee: c.assignee, previous });
    res.json(c);
  });
  r.post('/cases/:id/resolve', requireRole('analyst', 'labeler'), async (req, res) => {
    refuseBody(req.body);
    const who = auth(req);
    const { case: c, resolved } = await a.routing.resolve(who.tenant, id(req.params.id));
    // a repeat (a retried request, a second person) closes nothing: no second entry naming another key as the one who closed it
    if (resolved) await s.privacy.audit(who.tenant, who.keyId, 'case.resolve', c.documentId);
    res.json(c);
  });

  r.get('/customers/at-risk', requireRole('analyst', 'labeler'), async (req, res) => {
    const q = parseDto(AtRiskQueryDto, req.query, 'query');
    res.json(await a.insights.atRisk(auth(req).tenant, { days: Number(q.days ?? 90), limit: Number(q.limit ?? 50), onlyAtRisk: q.onlyAtRisk === 'true' }));
  });
  r.get('/customers/:id/journey', requireRole('analyst', 'labeler'), async (req, res) => {
    const { id: customerId } = parseDto(JourneyParamsDto, { id: req.params.id }, 'path');
    const q = parseDto(JourneyQueryDto, req.query, 'query');
    res.json(await a.insights.journey(auth(req).tenant, customerId, Number(q.limit ?? 200)));
  });

  r.get('/stats/kpi', requireRole('analyst', 'labeler'), async (req, res) => {
    res.json(await a.insights.kpi(auth(req).tenant, parseDto(KpiQueryDto, req.query, 'query')));
  });

  return r;
}
