import { timeZone } from '../../time-zone.js';
import { Router } from 'express';
import { badRequest, forbidden, notFound } from '../../errors.js';
import type { Services } from '../../runtime.js';
import { ApiKeysQueryDto, CreateApiKeyDto } from '../dto/api-key-dto.js';
import { TaxonomyOverridesDto } from '../dto/taxonomy-dto.js';
import { CountedPageQueryDto } from '../dto/query-dto.js';
import { auth, requireRole } from '../middleware.js';
import { presentDocument, withTotal } from '../presenters.js';
import { noQuery, parseDto, refuseBody } from '../validate.js';
import type { ApiKeyRecord } from '../../store/records.js';

const presentKey = (k: ApiKeyRecord) => ({
  id: k._id,
  name: k.name,
  tenant: k.tenant,
  roles: k.roles,
  createdAt: k.createdAt,
  revokedAt: k.revokedAt,
  lastUsedAt: k.lastUsedAt,
});

/**
 * Terms named like a built-in object property (toString, valueOf) are dropped by the DTO conversion
 * before validation sees them: the save would answer 200 without them. Refused by name instead.
 */
function refuseBuiltInTerms(body: unknown): void {
  for (const field of ['aspects', 'sentiment'] as const) {
    const map = (body as Record<string, unknown> | null)?.[field];
    if (!map || typeof map !== 'object') continue;
    const term = Object.keys(map).find((k) => k in Object.prototype);
    if (term !== undefined) throw badRequest(`invalid request body: ${field}`, [{ field: `${field}[${term}]`, message: `"${term}" is the name of a built-in property and cannot be a term` }]);
  }
}

export function adminRoutes(s: Services): Router {
  const r = Router();

  r.get('/me', noQuery, (req, res) => {
    const a = auth(req);
    // platform: the console offers other tenants on the keys page only to the key that may use them
    res.json({ id: a.keyId, tenant: a.tenant, roles: a.roles, platform: a.platform, timeZone: timeZone() });
  });

  r.get('/taxonomy', requireRole('analyst', 'labeler'), noQuery, async (req, res) => {
    const { lexiconOverrides } = await s.settings.get(auth(req).tenant);
    res.json({ ...s.taxonomy, overrides: lexiconOverrides ?? { aspects: {}, sentiment: {} } });
  });

  // What labelers added and the rules missed, as entries for the tenant lexicon; an admin adds them with PUT.
  r.get('/taxonomy/suggestions', requireRole('admin'), noQuery, async (req, res) => {
    res.json(await s.lexiconSuggestions.suggest(auth(req).tenant));
  });

  // Replaces each part of the tenant's additions the body sends (aspects, sentiment) and keeps the other:
  // adding one suggested aspect with {aspects} must not erase the sentiment words. New documents use
  // them at once (the worker reads them per document).
  r.put('/taxonomy', requireRole('admin'), async (req, res) => {
    const a = auth(req);
    refuseBuiltInTerms(req.body);
    const dto = parseDto(TaxonomyOverridesDto, req.body);
    if (dto.aspects === undefined && dto.sentiment === undefined) {
      throw badRequest('the body names neither aspects nor sentiment; send {"aspects":{}} or {"sentiment":{}} to clear one', [
        { field: '(body)', message: 'names neither aspects nor sentiment' },
      ]);
    }
    const stored = (await s.settings.get(a.tenant)).lexiconOverrides;
    const overrides = { aspects: dto.aspects ?? stored?.aspects ?? {}, sentiment: dto.sentiment ?? stored?.sentiment ?? {} };
    await s.settings.update(a.tenant, { lexiconOverrides: overrides });
    await s.privacy.audit(a.tenant, a.keyId, 'taxonomy.update', a.tenant, { aspects: Object.keys(overrides.aspects).length, sentiment: Object.keys(overrides.sentiment).length });
    res.json({ ...s.taxonomy, overrides });
  });

  r.post('/api-keys', requireRole('admin'), async (req, res) => {
    const a = auth(req);
    const dto = parseDto(CreateApiKeyDto, req.body);
    const tenant = dto.tenant ?? a.tenant;
    if (tenant !== a.tenant && !a.platform) throw forbidden('only the platform admin key can create keys for another tenant');
    const { record, token } = await s.apiKeys.create({ name: dto.name, tenant, roles: dto.roles, createdBy: a.keyId });
    await s.privacy.audit(tenant, a.keyId, 'api_key.create', record._id, { roles: dto.roles, name: dto.name });
    res.status(201).json({ ...presentKey(record), key: token });
  });

  r.get('/api-keys', requireRole('admin'), async (req, res) => {
    const a = auth(req);
    const tenant = parseDto(ApiKeysQueryDto, req.query, 'query').tenant ?? a.tenant;
    if (tenant !== a.tenant && !a.platform) throw forbidden('only the platform admin key can list keys of another tenant');
    res.json({ items: (await s.apiKeys.list(a, tenant)).map(presentKey) });
  });

  r.delete('/api-keys/:id', requireRole('admin'), async (req, res) => {
    refuseBody(req.body);
    const a = auth(req);
    const revoked = await s.apiKeys.revoke(a, req.params.id as string);
    if (!revoked) throw notFound('API key');
    // a repeated revoke (a retried request) changes nothing, so it is no new audit entry; the entry goes to
    // the key's tenant, as its creation's did, even when the platform key revokes it
    if (revoked.outcome === 'revoked') await s.privacy.audit(revoked.tenant, a.keyId, 'api_key.revoke', req.params.id as string);
    res.status(204).end();
  });

  r.get('/labeling/queue', requireRole('labeler'), async (req, res) => {
    const page = await s.query.labelingQueue(auth(req).tenant, parseDto(CountedPageQueryDto, req.query, 'query'));
    const items = await Promise.all(page.items.map(async (d) => presentDocument(d, await s.store.tags.byDocument(d._id))));
    res.json({ items, nextCursor: page.nextCursor, ...withTotal(page) });
  });

  return r;
}
