import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { Query } from './api';
import { useAppData } from './app-data';
import { CategoryOptions } from './category-options';
import { drawerKeys, useDrawerFocus } from './focus';
import { POLARITIES, textLang, useI18n, type MsgKey } from './i18n';
import { href, navigate } from './router';

export const TAG_FILTER_KEYS = [
  'polarity',
  'category',
  'aspect',
  'channel',
  'kind',
  'scale',
  'source',
  'from',
  'to',
  'q',
  'minConfidence',
  'maxConfidence',
] as const;
export type FilterKey = (typeof TAG_FILTER_KEYS)[number];
export type Filters = Partial<Record<FilterKey, string>>;

export function filtersFrom(params: URLSearchParams, keys: readonly FilterKey[] = TAG_FILTER_KEYS): Filters {
  const f: Filters = {};
  for (const k of keys) {
    const v = params.get(k);
    if (v) f[k] = v;
  }
  return f;
}

/**
 * Date pickers give whole days; the API compares instants, so `to` must reach the end of that day. No offset:
 * the service reads it as that wall time in its TIME_ZONE, where it also buckets days.
 */
export function filtersQuery(f: Filters): Query {
  const q: Query = { ...f };
  if (f.to && /^\d{4}-\d{2}-\d{2}$/.test(f.to)) q.to = `${f.to}T23:59:59.999`;
  return q;
}

const inUnit = (v: string | undefined) => v === undefined || v === '' || (Number.isFinite(Number(v)) && Number(v) >= 0 && Number(v) <= 1);

/** What is wrong with a filter set the API would refuse, or null; checked before it reaches the URL. */
function filterProblem(f: Filters): { key: MsgKey; fields: FilterKey[] } | null {
  const bad = (['minConfidence', 'maxConfidence'] as const).filter((k) => !inUnit(f[k]));
  if (bad.length > 0) return { key: 'confidenceRange', fields: bad };
  if (f.minConfidence && f.maxConfidence && Number(f.minConfidence) > Number(f.maxConfidence)) {
    return { key: 'confidenceOrder', fields: ['minConfidence', 'maxConfidence'] };
  }
  // ISO dates compare as strings.
  if (f.from && f.to && f.from > f.to) return { key: 'dateOrder', fields: ['from', 'to'] };
  return null;
}

interface Props {
  route: string;
  filters: Filters;
  keys?: readonly FilterKey[];
  layout?: 'side' | 'bar';
  /** Page parameters that are not filters (e.g. the NPS scale) and must survive applying them. */
  keep?: Record<string, string | undefined>;
  /** After 应用 (or Enter) applied the set: a drawer the panel sits in closes on it. */
  onApplied?: () => void;
}

/**
 * Filters live in the URL hash so charts can deep-link into the feed and a filtered view
 * survives reload; selects apply at once, typed fields on Enter or blur.
 */
export function FilterPanel({ route, filters, keys = TAG_FILTER_KEYS, layout = 'side', keep, onApplied }: Props) {
  const { t } = useI18n();
  const { channels } = useAppData();
  const [draft, setDraft] = useState<Filters>(filters);
  const [problem, setProblem] = useState<ReturnType<typeof filterProblem>>(null);
  const serialized = JSON.stringify(filters);
  // What this panel put in the URL and has not yet seen come back: each such hash change is an echo, not news.
  // A list, as a second field can be applied before the first one's hash change arrives.
  const pending = useRef<Filters[]>([]);
  useEffect(() => {
    const same = (a: Filters) => keys.every((k) => (a[k] || undefined) === filters[k]);
    const echo = pending.current.findIndex(same);
    if (echo >= 0) {
      // The echo of our own apply changes nothing here: a value typed meanwhile in the next field, or the same
      // field typed again and refused (0.87 applied, then 1.5), keeps its text and its error.
      pending.current = pending.current.slice(echo + 1);
      return;
    }
    // Anything else (back, forward, a link) shows exactly what is applied: a refused value left in its field
    // after navigating away and back read as if it were filtering, with its error gone.
    pending.current = [];
    setDraft(filters);
    setProblem(null);
  }, [serialized]); // eslint-disable-line react-hooks/exhaustive-deps

  const has = (k: FilterKey) => keys.includes(k);
  // The number inputs' min/max do not stop typing 2, so the set is checked before it reaches the URL.
  const apply = (next: Filters): boolean => {
    const p = filterProblem(next);
    setProblem(p);
    if (!p) {
      const target = href(route, { ...keep, ...next });
      // The same URL again fires no hash change, so there is no echo to wait for.
      if (target !== location.hash) pending.current.push(next);
      navigate(route, { ...keep, ...next });
    }
    return !p;
  };
  const invalid = (k: FilterKey) => (problem?.fields.includes(k) ? true : undefined);
  const setNow = (k: FilterKey, v: string) => {
    const next = { ...draft, [k]: v || undefined };
    setDraft(next);
    apply(next);
  };
  const setDraftKey = (k: FilterKey, v: string) => setDraft({ ...draft, [k]: v || undefined });
  const commit = () => {
    if (JSON.stringify(draft) !== serialized) apply(draft);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    // A refused set keeps the drawer open on its message.
    if (apply(draft)) onApplied?.();
  };
  // Every field, typed-but-unapplied ones included: a draft left behind would be applied with the next change.
  const reset = () => {
    setDraft({});
    apply({});
  };
  const errorId = useId();
  /** The problem's message, shown next to the fields it is about (dates by the dates, confidence by confidence). */
  const problemFor = (fields: FilterKey[]) =>
    problem && problem.fields.some((f) => fields.includes(f)) ? (
      <div className="err small filter-error" role="alert" id={errorId}>
        {t(problem.key)}
      </div>
    ) : null;
  const describedBy = (k: FilterKey) => (problem?.fields.includes(k) ? errorId : undefined);

  return (
    // noValidate: the browser's own bubbles (in its language, about steps and ranges) would stop a value
    // the API takes and pre-empt the page's message; the set is checked here instead.
    <form className={`filters filters-${layout}`} onSubmit={submit} aria-label={t('filters')} noValidate>
      {has('q') && (
        <label className="field field-wide" title={t('searchHint')}>
          <span>{t('search')}</span>
          <input
            type="search"
            name="q"
            value={draft.q ?? ''}
            lang={textLang(draft.q)}
            placeholder={t('searchPlaceholder')}
            onChange={(e) => setDraftKey('q', e.target.value)}
            onBlur={commit}
          />
        </label>
      )}
      {has('polarity') && (
        <div className="field">
          <span>{t('polarity')}</span>
          <div className="seg" role="radiogroup" aria-label={t('polarity')}>
            {(['', ...POLARITIES] as const).map((p) => (
              <button
                key={p || 'all'}
                type="button"
                role="radio"
                aria-checked={(draft.polarity ?? '') === p}
                className={`seg-btn ${p ? `seg-${p}` : ''} ${(draft.polarity ?? '') === p ? 'on' : ''}`}
                onClick={() => setNow('polarity', p)}
              >
                {p ? t(p) : t('all')}
              </button>
            ))}
          </div>
        </div>
      )}
      {has('category') && (
        <label className="field">
          <span>{t('category')}</span>
          <select name="category" value={draft.category ?? ''} onChange={(e) => setNow('category', e.target.value)}>
            <option value="">{t('all')}</option>
            <CategoryOptions />
          </select>
        </label>
      )}
      {has('aspect') && (
        <label className="field">
          <span>{t('aspect')}</span>
          <input
            name="aspect"
            value={draft.aspect ?? ''}
            lang={textLang(draft.aspect)}
            onChange={(e) => setDraftKey('aspect', e.target.value)}
            onBlur={commit}
          />
        </label>
      )}
      {has('channel') && (
        <label className="field">
          <span>{t('channel')}</span>
          <input
            name="channel"
            list="channel-options"
            value={draft.channel ?? ''}
            onChange={(e) => setDraftKey('channel', e.target.value)}
            onBlur={commit}
          />
          <datalist id="channel-options">
            {channels.map((c) => (
              <option key={c} value={c} />
            ))}
          </datalist>
        </label>
      )}
      {has('kind') && (
        <label className="field">
          <span>{t('kind')}</span>
          <select name="kind" value={draft.kind ?? ''} onChange={(e) => setNow('kind', e.target.value)}>
            <option value="">{t('all')}</option>
            <option value="comment">{t('comment')}</option>
            <option value="transcript">{t('transcript')}</option>
            <option value="social">{t('social')}</option>
            <option value="survey">{t('survey')}</option>
          </select>
        </label>
      )}
      {has('scale') && (
        <label className="field">
          <span>{t('scaleFilter')}</span>
          <select name="scale" value={draft.scale ?? ''} onChange={(e) => setNow('scale', e.target.value)}>
            <option value="">{t('all')}</option>
            <option value="nps">NPS</option>
            <option value="csat">CSAT</option>
          </select>
        </label>
      )}
      {has('source') && (
        <label className="field">
          <span>{t('tagSource')}</span>
          <select name="source" value={draft.source ?? ''} onChange={(e) => setNow('source', e.target.value)}>
            <option value="">{t('all')}</option>
            <option value="model">{t('srcModel')}</option>
            <option value="rule">{t('srcRule')}</option>
            <option value="human">{t('srcHuman')}</option>
          </select>
        </label>
      )}
      {(has('from') || has('to')) && (
        <div className="field field-pair">
          <label>
            <span>{t('from')}</span>
            <input type="date" name="from" value={draft.from ?? ''} aria-invalid={invalid('from')} aria-describedby={describedBy('from')} onChange={(e) => setNow('from', e.target.value)} />
          </label>
          <label>
            <span>{t('to')}</span>
            <input type="date" name="to" value={draft.to ?? ''} aria-invalid={invalid('to')} aria-describedby={describedBy('to')} onChange={(e) => setNow('to', e.target.value)} />
          </label>
          {problemFor(['from', 'to'])}
        </div>
      )}
      {has('minConfidence') && (
        <div className="field field-pair">
          <label>
            <span>
              {t('confidence')} {t('minConfidence')}
            </span>
            <input
              type="number"
              name="minConfidence"
              min={0}
              max={1}
              step="any"
              inputMode="decimal"
              value={draft.minConfidence ?? ''}
              aria-invalid={invalid('minConfidence')}
              aria-describedby={describedBy('minConfidence')}
              onChange={(e) => setDraftKey('minConfidence', e.target.value)}
              onBlur={commit}
            />
          </label>
          <label>
            <span>{t('maxConfidence')}</span>
            <input
              type="number"
              name="maxConfidence"
              min={0}
              max={1}
              step="any"
              inputMode="decimal"
              value={draft.maxConfidence ?? ''}
              aria-invalid={invalid('maxConfidence')}
              aria-describedby={describedBy('maxConfidence')}
              onChange={(e) => setDraftKey('maxConfidence', e.target.value)}
              onBlur={commit}
            />
          </label>
          {problemFor(['minConfidence', 'maxConfidence'])}
        </div>
      )}
      <div className="field-actions">
        <button type="submit" className="btn btn-primary">
          {t('apply')}
        </button>
        <button type="button" className="btn" data-action="reset-filters" onClick={reset}>
          {t('reset')}
        </button>
      </div>
    </form>
  );
}

/** A filter drawer's open state and its focus moves (useDrawerFocus), shared by its toggle and the drawer. */
export function useFilterDrawer() {
  const [open, setOpen] = useState(false);
  const drawer = useRef<HTMLElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);
  useDrawerFocus(open, drawer, toggle);
  return { open, setOpen, drawer, toggle };
}
export type FilterDrawerState = ReturnType<typeof useFilterDrawer>;

/**
 * 筛选 (n), which opens the filter drawer on a narrow screen (elsewhere it is hidden and the filters stand in
 * the page); the count keeps a narrowed view from looking complete while its filters are out of sight.
 */
export function FilterToggle({ drawer, controls, count }: { drawer: FilterDrawerState; controls: string; count: number }) {
  const { t } = useI18n();
  return (
    <button
      type="button"
      ref={drawer.toggle}
      className="btn btn-small drawer-toggle"
      data-action="toggle-filters"
      aria-expanded={drawer.open}
      aria-controls={controls}
      onClick={() => drawer.setOpen((o) => !o)}
    >
      {t('filters')}
      {count > 0 ? ` (${count})` : ''}
    </button>
  );
}

/**
 * Where a page's filters stand: in the page on a wide screen; on a narrow one (app.css, max-width 720px) folded
 * away into a drawer over the page, opened by FilterToggle and closed by 查看结果.
 */
export function FilterDrawer({ drawer, id, className = '', children }: { drawer: FilterDrawerState; id: string; className?: string; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <aside
      id={id}
      ref={drawer.drawer}
      className={`${className} side-drawer ${drawer.open ? 'side-open' : ''}`}
      aria-label={t('filters')}
      onKeyDown={drawerKeys(drawer.open, () => drawer.setOpen(false))}
    >
      <div className="drawer-head">
        <strong>{t('filters')}</strong>
        <span className="spacer" />
        <button type="button" className="btn btn-small btn-primary" data-action="close-filters" onClick={() => drawer.setOpen(false)}>
          {t('showResults')}
        </button>
      </div>
      {children}
    </aside>
  );
}

/**
 * What an empty answer means when filters are set, and the way out: on a phone the filters are folded away behind
 * 筛选 (n), and charts or a list of 暂无数据 alone read as if there were nothing at all. `clear` is the page without
 * its filters.
 */
export function FilteredEmpty({ count, message, clear }: { count: number; message: MsgKey; clear: string }) {
  const { t } = useI18n();
  return (
    <div className="empty" data-empty="filtered">
      {t(message, { n: count })}{' '}
      <a href={clear} data-action="clear-filters">
        {t('clearFilters')}
      </a>
    </div>
  );
}
