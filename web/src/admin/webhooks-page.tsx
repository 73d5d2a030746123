import { Fragment, useEffect, useRef, useState, type FormEvent } from 'react';
import { type FieldLabels } from '../error-text';
import { textLang, useI18n, type MsgKey } from '../i18n';
import { ErrorPanel } from '../page-error';
import { wallTime } from '../time';
import { adminApi, Intent, ruleBody, type Delivery, type Rule, type Webhook } from './admin-api';
import { AdminSection, AdminTable, ConfirmDialog, Dialog, FieldError, FormError, invalidProps, LoadFailed, Loading, SecretDialog, SubmitButton, useLoad, UserText, useSubmit } from './ui';

const WEBHOOK_FIELDS: FieldLabels = { url: 'admWebhookUrl', description: 'admDescription', active: 'admWebhookActive', webhookIds: 'admWebhookRules' };

export const RULE_EVENT: Record<Rule['type'], MsgKey> = {
  document: 'admEventDocument',
  threshold: 'admEventThreshold',
  sla_breach: 'admEventSla',
};

const DELIVERY_STATUS: Record<Delivery['status'], MsgKey> = {
  pending: 'admDeliveryPending',
  delivered: 'admDeliveryDelivered',
  failed: 'admDeliveryFailed',
};

const EVENT_LABEL: Record<Delivery['event'], MsgKey> = {
  'rule.document': 'admEventDocument',
  'rule.threshold': 'admEventThreshold',
  'rule.sla_breach': 'admEventSla',
  test: 'admEventTest',
};

/**
 * Events come from alert rules (a rule's type is its event, rule.document / rule.threshold /
 * rule.sla_breach), and a rule names the webhooks it notifies: choosing a webhook's events is choosing
 * the rules that send to it, which PUT /v1/rules/:id saves on each rule whose choice changed.
 */
async function saveRuleChoice(webhookId: string, rules: Rule[], chosen: Set<string>): Promise<void> {
  for (const r of rules) {
    const has = r.webhookIds.includes(webhookId);
    if (has === chosen.has(r.id)) continue;
    await adminApi.replaceRule(r.id, ruleBody(r, has ? r.webhookIds.filter((x) => x !== webhookId) : [...r.webhookIds, webhookId]));
  }
}

interface Data {
  webhooks: Webhook[];
  rules: Rule[];
}

export function WebhooksPage() {
  const { t } = useI18n();
  const data = useLoad<Data>(async () => {
    const [w, r] = await Promise.all([adminApi.webhooks(), adminApi.rules()]);
    return { webhooks: w.items, rules: r.items };
  });
  const [secret, setSecret] = useState<{ secret: string; url: string; rotated: boolean } | null>(null);
  const [editing, setEditing] = useState<Webhook | null>(null);
  const [deleting, setDeleting] = useState<Webhook | null>(null);
  const [open, setOpen] = useState<Record<string, boolean>>({});
  const [watch, setWatch] = useState<Record<string, string>>({});

  const rules = data.data?.rules ?? [];
  const usedBy = (id: string) => rules.filter((r) => r.webhookIds.includes(id));

  return (
    <AdminSection name="webhooks" title={t('admWebhooksTitle')} hint={t('admWebhooksHint')}>
      <LoadFailed load={data} />
      {data.data && (
        <CreateWebhookForm
          rules={rules}
          onCreated={(w, s) => {
            setSecret({ secret: s, url: w.url, rotated: false });
            void data.reload();
          }}
          onPartial={() => void data.reload()}
        />
      )}
      {data.data && data.data.webhooks.length === 0 && <div className="empty adm-empty">{t('admNoWebhooks')}</div>}
      {data.data && data.data.webhooks.length > 0 && (
        <AdminTable className="webhooks-table" caption={t('admWebhooksTitle')} columns={[t('admWebhookUrl'), t('admDescription'), t('status'), t('admWebhookRules'), t('admUpdatedAt'), t('actions')]}>
          {data.data.webhooks.map((w) => (
            <Fragment key={w.id}>
              <WebhookRow
                w={w}
                rules={usedBy(w.id)}
                open={Boolean(open[w.id])}
                onToggle={() => setOpen((o) => ({ ...o, [w.id]: !o[w.id] }))}
                onEdit={() => setEditing(w)}
                onDelete={() => setDeleting(w)}
                onTested={(deliveryId) => {
                  setWatch((m) => ({ ...m, [w.id]: deliveryId }));
                  setOpen((o) => ({ ...o, [w.id]: true }));
                }}
              />
              {open[w.id] && (
                <tr className="adm-deliveries-row" data-deliveries-for={w.id}>
                  <td colSpan={6}>
                    <Deliveries webhookId={w.id} watch={watch[w.id] ?? null} rules={rules} />
                  </td>
                </tr>
              )}
            </Fragment>
          ))}
        </AdminTable>
      )}
      <Loading load={data} />
      {editing && (
        <EditWebhookDialog
          w={editing}
          rules={rules}
          onClose={() => setEditing(null)}
          onSaved={(rotated) => {
            setEditing(null);
            if (rotated) setSecret({ secret: rotated, url: editing.url, rotated: true });
            void data.reload();
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          name="delete-webhook"
          title={t('admDeleteWebhookTitle')}
          confirmLabel={t('admDelete')}
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await adminApi.deleteWebhook(deleting.id);
            await data.reload();
            setDeleting(null);
          }}
        >
          <p>
            {t('admDeleteWebhookBody')} <span className="mono adm-break">{deleting.url}</span>
          </p>
          {usedBy(deleting.id).length > 0 && (
            <div className="alert adm-warn" data-warning="in-use">
              {t('admWebhookInUse')}
              <ul>
                {usedBy(deleting.id).map((r) => (
                  <li key={r.id}>
                    <UserText text={r.name} />
                  </li>
                ))}
              </ul>
            </div>
          )}
        </ConfirmDialog>
      )}
      {secret && (
        <SecretDialog
          name="webhook-secret"
          title={secret.rotated ? t('admSecretRotatedTitle') : t('admWebhookCreatedTitle')}
          secret={secret.secret}
          warning={t('admWebhookSecretOnce')}
          onClose={() => setSecret(null)}
        >
          <p className="small mono adm-break">{secret.url}</p>
        </SecretDialog>
      )}
    </AdminSection>
  );
}

function WebhookRow({
  w,
  rules,
  open,
  onToggle,
  onEdit,
  onDelete,
  onTested,
}: {
  w: Webhook;
  rules: Rule[];
  open: boolean;
  onToggle: () => void;
  onEdit: () => void;
  onDelete: () => void;
  onTested: (deliveryId: string) => void;
}) {
  const { t } = useI18n();
  const intent = useRef(new Intent());
  const [testing, setTesting] = useState(false);
  const [result, setResult] = useState<{ ok: true } | { error: unknown } | null>(null);
  const test = async () => {
    if (testing) return;
    setTesting(true);
    setResult(null);
    try {
      const r = await adminApi.testWebhook(w.id, intent.current);
      setResult({ ok: true });
      onTested(r.deliveryId);
    } catch (e) {
      setResult({ error: e });
    } finally {
      setTesting(false);
    }
  };
  return (
    <tr data-webhook-id={w.id} data-active={String(w.active)}>
      <td className="mono adm-break adm-url">{w.url}</td>
      <td>{w.description ? <UserText text={w.description} /> : <span className="muted">—</span>}</td>
      <td>
        <span className={`badge ${w.active ? 'badge-ok' : ''} adm-status`} data-status={w.active ? 'active' : 'inactive'}>
          {w.active ? t('admEnabled') : t('admDisabled')}
        </span>
      </td>
      <td className="adm-rule-list">
        {rules.length === 0 ? (
          <span className="muted small">{t('admNoRulesForWebhook')}</span>
        ) : (
          <ul className="adm-plain-list">
            {rules.map((r) => (
              <li key={r.id} data-rule-id={r.id}>
                <UserText text={r.name} /> <span className="muted small">{t(RULE_EVENT[r.type])}</span>
              </li>
            ))}
          </ul>
        )}
      </td>
      <td className="nowrap">{wallTime(w.updatedAt)}</td>
      <td>
        <div className="adm-row-actions">
          <button type="button" className="btn btn-small" data-action="edit-webhook" onClick={onEdit}>
            {t('admEdit')}
          </button>
          <button type="button" className="btn btn-small" data-action="test-webhook" onClick={() => void test()} aria-disabled={testing || undefined}>
            {testing ? t('admSending') : t('admSendTest')}
          </button>
          <button type="button" className="btn btn-small" data-action="deliveries" aria-expanded={open} onClick={onToggle}>
            {t('admDeliveries')}
          </button>
          <button type="button" className="btn btn-small btn-danger" data-action="delete-webhook" onClick={onDelete}>
            {t('admDelete')}
          </button>
        </div>
        <div role="status" className="small adm-row-status">
          {result && 'ok' in result && <span className="adm-ok">{t('admTestQueued')}</span>}
          {result && 'error' in result && <FormError error={result.error} />}
        </div>
      </td>
    </tr>
  );
}

const POLL_MS = 1000;
const POLL_LIMIT = 60;

/** The webhook's delivery log, newest first; after a test it is read again each second until that delivery is no longer pending. */
function Deliveries({ webhookId, watch, rules }: { webhookId: string; watch: string | null; rules: Rule[] }) {
  const { t } = useI18n();
  const [items, setItems] = useState<Delivery[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [more, setMore] = useState(false);
  const [tick, setTick] = useState(0);
  // a failed delivery sent again from this log: followed as a test's is, until it is no longer pending
  const [resent, setResent] = useState<string | null>(null);
  // a ref, as the second click of a double click can come before a re-render (it would meet a 409: not failed)
  const resending = useRef(false);
  const [busy, setBusy] = useState(false);
  const followed = resent ?? watch;
  // a test sent after it is the one to follow
  useEffect(() => setResent(null), [watch]);

  const resend = async (deliveryId: string) => {
    if (resending.current) return;
    resending.current = true;
    setBusy(true);
    try {
      await adminApi.redeliver(webhookId, deliveryId);
      setResent(deliveryId);
      setTick((n) => n + 1);
    } catch (e) {
      setError(e);
    } finally {
      resending.current = false;
      setBusy(false);
    }
  };

  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let polls = 0;
    const load = async () => {
      try {
        const page = await adminApi.deliveries(webhookId, null);
        if (!live) return;
        setItems(page.items);
        setCursor(page.nextCursor);
        setError(null);
        const watched = followed ? page.items.find((d) => d.id === followed) : undefined;
        if (followed && (!watched || watched.status === 'pending') && ++polls < POLL_LIMIT) timer = setTimeout(() => void load(), POLL_MS);
      } catch (e) {
        if (live) setError(e);
      }
    };
    void load();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [webhookId, followed, tick]);

  const loadMore = async () => {
    if (!cursor || more) return;
    setMore(true);
    try {
      const page = await adminApi.deliveries(webhookId, cursor);
      setItems((xs) => [...(xs ?? []), ...page.items]);
      setCursor(page.nextCursor);
    } catch (e) {
      setError(e);
    } finally {
      setMore(false);
    }
  };

  const ruleName = (id: string | null) => (id ? rules.find((r) => r.id === id)?.name ?? id : null);

  return (
    <div className="adm-deliveries" aria-label={t('admDeliveries')} role="region">
      <div className="row">
        <h3 className="adm-sub">{t('admDeliveries')}</h3>
        <button type="button" className="btn btn-small" data-action="refresh-deliveries" onClick={() => setTick((n) => n + 1)}>
          {t('admRefresh')}
        </button>
      </div>
      {error !== null && <ErrorPanel error={error} onRetry={() => setTick((n) => n + 1)} />}
      {items && items.length === 0 && <div className="muted small adm-no-deliveries">{t('admNoDeliveries')}</div>}
      {items && items.length > 0 && (
        <AdminTable
          className="deliveries-table"
          columns={[t('createdAt'), t('admEvent'), t('status'), { label: t('admAttempts'), className: 'num' }, { label: t('admResponseCode'), className: 'num' }, t('admLastError'), t('admDeliveredAt')]}
        >
          {items.map((d) => {
            const rule = ruleName(d.ruleId);
            return (
              <tr key={d.id} data-delivery-id={d.id} data-status={d.status} data-event={d.event}>
                <td className="nowrap">{wallTime(d.createdAt, true)}</td>
                <td>
                  {t(EVENT_LABEL[d.event])}
                  {rule && (
                    <div className="small muted">
                      <UserText text={rule} />
                    </div>
                  )}
                </td>
                <td>
                  <span className={`badge adm-status ${d.status === 'delivered' ? 'badge-ok' : d.status === 'failed' ? 'badge-risk' : ''}`}>{t(DELIVERY_STATUS[d.status])}</span>
                  {d.status === 'failed' && (
                    <button type="button" className="btn btn-small" data-action="redeliver" aria-disabled={busy || undefined} onClick={() => void resend(d.id)}>
                      {t('admRedeliver')}
                    </button>
                  )}
                </td>
                <td className="num">{d.attempts}</td>
                <td className="num">{d.responseCode ?? '—'}</td>
                <td className="small adm-break">{d.lastError ?? '—'}</td>
                <td className="nowrap">{d.deliveredAt ? wallTime(d.deliveredAt, true) : '—'}</td>
              </tr>
            );
          })}
        </AdminTable>
      )}
      {cursor && (
        <button type="button" className="btn btn-small" data-action="more-deliveries" aria-disabled={more || undefined} onClick={() => void loadMore()}>
          {more ? t('loading') : t('loadMore')}
        </button>
      )}
      {!items && error === null && <div className="muted small">{t('loading')}</div>}
    </div>
  );
}

function RuleChoice({ rules, chosen, onChange }: { rules: Rule[]; chosen: Set<string>; onChange: (s: Set<string>) => void }) {
  const { t } = useI18n();
  return (
    <fieldset className="adm-fieldset webhook-rules">
      <legend>{t('admWebhookEvents')}</legend>
      <p className="small muted adm-legend-hint">{t('admWebhookEventsHint')}</p>
      {rules.length === 0 && <p className="small muted">{t('admNoRulesYet')}</p>}
      {rules.map((r) => (
        <label key={r.id} className="adm-check">
          <input
            type="checkbox"
            name="rule"
            value={r.id}
            checked={chosen.has(r.id)}
            onChange={(e) => {
              const next = new Set(chosen);
              if (e.target.checked) next.add(r.id);
              else next.delete(r.id);
              onChange(next);
            }}
          />
          <span>
            <UserText text={r.name} /> <span className="muted small">{t(RULE_EVENT[r.type])}</span>
            {!r.active && <span className="muted small"> · {t('admDisabled')}</span>}
          </span>
        </label>
      ))}
    </fieldset>
  );
}

/** A webhook's description and whether it is active: the same two fields in the create form and the edit dialog. */
function DescriptionAndActive({
  errorId,
  description,
  onDescription,
  active,
  onActive,
  error,
}: {
  errorId: string;
  description: string;
  onDescription: (s: string) => void;
  active: boolean;
  onActive: (b: boolean) => void;
  error: string | undefined;
}) {
  const { t } = useI18n();
  return (
    <>
      <label className="field">
        <span>{t('admDescription')}</span>
        <input name="description" value={description} lang={textLang(description)} maxLength={200} onChange={(e) => onDescription(e.target.value)} {...invalidProps(error, errorId)} />
        <FieldError id={errorId} message={error} />
      </label>
      <label className="adm-check">
        <input type="checkbox" name="active" checked={active} onChange={(e) => onActive(e.target.checked)} />
        <span>{t('admWebhookActive')}</span>
      </label>
    </>
  );
}

function CreateWebhookForm({ rules, onCreated, onPartial }: { rules: Rule[]; onCreated: (w: Webhook, secret: string) => void; onPartial: () => void }) {
  const { t } = useI18n();
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [active, setActive] = useState(true);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const { busy, error, setError, fields, run } = useSubmit(WEBHOOK_FIELDS);
  const intent = useRef(new Intent());

  const submit = (e: FormEvent) => {
    e.preventDefault();
    return run(async () => {
      const created = await adminApi.createWebhook({ url: url.trim(), ...(description.trim() ? { description: description.trim() } : {}), active }, intent.current);
      setUrl('');
      setDescription('');
      setActive(true);
      try {
        await saveRuleChoice(created.id, rules, chosen);
      } catch (err) {
        // The webhook exists (and its secret must still be shown); the rules did not all take it.
        setError(err);
        onPartial();
      }
      setChosen(new Set());
      onCreated(created, created.secret ?? '');
    });
  };

  return (
    <form className="card adm-form create-webhook" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="adm-new-webhook-title">
      <h3 id="adm-new-webhook-title">{t('admNewWebhook')}</h3>
      <label className="field">
        <span>{t('admWebhookUrl')}</span>
        <input
          name="url"
          type="url"
          value={url}
          placeholder="https://"
          onChange={(e) => setUrl(e.target.value)}
          {...invalidProps(fields.get('url'), 'new-webhook-url-error')}
        />
        <FieldError id="new-webhook-url-error" message={fields.get('url')} />
      </label>
      <p className="small muted">{t('admWebhookUrlHint')}</p>
      <DescriptionAndActive
        errorId="new-webhook-desc-error"
        description={description}
        onDescription={setDescription}
        active={active}
        onActive={setActive}
        error={fields.get('description')}
      />
      <RuleChoice rules={rules} chosen={chosen} onChange={setChosen} />
      <div className="row">
        <SubmitButton action="create-webhook" busy={busy} label={t('admCreateWebhook')} busyLabel={t('admWorking')} />
      </div>
      <FormError error={error} fields={WEBHOOK_FIELDS} />
    </form>
  );
}

function EditWebhookDialog({ w, rules, onClose, onSaved }: { w: Webhook; rules: Rule[]; onClose: () => void; onSaved: (rotatedSecret: string | null) => void }) {
  const { t } = useI18n();
  const [url, setUrl] = useState(w.url);
  const [description, setDescription] = useState(w.description ?? '');
  const [active, setActive] = useState(w.active);
  const [rotate, setRotate] = useState(false);
  const [chosen, setChosen] = useState<Set<string>>(() => new Set(rules.filter((r) => r.webhookIds.includes(w.id)).map((r) => r.id)));
  const { busy, error, fields, run } = useSubmit(WEBHOOK_FIELDS);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    // Saved, the dialog closes: it stays busy till then.
    return run(
      async () => {
        // Only what changed: PATCH leaves the rest as it is.
        const patch: { url?: string; description?: string | null; active?: boolean; rotateSecret?: boolean } = {};
        if (url.trim() !== w.url) patch.url = url.trim();
        const desc = description.trim() === '' ? null : description.trim();
        if (desc !== w.description) patch.description = desc;
        if (active !== w.active) patch.active = active;
        if (rotate) patch.rotateSecret = true;
        const updated = Object.keys(patch).length > 0 ? await adminApi.updateWebhook(w.id, patch) : null;
        await saveRuleChoice(w.id, rules, chosen);
        onSaved(updated?.secret ?? null);
      },
      { closes: true },
    );
  };

  return (
    <Dialog title={t('admEditWebhookTitle')} onClose={onClose} name="edit-webhook" className="adm-dialog-wide">
      <form className="adm-form-plain" onSubmit={(e) => void submit(e)} noValidate>
        <label className="field">
          <span>{t('admWebhookUrl')}</span>
          <input name="url" type="url" autoFocus value={url} onChange={(e) => setUrl(e.target.value)} {...invalidProps(fields.get('url'), 'edit-webhook-url-error')} />
          <FieldError id="edit-webhook-url-error" message={fields.get('url')} />
        </label>
        <DescriptionAndActive
          errorId="edit-webhook-desc-error"
          description={description}
          onDescription={setDescription}
          active={active}
          onActive={setActive}
          error={fields.get('description')}
        />
        <label className="adm-check">
          <input type="checkbox" name="rotateSecret" checked={rotate} onChange={(e) => setRotate(e.target.checked)} />
          <span>
            {t('admRotateSecret')} <span className="small muted">{t('admRotateSecretHint')}</span>
          </span>
        </label>
        <RuleChoice rules={rules} chosen={chosen} onChange={setChosen} />
        <FormError error={error} fields={WEBHOOK_FIELDS} />
        <div className="adm-dialog-actions">
          <button type="button" className="btn" data-action="cancel" onClick={onClose} disabled={busy}>
            {t('cancel')}
          </button>
          <SubmitButton action="save-webhook" busy={busy} />
        </div>
      </form>
    </Dialog>
  );
}
