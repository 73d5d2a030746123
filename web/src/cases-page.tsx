import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent, type MouseEvent } from 'react';
import { useAnnounce } from './announcer';
import { ApiError, queryString, request, type Kind, type Page } from './api';
import { ErrorText, fieldMessages, type FieldLabels } from './error-text';
import { FieldError, invalidProps } from './field-error';
import { FilterDrawer, FilterToggle, FilteredEmpty, useFilterDrawer } from './filters';
import { TEXT_LANG, textLang, useI18n, type MsgKey } from './i18n';
import { href, navigate, type Route } from './router';
import { wallTime } from './time';
import { usePagedList } from './use-paged-list';
import './cases-page.css';

/** A case as GET /v1/cases, PATCH /v1/cases/:id and POST /v1/cases/:id/resolve answer it (docs/actions.md). */
export interface Case {
  documentId: string;
  externalId: string;
  channel: string;
  kind: Kind;
  customerId: string | null;
  occurredAt: string | null;
  createdAt: string;
  team: string;
  priority: Priority;
  dueAt: string;
  escalations: string[];
  openedFor: 'negative_opinion' | 'escalation_threat';
  routedAt: string;
  resolvedAt: string | null;
  assignee: string | null;
  /** The customer's own words, cut after 60 characters. */
  excerpt: string;
  overdue: boolean;
}

type Priority = 'low' | 'normal' | 'high' | 'urgent';
const PRIORITIES: Priority[] = ['low', 'normal', 'high', 'urgent'];
const PRIORITY_KEYS: Record<Priority, MsgKey> = { low: 'admPriorityLow', normal: 'admPriorityNormal', high: 'admPriorityHigh', urgent: 'admPriorityUrgent' };

/** The list's filter names, as the API takes them, labelled as this page labels them in a refusal. */
const CASE_FIELDS: FieldLabels = { team: 'casesTeam', status: 'casesStatus', overdue: 'casesOverdueOnly', priority: 'casesPriority', assignee: 'casesAssignee', cursor: 'casesMore' };
const ASSIGN_FIELDS: FieldLabels = { assignee: 'casesAssignee' };

const casesApi = {
  list: (q: Record<string, string | undefined>) => request<Page<Case>>('GET', `/v1/cases${queryString(q)}`),
  assign: (id: string, assignee: string | null) => request<Case>('PATCH', `/v1/cases/${encodeURIComponent(id)}`, { assignee }),
  resolve: (id: string) => request<Case>('POST', `/v1/cases/${encodeURIComponent(id)}/resolve`),
  /** Whom a case can go to (the tenant's people and whoever holds open cases), with the open cases each holds. */
  assignees: () => request<{ items: Assignee[] }>('GET', '/v1/cases/assignees'),
};

/** One person a case can go to (GET /v1/cases/assignees). */
interface Assignee {
  name: string;
  openCases: number;
}

const PEOPLE_LIST = 'case-people';

/**
 * The tenant's people as choices for the assignee fields, each with the open cases they hold, so whoever assigns
 * sees who is free; asked again after each change here. Not having them is no error: the fields stay free text.
 */
function usePeople(version: number): Assignee[] {
  const [people, setPeople] = useState<Assignee[]>([]);
  useEffect(() => {
    let live = true;
    casesApi.assignees().then(
      (r) => live && setPeople(r.items),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [version]);
  return people;
}

const PAGE = 50;

/** A page of cases after those loaded, less any already there (a case moved between pages meanwhile). */
function appendCases(prev: Case[], items: Case[], first: boolean): Case[] {
  if (first) return items;
  const seen = new Set(prev.map((c) => c.documentId));
  return [...prev, ...items.filter((c) => !seen.has(c.documentId))];
}

/** What the URL asks for. No status means the open cases: a team's queue; `all` asks for both. */
interface CaseFilters {
  team: string;
  status: 'open' | 'resolved' | 'all';
  overdue: string;
  priority: string;
  assignee: string;
}

function filtersFrom(params: URLSearchParams): CaseFilters {
  const status = params.get('status');
  return {
    team: params.get('team') ?? '',
    status: status === 'resolved' || status === 'all' ? status : 'open',
    overdue: params.get('overdue') ?? '',
    priority: params.get('priority') ?? '',
    assignee: params.get('assignee') ?? '',
  };
}

/** The URL's parameters for these filters (empty ones and the default status left out). */
function urlParams(f: CaseFilters): Record<string, string | undefined> {
  return { team: f.team || undefined, status: f.status === 'open' ? undefined : f.status, overdue: f.overdue || undefined, priority: f.priority || undefined, assignee: f.assignee || undefined };
}

/** The request's query: the URL's filters, the status unless both are asked for. */
function apiQuery(f: CaseFilters): Record<string, string | undefined> {
  return { ...urlParams(f), status: f.status === 'all' ? undefined : f.status };
}

/** Whether a case changed here (assigned, resolved) still belongs in the list as filtered. */
function stillMatches(c: Case, f: CaseFilters): boolean {
  if (f.status === 'open' && c.resolvedAt) return false;
  if (f.status === 'resolved' && !c.resolvedAt) return false;
  if (f.overdue === 'true' && !c.overdue) return false;
  if (f.overdue === 'false' && c.overdue) return false;
  if (f.assignee.trim().toLowerCase() === 'none') return c.assignee === null;
  if (f.assignee.trim() && c.assignee !== f.assignee.trim()) return false;
  return true;
}

/**
 * The second click of a double click. A button that goes once it has done its work (取消分配, 标记已解决)
 * hands its place to the next one, and the second click, landing after a quick answer, pressed that one:
 * a double-clicked 取消分配 resolved the case. Such a click does nothing here.
 */
const repeatClick = (e: MouseEvent) => e.detail > 1;

const rowSelector = (id: string) => `[data-case-id="${CSS.escape(id)}"]`;

export function CasesPage({ route }: { route: Route }) {
  const { t } = useI18n();
  const [peopleVersion, setPeopleVersion] = useState(0);
  const people = usePeople(peopleVersion);
  const peopleList = people.length > 0 ? PEOPLE_LIST : undefined;
  const key = route.params.toString();
  const filters = useMemo(() => filtersFrom(route.params), [key]); // eslint-disable-line react-hooks/exhaustive-deps
  const [said, setSaid] = useState('');
  useAnnounce(said);
  // Where the keyboard goes once the list has re-rendered: a row's document link, or the list's heading.
  const pendingFocus = useRef<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const fetchPage = useCallback(
    (from: string | null) => casesApi.list({ ...apiQuery(filters), limit: String(PAGE), cursor: from ?? undefined }),
    [filters],
  );
  const {
    list: cases,
    setList: setCases,
    cursor,
    loading,
    error,
    more,
    retry,
  } = usePagedList({
    fetchPage,
    onPage: (page, first) => {
      // 加载更多 pressed from the keyboard goes on at the first case it brought (the button may go away)
      if (!first && page.items[0] && document.activeElement?.getAttribute('data-action') === 'more-cases') pendingFocus.current = page.items[0].documentId;
    },
    merge: appendCases,
  });

  useEffect(() => {
    setSaid('');
  }, [fetchPage]);

  useEffect(() => {
    const target = pendingFocus.current;
    if (target === null) return;
    pendingFocus.current = null;
    const el = target === '' ? heading.current : document.querySelector<HTMLElement>(`${rowSelector(target)} .case-doc-link`);
    (el ?? heading.current)?.focus();
  }, [cases, cursor]);

  const changed = useCallback(
    (next: Case, message: string) => {
      setPeopleVersion((v) => v + 1);
      const keep = stillMatches(next, filters);
      setSaid(keep ? message : message + t('casesLeftList'));
      setCases((prev) => {
        if (keep) return prev.map((c) => (c.documentId === next.documentId ? next : c));
        // A case that leaves the list hands the keyboard to the one after it (or before it, or the heading).
        const at = prev.findIndex((c) => c.documentId === next.documentId);
        const after = prev[at + 1] ?? prev[at - 1];
        pendingFocus.current = after ? after.documentId : '';
        return prev.filter((c) => c.documentId !== next.documentId);
      });
    },
    [filters, t, setCases],
  );

  const fieldErrors = useMemo(() => fieldMessages(t, error, CASE_FIELDS), [t, error]);
  const overdueRefused = fieldErrors.has('overdue') ? t('casesOverdueRefused') : undefined;
  const refused = error instanceof ApiError && (error.status === 400 || error.status === 422);
  const drawer = useFilterDrawer();
  const activeFilters = Object.values(urlParams(filters)).filter(Boolean).length;

  return (
    <div className="page page-pad cases-page" data-page="cases">
      {peopleList && (
        <datalist id={PEOPLE_LIST} data-case-people>
          {people.map((p) => (
            <option key={p.name} value={p.name} label={t('casesPersonOpen', { name: p.name, n: p.openCases })} />
          ))}
        </datalist>
      )}
      {/* On a phone the form's seven fields took a third of the first screen above the cases: the feed's drawer. */}
      <FilterDrawer drawer={drawer} id="cases-filter-drawer" className="bar-drawer">
        <CaseFilterForm filters={filters} overdueError={overdueRefused} peopleList={peopleList} onApplied={() => drawer.setOpen(false)} />
      </FilterDrawer>
      <div className="toolbar cases-toolbar">
        <FilterToggle drawer={drawer} controls="cases-filter-drawer" count={activeFilters} />
        <h2 className="cases-heading" ref={heading} tabIndex={-1}>
          {t('casesTitle')}
        </h2>
        {!loading && error === null && (
          <span className="muted cases-count" data-complete={cursor ? 'false' : 'true'}>
            {cursor ? t('casesLoaded', { n: cases.length }) : t('casesLoadedAll', { n: cases.length })}
          </span>
        )}
        {loading && <span className="muted">{t('loading')}</span>}
        {/* what the last action did, also for those who see the page: a resolved case just left the list. Not a live
            region: the announcer already says it. */}
        {said !== '' && (
          <span className="cases-said" data-case-said>
            {said}
          </span>
        )}
      </div>
      {error !== null && (
        <div className="alert alert-error error-panel" role="alert" data-cases-error>
          {/* The pair the server refuses is said in the page's words (its own sentence is English), the raw one on hover. */}
          {t('error')}:{' '}
          {overdueRefused ? (
            <span className="error-text" data-error-code={(error as ApiError).code} title={(error as ApiError).message}>
              {overdueRefused}
            </span>
          ) : (
            <ErrorText error={error} fields={CASE_FIELDS} />
          )}
          {!refused && (
            <>
              {' '}
              <button type="button" className="btn btn-small" data-action="retry" onClick={retry}>
                {t('retry')}
              </button>
            </>
          )}
        </div>
      )}
      {/* every loaded case acted out of the list, with more to load, is not "none match" */}
      {/* with filters set, it names them and clears them, as the feed and the dashboard do: on a phone they are folded away behind 筛选 (n) */}
      {!loading && error === null && cases.length === 0 && !cursor &&
        (activeFilters > 0 ? (
          <div className="cases-empty">
            <FilteredEmpty count={activeFilters} message="casesNoneFiltered" clear={href('cases')} />
          </div>
        ) : (
          <div className="empty cases-empty">{t('casesNone')}</div>
        ))}
      {cases.length > 0 && (
        // between the phone's cards and a wide screen, a table too wide scrolls in its box, not the page
        <div className="table-scroll">
          <table className="grid cases-table">
            <caption className="sr-only">{t('casesTitle')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('casesDue')}</th>
                <th scope="col">{t('casesPriority')}</th>
                <th scope="col">{t('casesTeam')}</th>
                <th scope="col">{t('casesAssignee')}</th>
                <th scope="col">{t('casesWhy')}</th>
                <th scope="col">{t('casesDocument')}</th>
                <th scope="col">{t('casesActions')}</th>
              </tr>
            </thead>
            <tbody>
              {cases.map((c) => (
                <CaseRow key={c.documentId} c={c} onChanged={changed} peopleList={peopleList} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {cursor && error === null && (
        <div className="cases-more">
          <button type="button" className="btn" data-action="more-cases" aria-disabled={loading || undefined} onClick={more}>
            {loading ? t('loading') : t('casesMore')}
          </button>
        </div>
      )}
    </div>
  );
}

/**
 * The filters, kept in the URL (a reload, a shared link, back and forward keep them). Choices apply at once;
 * the two names (team, assignee) apply with 筛选 or Enter, so the list is not asked again at each key.
 */
function CaseFilterForm({
  filters,
  overdueError,
  peopleList,
  onApplied,
}: {
  filters: CaseFilters;
  overdueError: string | undefined;
  peopleList: string | undefined;
  /** After 筛选 (or Enter) applied the typed fields: the drawer the form sits in on a phone closes. */
  onApplied: () => void;
}) {
  const { t } = useI18n();
  const [team, setTeam] = useState(filters.team);
  const unassigned = filters.assignee.trim().toLowerCase() === 'none';
  const [assignee, setAssignee] = useState(unassigned ? '' : filters.assignee);
  useEffect(() => {
    setTeam(filters.team);
    setAssignee(filters.assignee.trim().toLowerCase() === 'none' ? '' : filters.assignee);
  }, [filters]);

  const go = (next: Partial<CaseFilters>) => navigate('cases', urlParams({ ...filters, ...next }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    go({ team: team.trim(), assignee: unassigned ? filters.assignee : assignee.trim() });
    onApplied();
  };
  // Only an open case can be overdue: with 已解决 the box is off and cannot be ticked. One the URL ticked anyway
  // (a typed or old link) stays clickable, so it can be cleared where the server's refusal points.
  const overdueOff = filters.status === 'resolved' && filters.overdue !== 'true';
  const any = filters.team || filters.status !== 'open' || filters.overdue || filters.priority || filters.assignee;

  return (
    <form className="cases-filters" aria-label={t('casesFilters')} onSubmit={submit} data-cases-filters>
      <label className="field">
        <span>{t('casesTeam')}</span>
        <input name="team" value={team} lang={textLang(team)} placeholder={t('casesTeamPlaceholder')} maxLength={64} onChange={(e) => setTeam(e.target.value)} />
      </label>
      <label className="field">
        <span>{t('casesStatus')}</span>
        <select
          name="status"
          value={filters.status}
          onChange={(e) => {
            const status = e.target.value as CaseFilters['status'];
            go({ status, ...(status === 'resolved' && filters.overdue === 'true' ? { overdue: '' } : {}) });
          }}
        >
          <option value="open">{t('casesStatusOpen')}</option>
          <option value="resolved">{t('casesStatusResolved')}</option>
          <option value="all">{t('casesStatusAll')}</option>
        </select>
      </label>
      <div className="field cases-check">
        <label title={overdueOff ? t('casesOverdueResolvedHint') : undefined}>
          <input
            type="checkbox"
            name="overdue"
            checked={filters.overdue === 'true'}
            disabled={overdueOff}
            aria-describedby={overdueOff ? 'cases-overdue-hint' : undefined}
            {...invalidProps(overdueError, 'cases-overdue-error')}
            onChange={(e) => go({ overdue: e.target.checked ? 'true' : '' })}
          />{' '}
          {t('casesOverdueOnly')}
        </label>
        {overdueOff && (
          <span className="muted small" id="cases-overdue-hint">
            {t('casesOverdueResolvedHint')}
          </span>
        )}
        <FieldError id="cases-overdue-error" message={overdueError} />
      </div>
      <label className="field">
        <span>{t('casesPriority')}</span>
        <select name="priority" value={filters.priority} onChange={(e) => go({ priority: e.target.value })}>
          <option value="">{t('all')}</option>
          {PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {t(PRIORITY_KEYS[p])}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t('casesAssignee')}</span>
        <input
          name="assignee"
          value={assignee}
          lang={textLang(assignee)}
          placeholder={t('casesAssigneePlaceholder')}
          maxLength={100}
          disabled={unassigned}
          list={peopleList}
          onChange={(e) => setAssignee(e.target.value)}
        />
      </label>
      <div className="field cases-check">
        <label>
          <input type="checkbox" name="unassigned" checked={unassigned} onChange={(e) => go({ assignee: e.target.checked ? 'none' : '' })} /> {t('casesUnassignedOnly')}
        </label>
      </div>
      <div className="field-actions cases-filter-actions">
        <button type="submit" className="btn btn-primary btn-small" data-action="apply-case-filters">
          {t('casesApply')}
        </button>
        {any && (
          <a className="btn btn-small" href={href('cases')} data-action="clear-case-filters">
            {t('casesClear')}
          </a>
        )}
      </div>
    </form>
  );
}

type Busy = 'assign' | 'unassign' | 'resolve' | null;

function CaseRow({ c, onChanged, peopleList }: { c: Case; onChanged: (next: Case, message: string) => void; peopleList: string | undefined }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [busy, setBusy] = useState<Busy>(null);
  // a ref, as the second click of a double click can come before a re-render
  const acting = useRef(false);
  const [error, setError] = useState<unknown>(null);
  const [nameError, setNameError] = useState<string | undefined>(undefined);
  const input = useRef<HTMLInputElement>(null);
  const errorId = `case-assign-error-${c.documentId}`;

  const act = async (kind: Exclude<Busy, null>, run: () => Promise<Case>, message: (next: Case) => string, after?: () => void) => {
    if (acting.current) return;
    acting.current = true;
    setBusy(kind);
    setError(null);
    setNameError(undefined);
    try {
      const next = await run();
      after?.();
      onChanged(next, message(next));
    } catch (e) {
      const field = kind === 'assign' ? fieldMessages(t, e, ASSIGN_FIELDS).get('assignee') : undefined;
      if (field) setNameError(field);
      else setError(e);
      if (kind === 'assign') input.current?.focus();
    } finally {
      acting.current = false;
      setBusy(null);
    }
  };

  const assign = (e: FormEvent) => {
    e.preventDefault();
    const who = name.trim();
    if (!who) {
      setNameError(t('casesAssigneeRequired'));
      input.current?.focus();
      return;
    }
    if (who.toLowerCase() === 'none') {
      setNameError(t('casesAssigneeNone'));
      input.current?.focus();
      return;
    }
    void act('assign', () => casesApi.assign(c.documentId, who), (next) => t('casesAssigned', { id: next.externalId, name: next.assignee ?? who }), () => setName(''));
  };
  // Each announcement names its case, so two cases handled in a row (both given to 王小明) are both said.
  // The button pressed goes away (取消分配 without an assignee, 标记已解决 on a resolved case): the keyboard
  // moves to the row's assign field rather than to the top of the page.
  const refocus = () => requestAnimationFrame(() => input.current?.focus());

  return (
    <tr data-case-id={c.documentId} data-overdue={String(c.overdue)} data-status={c.resolvedAt ? 'resolved' : 'open'} data-opened-for={c.openedFor} className={c.overdue ? 'case-overdue' : undefined}>
      <td data-label={t('casesDue')} className="case-due">
        <time dateTime={c.dueAt}>{wallTime(c.dueAt)}</time>
        {c.overdue && <span className="badge badge-overdue" data-overdue-badge>{t('casesOverdue')}</span>}
        {c.resolvedAt && (
          <span className="badge badge-ok case-resolved" data-resolved-at={c.resolvedAt}>
            {t('casesResolvedAt', { time: wallTime(c.resolvedAt) })}
          </span>
        )}
      </td>
      <td data-label={t('casesPriority')}>
        <span className={`badge case-priority case-priority-${c.priority}`} data-priority={c.priority}>
          {PRIORITY_KEYS[c.priority] ? t(PRIORITY_KEYS[c.priority]) : c.priority}
        </span>
      </td>
      {/* a team and a person are named as people typed them: Chinese ones read by a Chinese voice on the English page */}
      <td data-label={t('casesTeam')} className="case-team">
        <span lang={textLang(c.team)}>{c.team}</span>
      </td>
      <td data-label={t('casesAssignee')} className="case-assignee" data-assignee={c.assignee ?? ''}>
        {c.assignee !== null ? <span lang={textLang(c.assignee)}>{c.assignee}</span> : <span className="muted">{t('casesNobody')}</span>}
      </td>
      <td data-label={t('casesWhy')} className="case-why">
        <span className={`badge ${c.openedFor === 'escalation_threat' ? 'badge-threat' : 'badge-negative'}`} data-opened-for-badge={c.openedFor}>
          {t(c.openedFor === 'escalation_threat' ? 'casesOpenedThreat' : 'casesOpenedNegative')}
        </span>
        {c.escalations.length > 0 && (
          // named in words for a screen reader (an aria-label on a plain span is not read)
          <span className="case-escalations" title={t('casesEscalations')}>
            <span className="sr-only">{t('casesEscalations')}: </span>
            {c.escalations.map((w) => (
              <span key={w} className="badge badge-word" lang={TEXT_LANG}>
                {w}
              </span>
            ))}
          </span>
        )}
      </td>
      <td data-label={t('casesDocument')} className="case-doc">
        <CaseExcerpt c={c} />
      </td>
      <td data-label={t('casesActions')} className="case-actions">
        <form className="case-assign" onSubmit={assign}>
          <input
            ref={input}
            name="assignee"
            value={name}
            lang={textLang(name)}
            maxLength={100}
            placeholder={t('casesAssignTo')}
            aria-label={t('casesAssignLabel', { id: c.externalId })}
            list={peopleList}
            onChange={(e) => {
              setName(e.target.value);
              setNameError(undefined);
            }}
            {...invalidProps(nameError, errorId)}
          />
          <button type="submit" className="btn btn-small" data-action="assign-case" aria-disabled={busy !== null || undefined} onClick={(e) => repeatClick(e) && e.preventDefault()}>
            {busy === 'assign' ? t('casesWorking') : t('casesAssign')}
          </button>
        </form>
        <FieldError id={errorId} message={nameError} />
        <div className="case-buttons">
          {c.assignee !== null && (
            <button
              type="button"
              className="btn btn-small"
              data-action="unassign-case"
              aria-disabled={busy !== null || undefined}
              onClick={(e) => !repeatClick(e) && void act('unassign', () => casesApi.assign(c.documentId, null), (next) => t('casesUnassigned', { id: next.externalId }), refocus)}
            >
              {busy === 'unassign' ? t('casesWorking') : t('casesUnassign')}
            </button>
          )}
          {!c.resolvedAt && (
            <button
              type="button"
              className="btn btn-small btn-primary"
              data-action="resolve-case"
              aria-disabled={busy !== null || undefined}
              onClick={(e) => !repeatClick(e) && void act('resolve', () => casesApi.resolve(c.documentId), (next) => t('casesResolvedDone', { id: next.externalId }), refocus)}
            >
              {busy === 'resolve' ? t('casesWorking') : t('casesResolve')}
            </button>
          )}
        </div>
        {error !== null && (
          <span className="err small case-error" role="alert">
            {t('error')}: <ErrorText error={error} />
          </span>
        )}
      </td>
    </tr>
  );
}

/** The customer's words as the case carries them (shortened by the server), linking to the document. */
function CaseExcerpt({ c }: { c: Case }) {
  const { t } = useI18n();
  return (
    <a className="case-doc-link" href={href(`doc/${encodeURIComponent(c.documentId)}`)} title={t('casesOpenDoc', { id: c.externalId })}>
      {c.excerpt ? (
        <span lang={TEXT_LANG} className="case-excerpt">
          {c.excerpt}
        </span>
      ) : (
        <span className="muted">{c.externalId}</span>
      )}
    </a>
  );
}
