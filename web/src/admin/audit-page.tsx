import { useCallback, useEffect, useRef, useState } from 'react';
import { useI18n, type MsgKey } from '../i18n';
import { ErrorPanel } from '../page-error';
import { wallTime } from '../time';
import { navigate } from '../router';
import { adminApi, type ApiKey, type AuditEntry } from './admin-api';
import { AdminSection, AdminTable, UserText } from './ui';

/** Every action the API audits (src: privacy.audit calls), in the reader's words. */
export const AUDIT_ACTIONS: Record<string, MsgKey> = {
  'api_key.create': 'audit_api_key_create',
  'api_key.revoke': 'audit_api_key_revoke',
  'tenant.settings.update': 'audit_settings_update',
  'taxonomy.update': 'audit_taxonomy_update',
  'webhook.create': 'audit_webhook_create',
  'webhook.update': 'audit_webhook_update',
  'webhook.delete': 'audit_webhook_delete',
  'webhook.redeliver': 'audit_webhook_redeliver',
  'rule.create': 'audit_rule_create',
  'rule.update': 'audit_rule_update',
  'rule.delete': 'audit_rule_delete',
  'routing.update': 'audit_routing_update',
  'customer.erase': 'audit_customer_erase',
  'document.erase': 'audit_document_erase',
  'retention.purge': 'audit_retention_purge',
  'correction.apply': 'audit_correction_apply',
  'correction.revert': 'audit_correction_revert',
  'corrections.export': 'audit_corrections_export',
  'tags.export': 'audit_tags_export',
  'case.resolve': 'audit_case_resolve',
  'retag.start': 'audit_retag_start',
  'retag.cancel': 'audit_retag_cancel',
  'model.train': 'audit_model_train',
  'model.promote': 'audit_model_promote',
  'model.promote.refused': 'audit_model_promote_refused',
  'model.rollback': 'audit_model_rollback',
  'model.rollback.refused': 'audit_model_rollback_refused',
};

export const AUDIT_PAGE = 50;

function detailValue(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(', ');
  return JSON.stringify(v);
}

/**
 * The audit log, newest first, one action or all, a page at a time by the API's cursor. The action is in the
 * URL (#/admin/audit?action=tags.export), as the feed's filters are: a reload or a shared link keeps it.
 */
export function AuditPage({ params }: { params: URLSearchParams }) {
  const { t } = useI18n();
  const action = params.get('action') ?? '';
  const setAction = (a: string) => navigate('admin/audit', { action: a });
  const [items, setItems] = useState<AuditEntry[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [more, setMore] = useState<{ error: unknown; busy: boolean }>({ error: null, busy: false });
  const [keys, setKeys] = useState<ApiKey[]>([]);
  const [attempt, setAttempt] = useState(0);
  // Bumped with every new list (another action, a retry): a page of the previous list that answers after it
  // is dropped. 加载更多 and then another action appended the previous action's entries to the new list.
  const list = useRef(0);

  useEffect(() => {
    // Names for the actor column; the log still reads without them.
    adminApi.keys().then((r) => setKeys(r.items), () => undefined);
  }, []);

  useEffect(() => {
    let live = true;
    list.current++;
    setItems(null);
    setError(null);
    setMore({ error: null, busy: false });
    adminApi.audit({ action: action || undefined, limit: AUDIT_PAGE }).then(
      (page) => {
        if (!live) return;
        setItems(page.items);
        setCursor(page.nextCursor);
      },
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [action, attempt]);

  const loadMore = useCallback(async () => {
    if (!cursor || more.busy) return;
    const of = list.current;
    setMore({ error: null, busy: true });
    try {
      const page = await adminApi.audit({ action: action || undefined, cursor, limit: AUDIT_PAGE });
      if (of !== list.current) return;
      setItems((xs) => [...(xs ?? []), ...page.items]);
      setCursor(page.nextCursor);
      setMore({ error: null, busy: false });
    } catch (e) {
      if (of === list.current) setMore({ error: e, busy: false });
    }
  }, [action, cursor, more.busy]);

  const actor = (id: string) => {
    if (id === 'system') return t('system');
    return keys.find((k) => k.id === id)?.name ?? null;
  };
  const label = (a: string) => (AUDIT_ACTIONS[a] ? t(AUDIT_ACTIONS[a]) : a);

  return (
    <AdminSection name="audit" title={t('admAuditTitle')} hint={t('admAuditHint')}>
      <div className="row adm-toolbar">
        <label className="field adm-action-filter">
          <span>{t('admAuditAction')}</span>
          <select name="action" value={action} onChange={(e) => setAction(e.target.value)}>
            <option value="">{t('all')}</option>
            {Object.keys(AUDIT_ACTIONS).map((a) => (
              <option key={a} value={a}>
                {label(a)} ({a})
              </option>
            ))}
          </select>
        </label>
      </div>
      {error !== null && <ErrorPanel error={error} onRetry={() => setAttempt((n) => n + 1)} />}
      {/* "no entries match" only where a filter chose: unfiltered, an empty log has no entries at all */}
      {items && items.length === 0 && <div className="empty adm-empty">{t(action ? 'admAuditEmpty' : 'admAuditNone')}</div>}
      {items && items.length > 0 && (
        <AdminTable className="audit-table" count={items.length} caption={t('admAuditTitle')} columns={[t('time'), t('admAuditAction'), t('admActor'), t('admTarget'), t('admDetails')]}>
          {items.map((a) => {
            const who = actor(a.actor);
            const details = Object.entries(a.details ?? {});
            return (
              <tr key={a.id} data-audit-id={a.id} data-action={a.action}>
                <td className="nowrap adm-time" data-at={a.at}>
                  {wallTime(a.at, true)}
                </td>
                <td>
                  {label(a.action)}
                  <div className="small muted mono">{a.action}</div>
                </td>
                <td>
                  {who && <UserText text={who} />}
                  {a.actor !== 'system' && <div className="small muted mono adm-break">{a.actor}</div>}
                </td>
                <td className="mono adm-break">{a.target ? <UserText text={a.target} /> : '—'}</td>
                <td className="small adm-details">
                  {details.length === 0 ? (
                    '—'
                  ) : (
                    <ul className="adm-plain-list">
                      {details.map(([k, v]) => (
                        <li key={k}>
                          <span className="muted mono">{k}</span> <UserText text={detailValue(v)} className="adm-break" />
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            );
          })}
        </AdminTable>
      )}
      {more.error !== null && <ErrorPanel error={more.error} onRetry={() => void loadMore()} />}
      {items && (
        <div className="list-footer adm-footer">
          {cursor ? (
            <button type="button" className="btn" data-action="more-audit" aria-disabled={more.busy || undefined} onClick={() => void loadMore()}>
              {more.busy ? t('loading') : t('loadMore')}
            </button>
          ) : (
            items.length > 0 && <span className="muted">{t('end')}</span>
          )}
        </div>
      )}
      {!items && error === null && <div className="muted">{t('loading')}</div>}
    </AdminSection>
  );
}
