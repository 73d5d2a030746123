import { useEffect, useRef, useState, type FormEvent } from 'react';
import { CategoryOptions } from '../category-options';
import { type FieldLabels } from '../error-text';
import { useFocusOnClose } from '../focus';
import { POLARITIES, textLang, useI18n, type MsgKey } from '../i18n';
import { wallTime } from '../time';
import { adminApi, Intent, type Rule, type RuleBody, type RuleType, type Webhook } from './admin-api';
import { AdminSection, AdminTable, ConfirmDialog, FieldError, FormError, joinList, LoadFailed, Loading, Saved, splitList, SubmitButton, useLoad, UserText, useSubmit } from './ui';

const RULE_FIELDS: FieldLabels = {
  name: 'admRuleName',
  type: 'admRuleType',
  active: 'admRuleActive',
  webhookIds: 'admRuleWebhooks',
  match: 'admRuleMatch',
  'match.categories': 'category',
  'match.polarities': 'polarity',
  'match.aspects': 'aspect',
  'match.channels': 'channel',
  'match.keywords': 'admKeywords',
  threshold: 'admThreshold',
  'threshold.category': 'category',
  'threshold.channel': 'channel',
  'threshold.windowMinutes': 'admWindowMinutes',
  'threshold.minDocuments': 'admMinDocuments',
  'threshold.minShare': 'admMinShare',
  'threshold.baselineDays': 'admBaselineDays',
  'threshold.minLift': 'admMinLift',
  teams: 'admTeams',
};

const TYPES: { value: RuleType; label: MsgKey; hint: MsgKey }[] = [
  { value: 'document', label: 'admRuleTypeDocument', hint: 'admRuleTypeDocumentHint' },
  { value: 'threshold', label: 'admRuleTypeThreshold', hint: 'admRuleTypeThresholdHint' },
  { value: 'sla_breach', label: 'admRuleTypeSla', hint: 'admRuleTypeSlaHint' },
];
const TYPE_LABEL = Object.fromEntries(TYPES.map((x) => [x.value, x.label])) as Record<RuleType, MsgKey>;

/** A number when the box reads as one, else the text as typed: the API's rule for the field is what the admin sees. */
const numberOr = (raw: string): unknown => {
  const s = raw.trim();
  return /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : s;
};

interface Data {
  rules: Rule[];
  webhooks: Webhook[];
}

type Editor = { mode: 'create' } | { mode: 'edit'; rule: Rule } | null;

export function RulesPage() {
  const { t } = useI18n();
  const data = useLoad<Data>(async () => {
    const [r, w] = await Promise.all([adminApi.rules(), adminApi.webhooks()]);
    return { rules: r.items, webhooks: w.items };
  });
  const [editor, setEditor] = useState<Editor>(null);
  const [deleting, setDeleting] = useState<Rule | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  // Cancelled or saved, the form goes and focus with it: back to the button that opened it (新建规则, or the
  // rule's 编辑), not to <body>, where a keyboard user starts again from the top of the page.
  const opened = useRef<Editor>(null);
  if (editor) opened.current = editor;
  useFocusOnClose(editor !== null, () =>
    opened.current?.mode === 'edit' ? `tr[data-rule-id="${CSS.escape(opened.current.rule.id)}"] [data-action=edit-rule]` : '[data-action=new-rule]',
  );

  return (
    <AdminSection name="rules" title={t('admRulesTitle')} hint={t('admRulesHint')}>
      <LoadFailed load={data} />
      {data.data && (
        <div className="row adm-toolbar">
          <button
            type="button"
            className="btn btn-primary"
            data-action="new-rule"
            aria-expanded={editor?.mode === 'create'}
            onClick={() => {
              setSaved(null);
              setEditor(editor?.mode === 'create' ? null : { mode: 'create' });
            }}
          >
            {t('admNewRule')}
          </button>
          <Saved text={saved} />
        </div>
      )}
      {data.data && editor && (
        <RuleForm
          key={editor.mode === 'edit' ? editor.rule.id : 'new'}
          rule={editor.mode === 'edit' ? editor.rule : null}
          webhooks={data.data.webhooks}
          onCancel={() => setEditor(null)}
          onSaved={(r) => {
            setEditor(null);
            setSaved(t(editor.mode === 'edit' ? 'admRuleSaved' : 'admRuleCreated', { name: r.name }));
            void data.reload();
          }}
        />
      )}
      {data.data && data.data.rules.length === 0 && <div className="empty adm-empty">{t('admNoRules')}</div>}
      {data.data && data.data.rules.length > 0 && (
        <RulesTable
          rules={data.data.rules}
          webhooks={data.data.webhooks}
          onEdit={(rule) => {
            setSaved(null);
            setEditor({ mode: 'edit', rule });
          }}
          onDelete={setDeleting}
        />
      )}
      <Loading load={data} />
      {deleting && (
        <ConfirmDialog
          name="delete-rule"
          title={t('admDeleteRuleTitle')}
          confirmLabel={t('admDelete')}
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await adminApi.deleteRule(deleting.id);
            if (editor?.mode === 'edit' && editor.rule.id === deleting.id) setEditor(null);
            await data.reload();
            setDeleting(null);
            setSaved(t('admRuleDeleted', { name: deleting.name }));
          }}
        >
          <p>
            {t('admDeleteRuleBody')} <UserText text={deleting.name} />
          </p>
        </ConfirmDialog>
      )}
    </AdminSection>
  );
}

function RulesTable({ rules, webhooks, onEdit, onDelete }: { rules: Rule[]; webhooks: Webhook[]; onEdit: (r: Rule) => void; onDelete: (r: Rule) => void }) {
  const { t } = useI18n();
  const hook = (id: string) => webhooks.find((w) => w.id === id);
  return (
    <AdminTable className="rules-table" caption={t('admRulesTitle')} columns={[t('admRuleName'), t('admRuleType'), t('status'), t('admRuleCondition'), t('admRuleWebhooks'), t('admUpdatedAt'), t('actions')]}>
      {rules.map((r) => (
        <tr key={r.id} data-rule-id={r.id} data-type={r.type}>
          <td>
            <UserText text={r.name} />
          </td>
          <td>
            {t(TYPE_LABEL[r.type])}
            {/* the event it sends (rule.document, rule.threshold, rule.sla_breach), which a receiver is written against */}
            <div className="small muted">
              {t('admRuleSends', { event: `rule.${r.type}` })}
            </div>
          </td>
          <td>
            <span className={`badge adm-status ${r.active ? 'badge-ok' : ''}`}>{r.active ? t('admEnabled') : t('admDisabled')}</span>
          </td>
          <td className="adm-condition">
            <RuleCondition r={r} />
          </td>
          <td>
            {r.webhookIds.length === 0 ? (
              <span className="muted small">{t('admNoWebhooksForRule')}</span>
            ) : (
              <ul className="adm-plain-list">
                {r.webhookIds.map((id) => {
                  const w = hook(id);
                  return (
                    <li key={id} className="small">
                      {w?.description ? <UserText text={w.description} /> : <span className="mono adm-break">{w?.url ?? id}</span>}
                    </li>
                  );
                })}
              </ul>
            )}
          </td>
          <td className="nowrap">{wallTime(r.updatedAt)}</td>
          <td>
            <div className="adm-row-actions">
              <button type="button" className="btn btn-small" data-action="edit-rule" onClick={() => onEdit(r)}>
                {t('admEdit')}
                <span className="sr-only">: <UserText text={r.name} /></span>
              </button>
              <button type="button" className="btn btn-small btn-danger" data-action="delete-rule" onClick={() => onDelete(r)}>
                {t('admDelete')}
                <span className="sr-only">: <UserText text={r.name} /></span>
              </button>
            </div>
          </td>
        </tr>
      ))}
    </AdminTable>
  );
}

function RuleCondition({ r }: { r: Rule }) {
  const { t, categoryName, lang } = useI18n();
  const sep = lang === 'zh' ? '、' : ', ';
  const parts: { label: string; value: string }[] = [];
  if (r.type === 'document' && r.match) {
    const m = r.match;
    if (m.categories?.length) parts.push({ label: t('category'), value: m.categories.map(categoryName).join(sep) });
    if (m.polarities?.length) parts.push({ label: t('polarity'), value: m.polarities.map((p) => t(p)).join(sep) });
    if (m.aspects?.length) parts.push({ label: t('aspect'), value: m.aspects.join(sep) });
    if (m.channels?.length) parts.push({ label: t('channel'), value: m.channels.join(sep) });
    if (m.keywords?.length) parts.push({ label: t('admKeywords'), value: m.keywords.join(sep) });
  } else if (r.type === 'threshold' && r.threshold) {
    const h = r.threshold;
    parts.push({ label: t('category'), value: h.category ? categoryName(h.category) : t('admAny') });
    if (h.channel) parts.push({ label: t('channel'), value: h.channel });
    parts.push({ label: t('admWhen'), value: t('admThresholdSummary', { share: Math.round(h.minShare * 1000) / 10, window: h.windowMinutes, n: h.minDocuments }) });
    parts.push({ label: t('admBaseline'), value: h.minLift === 0 ? t('admNoBaseline') : t('admBaselineSummary', { days: h.baselineDays, lift: h.minLift }) });
  } else if (r.type === 'sla_breach') {
    parts.push({ label: t('admTeams'), value: r.teams?.length ? r.teams.join(sep) : t('admAllTeams') });
  }
  return (
    <ul className="adm-plain-list small">
      {parts.map((p) => (
        <li key={p.label}>
          <span className="muted">{p.label}:</span> <UserText text={p.value} />
        </li>
      ))}
    </ul>
  );
}

function CheckGroup<T extends string>({
  legend,
  name,
  options,
  chosen,
  onChange,
  label,
  errorId,
  className,
}: {
  legend: string;
  name: string;
  options: readonly T[];
  chosen: Set<T>;
  onChange: (s: Set<T>) => void;
  label: (v: T) => string;
  errorId?: string;
  className?: string;
}) {
  return (
    <fieldset className={`adm-fieldset adm-checks ${className ?? ''}`} aria-describedby={errorId}>
      <legend>{legend}</legend>
      {options.map((o) => (
        <label key={o} className="adm-check">
          <input
            type="checkbox"
            name={name}
            value={o}
            checked={chosen.has(o)}
            onChange={(e) => {
              const next = new Set(chosen);
              if (e.target.checked) next.add(o);
              else next.delete(o);
              onChange(next);
            }}
          />
          <UserText text={label(o)} />
        </label>
      ))}
    </fieldset>
  );
}

function RuleForm({ rule, webhooks, onCancel, onSaved }: { rule: Rule | null; webhooks: Webhook[]; onCancel: () => void; onSaved: (r: Rule) => void }) {
  const { t, categories, categoryName } = useI18n();
  const [name, setName] = useState(rule?.name ?? '');
  const [type, setType] = useState<RuleType>(rule?.type ?? 'document');
  const [active, setActive] = useState(rule?.active ?? true);
  const [hooks, setHooks] = useState<Set<string>>(new Set(rule?.webhookIds ?? []));
  const m = rule?.match ?? {};
  const [cats, setCats] = useState<Set<string>>(new Set(m.categories ?? []));
  const [pols, setPols] = useState<Set<string>>(new Set(m.polarities ?? []));
  const [aspects, setAspects] = useState(joinList(m.aspects));
  const [channels, setChannels] = useState(joinList(m.channels));
  const [keywords, setKeywords] = useState(joinList(m.keywords));
  const h = rule?.threshold;
  const [tCategory, setTCategory] = useState(h?.category ?? '');
  const [tChannel, setTChannel] = useState(h?.channel ?? '');
  const [windowMinutes, setWindowMinutes] = useState(String(h?.windowMinutes ?? 60));
  const [minDocuments, setMinDocuments] = useState(String(h?.minDocuments ?? 20));
  const [minShare, setMinShare] = useState(h ? String(h.minShare) : '');
  const [baselineDays, setBaselineDays] = useState(String(h?.baselineDays ?? 7));
  const [minLift, setMinLift] = useState(String(h?.minLift ?? 1));
  const [teams, setTeams] = useState(joinList(rule?.teams));
  const { busy, error, fields, run } = useSubmit(RULE_FIELDS);
  const intent = useRef(new Intent());
  const heading = useRef<HTMLHeadingElement>(null);

  // The form opens below the toolbar or above the list: the reader is taken there.
  useEffect(() => heading.current?.focus(), []);

  const body = (): RuleBody => {
    const b: RuleBody = { name: name.trim(), type, active, webhookIds: webhooks.filter((w) => hooks.has(w.id)).map((w) => w.id) };
    if (type === 'document') {
      const match: RuleBody['match'] = {};
      if (cats.size) match.categories = categories.map((c) => c.id).filter((c) => cats.has(c));
      if (pols.size) match.polarities = POLARITIES.filter((p) => pols.has(p));
      if (splitList(aspects).length) match.aspects = splitList(aspects);
      if (splitList(channels).length) match.channels = splitList(channels);
      if (splitList(keywords).length) match.keywords = splitList(keywords);
      b.match = match;
    } else if (type === 'threshold') {
      b.threshold = {
        minShare: minShare.trim() === '' ? undefined : numberOr(minShare),
        ...(tCategory ? { category: tCategory } : {}),
        ...(tChannel.trim() ? { channel: tChannel.trim() } : {}),
        ...(windowMinutes.trim() ? { windowMinutes: numberOr(windowMinutes) } : {}),
        ...(minDocuments.trim() ? { minDocuments: numberOr(minDocuments) } : {}),
        ...(baselineDays.trim() ? { baselineDays: numberOr(baselineDays) } : {}),
        ...(minLift.trim() ? { minLift: numberOr(minLift) } : {}),
      };
    } else {
      const list = splitList(teams);
      if (list.length) b.teams = list;
    }
    return b;
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    // Saved, the form closes: it stays busy till then.
    return run(
      async () => {
        const saved = rule ? await adminApi.replaceRule(rule.id, body()) : await adminApi.createRule(body(), intent.current);
        onSaved(saved);
      },
      { closes: true },
    );
  };

  const numberField = (label: MsgKey, nameAttr: string, value: string, set: (s: string) => void, hint?: MsgKey) => (
    <label className="field">
      <span>{t(label)}</span>
      <input name={nameAttr} inputMode="decimal" value={value} onChange={(e) => set(e.target.value)} />
      {hint && <span className="small muted">{t(hint)}</span>}
    </label>
  );

  return (
    <form className="card adm-form rule-form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="adm-rule-form-title" data-editing={rule?.id ?? 'new'}>
      <h3 id="adm-rule-form-title" tabIndex={-1} ref={heading}>
        {rule ? t('admEditRule') : t('admNewRule')}
        {rule && (
          <>
            {': '}
            <UserText text={rule.name} />
          </>
        )}
      </h3>
      <label className="field">
        <span>{t('admRuleName')}</span>
        <input name="ruleName" value={name} lang={textLang(name)} maxLength={120} onChange={(e) => setName(e.target.value)} aria-invalid={fields.has('name') || undefined} aria-describedby={fields.has('name') ? 'rule-name-error' : undefined} />
        <FieldError id="rule-name-error" message={fields.get('name')} />
      </label>
      <fieldset className="adm-fieldset rule-type">
        <legend>{t('admRuleType')}</legend>
        {TYPES.map((x) => (
          <label key={x.value} className="adm-radio">
            <input type="radio" name="ruleType" value={x.value} checked={type === x.value} onChange={() => setType(x.value)} />
            <span>
              <b>{t(x.label)}</b> <span className="small muted adm-option-hint">{t(x.hint)}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {type === 'document' && (
        <fieldset className="adm-fieldset rule-match" aria-describedby={fields.has('match') ? 'rule-match-error' : undefined}>
          <legend>{t('admRuleMatch')}</legend>
          <p className="small muted adm-legend-hint">{t('admRuleMatchHint')}</p>
          <CheckGroup legend={t('category')} name="matchCategory" options={categories.map((c) => c.id)} chosen={cats} onChange={setCats} label={categoryName} className="adm-grid-checks" />
          <CheckGroup legend={t('polarity')} name="matchPolarity" options={POLARITIES} chosen={pols as Set<(typeof POLARITIES)[number]>} onChange={(s) => setPols(s)} label={(p) => t(p)} />
          <label className="field">
            <span>{t('aspect')}</span>
            <input name="matchAspects" value={aspects} lang={textLang(aspects)} onChange={(e) => setAspects(e.target.value)} />
          </label>
          <label className="field">
            <span>{t('channel')}</span>
            <input name="matchChannels" value={channels} lang={textLang(channels)} onChange={(e) => setChannels(e.target.value)} />
          </label>
          <label className="field">
            <span>{t('admKeywords')}</span>
            <input name="matchKeywords" value={keywords} lang={textLang(keywords)} onChange={(e) => setKeywords(e.target.value)} />
          </label>
          <span className="small muted">{t('admListHint')}</span>
          <FieldError id="rule-match-error" message={fields.get('match')} />
        </fieldset>
      )}
      {type === 'threshold' && (
        <fieldset className="adm-fieldset rule-threshold" aria-describedby={fields.has('threshold') ? 'rule-threshold-error' : undefined}>
          <legend>{t('admThreshold')}</legend>
          <p className="small muted adm-legend-hint">{t('admThresholdHint')}</p>
          <div className="adm-grid">
            <label className="field">
              <span>{t('category')}</span>
              <select name="thresholdCategory" value={tCategory} onChange={(e) => setTCategory(e.target.value)}>
                <option value="">{t('admAny')}</option>
                <CategoryOptions />
              </select>
            </label>
            <label className="field">
              <span>{t('channel')}</span>
              <input name="thresholdChannel" value={tChannel} lang={textLang(tChannel)} placeholder={t('admAny')} onChange={(e) => setTChannel(e.target.value)} />
            </label>
            {numberField('admMinShare', 'minShare', minShare, setMinShare, 'admMinShareHint')}
            {numberField('admWindowMinutes', 'windowMinutes', windowMinutes, setWindowMinutes)}
            {numberField('admMinDocuments', 'minDocuments', minDocuments, setMinDocuments)}
            {numberField('admBaselineDays', 'baselineDays', baselineDays, setBaselineDays)}
            {numberField('admMinLift', 'minLift', minLift, setMinLift, 'admMinLiftHint')}
          </div>
          <FieldError id="rule-threshold-error" message={fields.get('threshold')} />
        </fieldset>
      )}
      {type === 'sla_breach' && (
        <label className="field">
          <span>{t('admTeams')}</span>
          <input name="teams" value={teams} lang={textLang(teams)} placeholder={t('admAllTeams')} onChange={(e) => setTeams(e.target.value)} aria-invalid={fields.has('teams') || undefined} aria-describedby="rule-teams-hint" />
          <span className="small muted" id="rule-teams-hint">
            {t('admTeamsHint')}
          </span>
          <FieldError id="rule-teams-error" message={fields.get('teams')} />
        </label>
      )}
      <CheckGroup
        legend={t('admRuleWebhooks')}
        name="ruleWebhook"
        options={webhooks.map((w) => w.id)}
        chosen={hooks}
        onChange={setHooks}
        label={(id) => {
          const w = webhooks.find((x) => x.id === id)!;
          return w.description ? `${w.description} · ${w.url}` : w.url;
        }}
        errorId={fields.has('webhookIds') ? 'rule-webhooks-error' : undefined}
        className="rule-webhooks"
      />
      {webhooks.length === 0 && <p className="small muted">{t('admNoWebhooksYet')}</p>}
      <FieldError id="rule-webhooks-error" message={fields.get('webhookIds')} />
      <label className="adm-check">
        <input type="checkbox" name="ruleActive" checked={active} onChange={(e) => setActive(e.target.checked)} />
        <span>{t('admRuleActive')}</span>
      </label>
      <FormError error={error} fields={RULE_FIELDS} />
      <div className="row">
        <SubmitButton action="save-rule" busy={busy} label={rule ? t('save') : t('admCreateRule')} />
        <button type="button" className="btn" data-action="cancel-rule" onClick={onCancel} disabled={busy}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}
