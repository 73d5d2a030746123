import { useRef, useState, type FormEvent } from 'react';
import type { Role } from '../api';
import { useAppData } from '../app-data';
import { type FieldLabels } from '../error-text';
import { roleKey, textLang, useI18n, type MsgKey } from '../i18n';
import { wallTime } from '../time';
import { adminApi, Intent, ROLES, type ApiKey, type CreatedKey } from './admin-api';
import { AdminSection, AdminTable, ConfirmDialog, Dialog, FieldError, FormError, invalidProps, LoadFailed, Loading, SecretDialog, SubmitButton, useLoad, UserText, useSubmit } from './ui';

const KEY_FIELDS: FieldLabels = { name: 'admKeyName', roles: 'admRoles', tenant: 'tenant' };

const ROLE_HINTS: Record<Role, MsgKey> = {
  ingest: 'admRoleHintIngest',
  analyst: 'admRoleHintAnalyst',
  labeler: 'admRoleHintLabeler',
  admin: 'admRoleHintAdmin',
};

/** The bootstrap key's fixed id (src/services/api-keys-service.ts BOOTSTRAP_KEY_ID). */
const BOOTSTRAP = 'bootstrap';

export function KeysPage() {
  const { t, lang } = useI18n();
  const { me } = useAppData();
  const platform = me.platform === true;
  // The API lists one tenant's keys; the platform key may ask for any tenant's, so its page says which
  // tenant it shows and lets it pick another, rather than implying the list is every tenant's.
  const [tenant, setTenant] = useState(me.tenant);
  const [tenantDraft, setTenantDraft] = useState(me.tenant);
  const shown = useRef(me.tenant);
  const keys = useLoad(() => adminApi.keys(shown.current === me.tenant ? undefined : shown.current).then((r) => r.items));
  const show = (next: string) => {
    shown.current = next;
    setTenant(next);
    setTenantDraft(next);
    void keys.reload();
  };
  const [created, setCreated] = useState<CreatedKey | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const roleName = (r: string) => (roleKey(r) ? t(roleKey(r)!) : r);
  const sep = lang === 'zh' ? '、' : ', ';
  // Newest first: a key just created is at the top.
  const list = keys.data ? [...keys.data].reverse() : null;

  return (
    <AdminSection name="keys" title={t('admKeysTitle')} hint={t('admKeysHint')}>
      {platform && <p className="muted" data-hint="platform">{t('admKeysPlatformHint')}</p>}
      <CreateKeyForm
        platform={platform}
        ownTenant={me.tenant}
        onCreated={(k) => {
          setCreated(k);
          // a key made for another tenant is in that tenant's list, so that is the list to show
          if (k.tenant !== shown.current) show(k.tenant);
          else void keys.reload();
        }}
      />
      {platform && (
        <form
          className="row keys-tenant"
          onSubmit={(e) => {
            e.preventDefault();
            const next = tenantDraft.trim();
            if (next) show(next);
          }}
        >
          <label className="field">
            <span>{t('admKeysListTenant')}</span>
            <input name="listTenant" value={tenantDraft} maxLength={64} autoComplete="off" spellCheck={false} onChange={(e) => setTenantDraft(e.target.value)} />
          </label>
          <button type="submit" className="btn" data-action="show-tenant">
            {t('admKeysShowTenant')}
          </button>
        </form>
      )}
      {platform && (
        <h3 className="adm-sub keys-showing" data-tenant={tenant}>
          {t('admKeysListOf', { tenant })}
        </h3>
      )}
      <LoadFailed load={keys} />
      {list && (
        <AdminTable className="keys-table" caption={platform ? t('admKeysListOf', { tenant }) : t('admKeysTitle')} columns={[t('admKeyName'), 'ID', t('admRoles'), t('tenant'), t('createdAt'), t('admLastUsed'), t('status'), t('actions')]}>
          {list.map((k) => (
            <tr key={k.id} data-key-id={k.id} data-revoked={k.revokedAt ? 'true' : 'false'}>
              <td>
                <UserText text={k.name} />
                {k.id === me.id && <span className="badge badge-kind adm-badge-self">{t('admCurrentKey')}</span>}
              </td>
              <td className="mono adm-id">{k.id}</td>
              <td className="adm-roles">{k.roles.map(roleName).join(sep)}</td>
              <td className="mono adm-tenant">{k.tenant}</td>
              <td className="nowrap">{wallTime(k.createdAt)}</td>
              <td className="nowrap">{k.lastUsedAt ? wallTime(k.lastUsedAt) : t('admNever')}</td>
              <td>
                {k.revokedAt ? (
                  <span className="badge badge-risk adm-status" data-status="revoked">
                    {t('admRevokedAt', { at: wallTime(k.revokedAt) })}
                  </span>
                ) : (
                  <span className="badge badge-ok adm-status" data-status="active">
                    {t('admActive')}
                  </span>
                )}
              </td>
              <td>
                {/* the platform key is never revoked here (the API refuses: nothing could replace it but a restart);
                    the cell says how it is replaced instead of offering a button that can only fail */}
                {!k.revokedAt && k.id === BOOTSTRAP && (
                  <span className="small muted" data-note="platform-key">
                    {t('admPlatformKeyFixed')}
                  </span>
                )}
                {!k.revokedAt && k.id !== BOOTSTRAP && (
                  <button type="button" className="btn btn-small btn-danger" data-action="revoke" onClick={() => setRevoking(k)}>
                    {t('admRevoke')}
                    <span className="sr-only">: <UserText text={k.name} /></span>
                  </button>
                )}
              </td>
            </tr>
          ))}
        </AdminTable>
      )}
      <Loading load={keys} />
      {created && created.key === null && (
        <Dialog title={t('admKeyWithheldTitle')} onClose={() => setCreated(null)} name="new-key-withheld">
          <p className="alert adm-warn" data-withheld-key={created.id}>
            {t('admKeyWithheld', { name: created.name })}
          </p>
          <div className="adm-dialog-actions">
            <button type="button" className="btn" data-action="close-withheld" autoFocus onClick={() => setCreated(null)}>
              {t('close')}
            </button>
          </div>
        </Dialog>
      )}
      {created && created.key !== null && (
        <SecretDialog title={t('admKeyCreatedTitle')} secret={created.key} warning={t('admKeyOnce')} onClose={() => setCreated(null)} name="new-key">
          <p className="small">
            {t('admKeyCreatedFor', { name: created.name, roles: created.roles.map(roleName).join(sep) })}
            {platform && <span data-created-tenant={created.tenant}> {t('admKeyCreatedTenant', { tenant: created.tenant })}</span>}
          </p>
        </SecretDialog>
      )}
      {revoking && (
        <ConfirmDialog
          name="revoke-key"
          title={t('admRevokeTitle')}
          confirmLabel={revoking.id === me.id ? t('admRevokeSelfConfirm') : t('admRevoke')}
          acknowledge={revoking.id === me.id ? t('admRevokeSelfAck') : undefined}
          onClose={() => setRevoking(null)}
          onConfirm={async () => {
            await adminApi.revokeKey(revoking.id);
            // Revoking the key in use: this reload is refused (401), and the console signs out. The list is
            // reloaded before the dialog closes, so focus finds out that the revoke button is gone.
            await keys.reload();
            setRevoking(null);
          }}
        >
          <p>{t('admRevokeBody', { name: revoking.name, id: revoking.id })}</p>
          {revoking.id === me.id && (
            <p className="alert adm-warn" data-warning="self">
              {t('admRevokeSelf')}
            </p>
          )}
        </ConfirmDialog>
      )}
    </AdminSection>
  );
}

function CreateKeyForm({ platform, ownTenant, onCreated }: { platform: boolean; ownTenant: string; onCreated: (k: CreatedKey) => void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [tenant, setTenant] = useState('');
  const [roles, setRoles] = useState<Role[]>([]);
  const { busy, error, fields, run } = useSubmit(KEY_FIELDS);
  const intent = useRef(new Intent());

  const submit = (e: FormEvent) => {
    e.preventDefault();
    return run(async () => {
      // In the order the API lists them, whatever order they were ticked in.
      const other = platform ? tenant.trim() : '';
      const k = await adminApi.createKey({ name: name.trim(), roles: ROLES.filter((r) => roles.includes(r)), ...(other ? { tenant: other } : {}) }, intent.current);
      setName('');
      setRoles([]);
      setTenant('');
      onCreated(k);
    });
  };

  return (
    <form className="card adm-form create-key" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="adm-new-key-title">
      <h3 id="adm-new-key-title">{t('admNewKey')}</h3>
      <label className="field adm-field-name">
        <span>{t('admKeyName')}</span>
        <input name="keyName" value={name} lang={textLang(name)} maxLength={100} onChange={(e) => setName(e.target.value)} {...invalidProps(fields.get('name'), 'key-name-error')} />
        <FieldError id="key-name-error" message={fields.get('name')} />
      </label>
      {platform && (
        <label className="field adm-field-name">
          <span>{t('tenant')}</span>
          <input
            name="keyTenant"
            value={tenant}
            placeholder={ownTenant}
            maxLength={64}
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => setTenant(e.target.value)}
            aria-describedby={fields.has('tenant') ? 'key-tenant-error key-tenant-hint' : 'key-tenant-hint'}
            aria-invalid={fields.has('tenant') || undefined}
          />
          <span className="muted small" id="key-tenant-hint">
            {t('admKeyTenantHint', { tenant: ownTenant })}
          </span>
          <FieldError id="key-tenant-error" message={fields.get('tenant')} />
        </label>
      )}
      <fieldset className="adm-fieldset" aria-describedby={fields.has('roles') ? 'key-roles-error' : undefined}>
        <legend>{t('admRoles')}</legend>
        {ROLES.map((r) => (
          <label key={r} className="adm-check">
            <input
              type="checkbox"
              name="role"
              value={r}
              checked={roles.includes(r)}
              onChange={(e) => setRoles((rs) => (e.target.checked ? [...rs, r] : rs.filter((x) => x !== r)))}
            />
            <span>
              <b>{t(roleKey(r)!)}</b> <span className="muted small">{t(ROLE_HINTS[r])}</span>
            </span>
          </label>
        ))}
        <FieldError id="key-roles-error" message={fields.get('roles')} />
      </fieldset>
      <div className="row">
        <SubmitButton action="create-key" busy={busy} label={t('admCreateKey')} busyLabel={t('admWorking')} />
      </div>
      <FormError error={error} fields={KEY_FIELDS} />
    </form>
  );
}
