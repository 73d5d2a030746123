import { useState, type FormEvent } from 'react';
import { type FieldLabels } from '../error-text';
import { useI18n, type MsgKey } from '../i18n';
import { adminApi, type PiiPolicy, type TenantSettings } from './admin-api';
import { AdminSection, FieldError, FormError, invalidProps, LoadFailed, Loading, Saved, SubmitButton, useLoad, useSubmit } from './ui';

const SETTINGS_FIELDS: FieldLabels = { piiPolicy: 'admPiiPolicy', retentionDays: 'admRetentionDays' };

const POLICIES: { value: PiiPolicy; label: MsgKey; hint: MsgKey }[] = [
  { value: 'mask', label: 'admPiiMask', hint: 'admPiiMaskHint' },
  { value: 'hash', label: 'admPiiHash', hint: 'admPiiHashHint' },
  { value: 'keep', label: 'admPiiKeep', hint: 'admPiiKeepHint' },
];

/**
 * What the box holds, as the API should judge it: a number when it reads as one, else the text as
 * typed, so that the API's own rule (a whole number from 1 to 36500) is the one the admin sees,
 * next to the field, in one place for every client.
 */
function daysValue(raw: string): unknown {
  const s = raw.trim();
  return /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : s;
}

export function SettingsPage() {
  const { t } = useI18n();
  const loaded = useLoad(adminApi.settings);
  return (
    <AdminSection name="settings" title={t('admSettingsTitle')} hint={t('admSettingsHint')}>
      <LoadFailed load={loaded} />
      {loaded.data && <SettingsForm initial={loaded.data} onSaved={loaded.set} />}
      <Loading load={loaded} />
    </AdminSection>
  );
}

function SettingsForm({ initial, onSaved }: { initial: TenantSettings; onSaved: (s: TenantSettings) => void }) {
  const { t } = useI18n();
  const [policy, setPolicy] = useState<PiiPolicy>(initial.piiPolicy);
  const [forever, setForever] = useState(initial.retentionDays === null);
  const [days, setDays] = useState(initial.retentionDays === null ? '' : String(initial.retentionDays));
  const { busy, error, setError, fields, run } = useSubmit(SETTINGS_FIELDS);
  // "Saved" describes the values saved: it goes as soon as the form says something else.
  const [savedAs, setSavedAs] = useState<string | null>(null);
  const snapshot = (p: PiiPolicy, f: boolean, d: string) => JSON.stringify([p, f, f ? '' : d]);
  const saved = savedAs === snapshot(policy, forever, days);
  const [missing, setMissing] = useState(false);
  if (missing) fields.set('retentionDays', t('admRetentionRequired'));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    // An empty box is not a number the API could judge: say what is missing without asking it.
    if (!forever && days.trim() === '') {
      setError(null);
      setMissing(true);
      return;
    }
    return run(async () => {
      setSavedAs(null);
      const next = await adminApi.saveSettings({ piiPolicy: policy, retentionDays: forever ? null : daysValue(days) });
      onSaved(next);
      setPolicy(next.piiPolicy);
      setForever(next.retentionDays === null);
      const nextDays = next.retentionDays === null ? '' : String(next.retentionDays);
      setDays(nextDays);
      setSavedAs(snapshot(next.piiPolicy, next.retentionDays === null, nextDays));
    });
  };

  return (
    <form className="card adm-form settings-form" onSubmit={(e) => void submit(e)} noValidate>
      <fieldset className="adm-fieldset pii-policy" aria-describedby={fields.has('piiPolicy') ? 'pii-error' : undefined}>
        <legend>{t('admPiiPolicy')}</legend>
        <p className="small muted adm-legend-hint">{t('admPiiHint')}</p>
        {POLICIES.map((p) => (
          <label key={p.value} className="adm-radio" data-policy={p.value}>
            <input type="radio" name="piiPolicy" value={p.value} checked={policy === p.value} onChange={() => setPolicy(p.value)} />
            <span>
              <b>{t(p.label)}</b>
              <span className="small muted adm-option-hint">{t(p.hint)}</span>
            </span>
          </label>
        ))}
        {policy === 'keep' && (
          <p className="alert adm-warn" data-warning="keep">
            {t('admPiiKeepWarning')}
          </p>
        )}
        <FieldError id="pii-error" message={fields.get('piiPolicy')} />
      </fieldset>
      <fieldset className="adm-fieldset retention">
        <legend>{t('admRetention')}</legend>
        <p className="small muted adm-legend-hint">{t('admRetentionHint')}</p>
        <label className="adm-check">
          <input
            type="checkbox"
            name="keepForever"
            checked={forever}
            onChange={(e) => {
              setForever(e.target.checked);
              setMissing(false);
            }}
          />
          <span>{t('admKeepForever')}</span>
        </label>
        <label className="field adm-days">
          <span>{t('admRetentionDays')}</span>
          <input
            name="retentionDays"
            inputMode="numeric"
            value={days}
            disabled={forever}
            onChange={(e) => {
              setDays(e.target.value);
              setMissing(false);
            }}
            {...invalidProps(fields.get('retentionDays'), 'retention-error')}
          />
          <FieldError id="retention-error" message={fields.get('retentionDays')} />
        </label>
      </fieldset>
      <div className="row">
        <SubmitButton action="save-settings" busy={busy} />
        <Saved text={saved ? t('admSettingsSaved') : null} />
      </div>
      <FormError error={error} fields={SETTINGS_FIELDS} />
    </form>
  );
}
