import { Router } from 'express';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { NON_BLANK } from '../dto/document-dto.js';
import type { Services } from '../../runtime.js';
import { TenantSettingsDto } from '../dto/settings-dto.js';
import { PageQueryDto } from '../dto/query-dto.js';
import { badRequest, notFound } from '../../errors.js';
import { auth, requireRole } from '../middleware.js';
import { noQuery, parseDto, refuseBody } from '../validate.js';
import { invalidCursor } from '../../services/query-service.js';

const AUDIT_CURSOR = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export class AuditQueryDto extends PageQueryDto {
  @IsOptional()
  @IsString()
  @Length(1, 64)
  action?: string;
}

export class CustomerParamsDto {
  @IsString()
  @Length(1, 128)
  // ingest refuses a blank customerId, so a blank one names no customer: erasing it erased nothing yet answered 200
  @Matches(NON_BLANK, { message: 'customerId must contain at least one visible character' })
  customerId!: string;
}

const present = (a: { _id: string; actor: string; action: string; target: string | null; details: Record<string, unknown>; at: Date }) => ({
  id: a._id,
  actor: a.actor,
  action: a.action,
  target: a.target,
  details: a.details,
  at: new Date(a.at).toISOString(),
});

export function privacyRoutes(s: Services): Router {
  const r = Router();

  r.delete('/customers/:customerId', requireRole('admin'), async (req, res) => {
    refuseBody(req.body);
    const { customerId } = parseDto(CustomerParamsDto, { customerId: req.params.customerId }, 'path');
    const a = auth(req);
    res.json({ customerId, ...(await s.privacy.eraseCustomer(a.tenant, customerId, a.keyId)) });
  });

  r.delete('/documents/:id', requireRole('admin'), async (req, res) => {
    refuseBody(req.body);
    const a = auth(req);
    const id = req.params.id as string;
    const erased = await s.privacy.eraseDocument(a.tenant, id, a.keyId);
    if (!erased) throw notFound('document');
    res.json({ id, ...erased });
  });

  r.get('/tenant/settings', requireRole('admin'), noQuery, async (req, res) => {
    res.json(await s.settings.get(auth(req).tenant));
  });

  r.put('/tenant/settings', requireRole('admin'), async (req, res) => {
    const a = auth(req);
    const dto = parseDto(TenantSettingsDto, req.body ?? {});
    // as PATCH /v1/webhooks/:id: a save that names nothing answered 200 and was audited as a settings change
    if (dto.piiPolicy === undefined && dto.retentionDays === undefined) {
      throw badRequest('nothing to change: the body names neither piiPolicy nor retentionDays', [{ field: '(body)', message: 'nothing to change' }]);
    }
    const next = await s.settings.update(a.tenant, {
      ...(dto.piiPolicy ? { piiPolicy: dto.piiPolicy } : {}),
      ...(dto.retentionDays !== undefined ? { retentionDays: dto.retentionDays } : {}),
    });
    await s.privacy.audit(a.tenant, a.keyId, 'tenant.settings.update', a.tenant, { ...dto });
    res.json(next);
  });

  r.get('/audit', requireRole('admin'), async (req, res) => {
    const q = parseDto(AuditQueryDto, req.query, 'query');
    const limit = q.limit ? Number(q.limit) : 50;
    const filter: Record<string, unknown> = { tenant: auth(req).tenant };
    if (q.action) filter.action = q.action;
    // the cursor is the last entry's id (a ULID); anything else is refused as the other lists refuse
    // an unreadable cursor, rather than compared as a string (zzz gave page 1, %00 an empty page)
    if (q.cursor !== undefined) {
      if (!AUDIT_CURSOR.test(q.cursor)) throw invalidCursor();
      filter._id = { $lt: q.cursor };
    }
    const rows = await s.store.audit.list(filter, limit + 1);
    const items = rows.slice(0, limit).map(present);
    res.json({ items, nextCursor: rows.length > limit ? items[items.length - 1]!.id : null });
  });

  return r;
}
