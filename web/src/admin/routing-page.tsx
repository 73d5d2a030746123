import { useState, type FormEvent } from 'react';
import { ApiError } from '../api';
import { fieldMessages, type FieldLabels } from '../error-text';
import { textLang, useI18n, type MsgKey } from '../i18n';
import { wallTime } from '../time';
import { adminApi, PRIORITIES, SURVEY_CASES, type Priority, type RoutingTable, type SurveyCases } from './admin-api';
import { AdminSection, FieldError, FormError, joinList, LoadFailed, Loading, Saved, splitList, SubmitButton, useLoad, UserText, useSubmit } from './ui';

const ROUTING_FIELDS: FieldLabels = {
  entries: 'admRoutingEntries',
  'entries.#': 'admEntryN',
  'entries.#.categories': 'admEntryCategoriesN',
  'entries.#.keywords': 'admEntryKeywordsN',
  'entries.#.team': 'admEntryTeamN',
  'entries.#.slaHours': 'admEntrySlaN',
  'entries.#.priority': 'admEntryPriorityN',
  defaultTeam: 'admDefaultTeam',
  defaultSlaHours: 'admDefaultSla',
  escalationWords: 'admEscalationWords',
  surveyCases: 'admSurveyCases',
};

export const PRIORITY_LABEL: Record<Priority, MsgKey> = { low: 'admPriorityLow', normal: 'admPriorityNormal', high: 'admPriorityHigh', urgent: 'admPriorityUrgent' };

const SURVEY_CASES_LABEL: Record<SurveyCases, [MsgKey, MsgKey]> = {
  any_negative: ['admSurveyCasesAny', 'admSurveyCasesAnyHint'],
  detractors: ['admSurveyCasesDetractors', 'admSurveyCasesDetractorsHint'],
  detractors_and_passives: ['admSurveyCasesPassives', 'admSurveyCasesPassivesHint'],
};

const numberOr = (raw: string): unknown => {
  const s = raw.trim();
  return /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : s;
};

interface EntryDraft {
  /** React's key for the row: entries move up and down. */
  key: number;
  categories: string[];
  keywords: string;
  team: string;
  slaHours: string;
  priority: Priority;
}

let nextKey = 1;

/** The refusals that name entry `i` (entries.i or entries.i.field), worded as the form names them. */
function entryError(t: ReturnType<typeof useI18n>['t'], error: unknown, i: number): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  // entries[0].slaHours from the DTO check, entries.0 from the routing service's own (both styles occur)
  const own = new RegExp(`^entries(?:\\[${i}\\]|\\.${i})(?:[.[]|$)`);
  const mine = error.details.filter((d) => d.field !== undefined && own.test(d.field));
  if (mine.length === 0) return undefined;
  return fieldMessages(t, new ApiError(error.status, error.code, error.message, mine), ROUTING_FIELDS).get('entries');
}

export function RoutingPage() {
  const { t } = useI18n();
  const loaded = useLoad(adminApi.routing);
  return (
    <AdminSection name="routing" title={t('admRoutingTitle')} hint={t('admRoutingHint')}>
      <LoadFailed load={loaded} />
      {loaded.data && <RoutingForm table={loaded.data} onSaved={loaded.set} />}
      <Loading load={loaded} />
    </AdminSection>
  );
}

function RoutingForm({ table, onSaved }: { table: RoutingTable; onSaved: (t: RoutingTable) => void }) {
  const { t, categories, categoryName } = useI18n();
  const [entries, setEntries] = useState<EntryDraft[]>(() =>
    table.entries.map((e) => ({ key: nextKey++, categories: e.categories, keywords: joinList(e.keywords), team: e.team, slaHours: String(e.slaHours), priority: e.priority })),
  );
  const [defaultTeam, setDefaultTeam] = useState(table.defaultTeam);
  const [defaultSla, setDefaultSla] = useState(String(table.defaultSlaHours));
  const [escalation, setEscalation] = useState(joinList(table.escalationWords));
  // a server from before the setting sends none: the behaviour it has is every answer's
  const [surveyCases, setSurveyCases] = useState<SurveyCases>(table.surveyCases ?? 'any_negative');
  const { busy, error, fields, run } = useSubmit(ROUTING_FIELDS);
  const [saved, setSaved] = useState(false);

  const change = (i: number, patch: Partial<EntryDraft>) => {
    setSaved(false);
    setEntries((es) => es.map((e, j) => (j === i ? { ...e, ...patch } : e)));
  };
  const move = (i: number, by: number) => {
    setSaved(false);
    setEntries((es) => {
      const next = [...es];
      const [x] = next.splice(i, 1);
      next.splice(i + by, 0, x!);
      return next;
    });
    // Focus follows the entry; at the top (or bottom) its arrow is disabled, so the other one takes it.
    const to = i + by;
    setTimeout(() => {
      const same = document.querySelector<HTMLButtonElement>(`[data-entry="${to}"] [data-action=entry-${by < 0 ? 'up' : 'down'}]`);
      const other = document.querySelector<HTMLButtonElement>(`[data-entry="${to}"] [data-action=entry-${by < 0 ? 'down' : 'up'}]`);
      (same && !same.disabled ? same : other)?.focus();
    }, 0);
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    return run(async () => {
      setSaved(false);
      const next = await adminApi.saveRouting({
        entries: entries.map((x) => ({ categories: x.categories, keywords: splitList(x.keywords), team: x.team.trim(), slaHours: numberOr(x.slaHours), priority: x.priority })),
        defaultTeam: defaultTeam.trim(),
        defaultSlaHours: numberOr(defaultSla),
        escalationWords: splitList(escalation),
        surveyCases,
      });
      onSaved(next);
      setSaved(true);
    });
  };

  /** A default's box (team, SLA hours): named by the API's field, its refusal under it; editing it unsays 已保存. */
  const defaultField = (label: MsgKey, name: 'defaultTeam' | 'defaultSlaHours', value: string, set: (s: string) => void, errorId: string, inputMode?: 'decimal') => (
    <label className="field">
      <span>{t(label)}</span>
      <input
        name={name}
        inputMode={inputMode}
        value={value}
        lang={textLang(value)}
        onChange={(e) => {
          setSaved(false);
          set(e.target.value);
        }}
        aria-invalid={fields.has(name) || undefined}
        aria-describedby={fields.has(name) ? errorId : undefined}
      />
      <FieldError id={errorId} message={fields.get(name)} />
    </label>
  );

  return (
    <form className="adm-form-plain routing-form" onSubmit={(e) => void submit(e)} noValidate>
      <p className="small muted">{t('admRoutingUpdated', { at: table.updatedAt && new Date(table.updatedAt).getTime() > 0 ? wallTime(table.updatedAt) : t('admNever') })}</p>
      <h3 className="adm-sub">{t('admRoutingEntries')}</h3>
      <p className="small muted">{t('admRoutingEntriesHint')}</p>
      {entries.length === 0 && <p className="muted adm-empty-entries">{t('admNoEntries')}</p>}
      {entries.length > 0 && (
      <ol className="adm-entries">
        {entries.map((x, i) => {
          const err = entryError(t, error, i);
          const errId = `entry-${x.key}-error`;
          return (
            <li key={x.key} className="card adm-entry" data-entry={i} aria-describedby={err ? errId : undefined}>
              <div className="row adm-entry-head">
                <b>{t('admEntryN', { n: i + 1 })}</b>
                <span className="spacer" />
                <button type="button" className="btn btn-small" data-action="entry-up" disabled={i === 0} onClick={() => move(i, -1)} aria-label={t('admMoveUp', { n: i + 1 })}>
                  ↑
                </button>
                <button type="button" className="btn btn-small" data-action="entry-down" disabled={i === entries.length - 1} onClick={() => move(i, 1)} aria-label={t('admMoveDown', { n: i + 1 })}>
                  ↓
                </button>
                <button
                  type="button"
                  className="btn btn-small btn-danger"
                  data-action="entry-remove"
                  onClick={() => {
                    setSaved(false);
                    setEntries((es) => es.filter((_, j) => j !== i));
                    // The button goes with its entry: focus moves to the entry now in its place, else the one
                    // before, else 添加, rather than falling to <body>.
                    const to = i < entries.length - 1 ? i : i - 1;
                    setTimeout(() => document.querySelector<HTMLElement>(to >= 0 ? `[data-entry="${to}"] [data-action=entry-remove]` : '[data-action=entry-add]')?.focus(), 0);
                  }}
                >
                  {t('admRemove')}
                  <span className="sr-only"> {t('admEntryN', { n: i + 1 })}</span>
                </button>
              </div>
              <div className="adm-grid">
                <label className="field">
                  <span>{t('admTeam')}</span>
                  <input name={`team-${i}`} value={x.team} lang={textLang(x.team)} onChange={(e) => change(i, { team: e.target.value })} />
                </label>
                <label className="field">
                  <span>{t('admSlaHours')}</span>
                  <input name={`sla-${i}`} inputMode="decimal" value={x.slaHours} onChange={(e) => change(i, { slaHours: e.target.value })} />
                </label>
                <label className="field">
                  <span>{t('admPriority')}</span>
                  <select name={`priority-${i}`} value={x.priority} onChange={(e) => change(i, { priority: e.target.value as Priority })}>
                    {PRIORITIES.map((p) => (
                      <option key={p} value={p}>
                        {t(PRIORITY_LABEL[p])}
                      </option>
                    ))}
                  </select>
                </label>
                <label className="field">
                  <span>{t('admKeywords')}</span>
                  <input name={`keywords-${i}`} value={x.keywords} lang={textLang(x.keywords)} onChange={(e) => change(i, { keywords: e.target.value })} />
                </label>
              </div>
              <details className="adm-entry-cats">
                <summary>
                  {t('category')}: {x.categories.length ? <UserText text={x.categories.map(categoryName).join(', ')} /> : <span className="muted">{t('admNone')}</span>}
                </summary>
                <div className="adm-grid-checks">
                  {categories.map((c) => (
                    <label key={c.id} className="adm-check">
                      <input
                        type="checkbox"
                        name={`category-${i}`}
                        value={c.id}
                        checked={x.categories.includes(c.id)}
                        onChange={(e) =>
                          change(i, { categories: e.target.checked ? categories.map((k) => k.id).filter((k) => k === c.id || x.categories.includes(k)) : x.categories.filter((k) => k !== c.id) })
                        }
                      />
                      <UserText text={categoryName(c.id)} />
                    </label>
                  ))}
                </div>
              </details>
              <FieldError id={errId} message={err} />
            </li>
          );
        })}
      </ol>
      )}
      <button
        type="button"
        className="btn"
        data-action="entry-add"
        onClick={() => {
          setSaved(false);
          setEntries((es) => [...es, { key: nextKey++, categories: [], keywords: '', team: '', slaHours: '24', priority: 'normal' }]);
        }}
      >
        {t('admAddEntry')}
      </button>
      <h3 className="adm-sub">{t('admRoutingDefaults')}</h3>
      <div className="card adm-form">
        <div className="adm-grid">
          {defaultField('admDefaultTeam', 'defaultTeam', defaultTeam, setDefaultTeam, 'default-team-error')}
          {defaultField('admDefaultSla', 'defaultSlaHours', defaultSla, setDefaultSla, 'default-sla-error', 'decimal')}
        </div>
        <label className="field">
          <span>{t('admEscalationWords')}</span>
          <input
            name="escalationWords"
            value={escalation}
            lang={textLang(escalation)}
            onChange={(e) => {
              setSaved(false);
              setEscalation(e.target.value);
            }}
            aria-invalid={fields.has('escalationWords') || undefined}
            aria-describedby="escalation-hint"
          />
          <span className="small muted" id="escalation-hint">
            {t('admEscalationHint')}
          </span>
          <FieldError id="escalation-error" message={fields.get('escalationWords')} />
        </label>
        <fieldset
          className="adm-fieldset"
          data-field="surveyCases"
          aria-describedby={`survey-cases-hint${fields.has('surveyCases') ? ' survey-cases-error' : ''}`}
        >
          <legend>{t('admSurveyCases')}</legend>
          {SURVEY_CASES.map((v) => (
            <label key={v} className="adm-radio">
              <input
                type="radio"
                name="surveyCases"
                value={v}
                checked={surveyCases === v}
                onChange={() => {
                  setSaved(false);
                  setSurveyCases(v);
                }}
              />
              <span>
                <b>{t(SURVEY_CASES_LABEL[v][0])}</b> <span className="small muted adm-option-hint">{t(SURVEY_CASES_LABEL[v][1])}</span>
              </span>
            </label>
          ))}
          <span className="small muted" id="survey-cases-hint">
            {t('admSurveyCasesHint')}
          </span>
          <FieldError id="survey-cases-error" message={fields.get('surveyCases')} />
        </fieldset>
      </div>
      <FormError error={error} fields={ROUTING_FIELDS} />
      <div className="row adm-save-row">
        <SubmitButton action="save-routing" busy={busy} />
        <Saved text={saved ? t('admRoutingSaved') : null} />
      </div>
    </form>
  );
}
