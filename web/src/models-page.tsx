import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError, type ErrorDetail, type GateReasonCode, type ModelList, type ModelVersion, type RetagJob, type RetagReason, type TrainJob } from './api';
import { ErrorText, errorWords } from './error-text';
import { ErrorPanel } from './page-error';
import { useI18n, type MsgKey } from './i18n';
import { href } from './router';
import { wallTime } from './time';
import { clampPercent, ProgressBar, RetagBar, usePoll, useRetagJobs } from './job-progress';

// The running training job survives a reload of the page (per browser tab, like the API key).
const JOB_STORAGE = 'guandian.trainJob';
// The tenant's latest re-tag jobs shown, whoever started them (a promotion here, the lexicon page, the CLI).
const RETAG_JOBS_SHOWN = 5;

const PHASES: Record<string, MsgKey> = {
  queued: 'phaseQueued',
  collect: 'phaseCollect',
  features: 'phaseFeatures',
  'cross-validate': 'phaseCrossValidate',
  fit: 'phaseFit',
  evaluate: 'phaseEvaluate',
  save: 'phaseSave',
  done: 'phaseDone',
  failed: 'phaseFailed',
};

const when = (iso: string | null) => wallTime(iso) || '—';
/**
 * Scores are 0..1; an empty slice has none. Rounded as the gate rounds its reasons' percentages
 * (Math.round to a tenth, head-train.ts pct1), so a cell and a reason never differ by a tenth
 * (0.7105 is 71.1% in both, where toFixed would say 71.0%), and always with one decimal.
 */
const pct = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${oneDecimal(Math.round(v * 1000) / 10)}%`);
const oneDecimal = (x: number) => x.toFixed(1);
type T = ReturnType<typeof useI18n>['t'];

/** A gate reason in the page's language, from the API's code and params (the English message is the fallback). */
function gateReasonText(t: T, code: GateReasonCode, params: Record<string, string | number>): string {
  const task = typeof params.task === 'string' && (params.task === 'sentimentAccuracy' || params.task === 'categoryAccuracy') ? t(`gateTask_${params.task}`) : params.task;
  // The gate's percentages come as numbers (50, 71.1): written with one decimal like the table's cells.
  const percents = Object.fromEntries(
    (['candidate', 'parent'] as const).flatMap((k) => (typeof params[k] === 'number' ? [[k, oneDecimal(params[k] as number)]] : [])),
  );
  return t(`gateReason_${code}`, { ...params, ...percents, ...(task !== undefined ? { task } : {}) });
}

const trainFinished = (j: TrainJob) => j.status === 'done' || j.status === 'failed';

/** The API's refusal as sent; worded at render time, in the page's language and against the reloaded list. */
interface Refusal {
  error: ApiError;
}

const GATE_CODES = new Set<string>(['no_corrections', 'corrections_not_better', 'reviewed_not_better', 'reviewed_fell', 'regression_overall_fell', 'regression_task_fell']);
const isGateCode = (c: ErrorDetail['code']): c is GateReasonCode => typeof c === 'string' && GATE_CODES.has(c);

/**
 * Why promote is pointless for this row, or null. The server refuses a version that failed its gate,
 * and one whose gate compared it with another parent than the active version; the page knows both.
 */
function promoteBlock(t: T, v: ModelVersion, active: string): { short: string; long: string } | null {
  if (!v.gate.passes) return { short: t('promoteBlockedGateShort'), long: t('promoteBlockedGate') };
  if (v.gate.stale && v.parent === active) return { short: t('promoteBlockedStaleShort'), long: t('promoteBlockedStale', { reason: v.gate.staleReason ?? '' }) };
  if (v.parent !== active) return { short: t('promoteBlockedParentShort'), long: t('promoteBlockedParent', { parent: v.parent, active }) };
  return null;
}

/** The refusal's headline: the cases the models API produces, then the generic wording of its code. */
function refusalSummary(t: T, r: Refusal, v: ModelVersion, active: string): { text: string; detail?: string } {
  const e = r.error;
  // A stale page: someone promoted it (or another version) since the list was loaded, which reload shows.
  if (v.active) return { text: t('refusedAlreadyActive', { v: v.version }) };
  if (e.code === 'gate_failed' && e.details.some((d) => d.field === 'parent')) return { text: t('refusedParent', { parent: v.parent, active }) };
  if (e.code === 'gate_failed') return { text: t('refusedGate', { v: v.version, parent: v.parent }) };
  const w = errorWords(t, e);
  return { text: w.text, ...(w.detail ? { detail: w.detail } : {}) };
}

/** Kept untranslated so the language switch re-renders it; `cause` is the API error behind it. */
type Notice = { key: MsgKey; vars?: Record<string, string>; cause?: unknown; error?: boolean } | null;

/** Admin page: retrain from corrections, compare each version with its parent, promote or roll back. */
export function ModelsPage() {
  const { t } = useI18n();
  const [data, setData] = useState<ModelList | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [jobId, setJobId] = useState<string | null>(() => sessionStorage.getItem(JOB_STORAGE));
  // 'train', 'rollback' or the version being promoted.
  const [busy, setBusy] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice>(null);
  const [refusals, setRefusals] = useState<Record<string, Refusal>>({});
  // Promote and rollback disable their button while they run and may remove it (the promoted row has none):
  // the keyboard's focus then falls to the page. Once the page shows the outcome, focus that lost it goes to
  // what happened: the notice, or for a refusal the reason under the row (its button is disabled by then).
  const noticeRef = useRef<HTMLSpanElement>(null);
  const [switched, setSwitched] = useState<{ version: string | null } | null>(null);
  useEffect(() => {
    if (!switched) return;
    const at = document.activeElement;
    if (at && at !== document.body) return;
    const refusal = switched.version === null ? null : document.querySelector<HTMLElement>(`tr[data-refusal-for="${CSS.escape(switched.version)}"] .refusal`);
    (noticeRef.current ?? refusal)?.focus();
  }, [switched]);

  const load = useCallback(async () => {
    try {
      setData(await api.models());
      setLoadError(null);
    } catch (e) {
      setLoadError(e);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const job = usePoll(jobId, api.trainJob, trainFinished);
  const retagJobs = useRetagJobs(RETAG_JOBS_SHOWN);
  const { refresh: refreshRetagJobs } = retagJobs;

  const jobStatus = job.value?.status;
  useEffect(() => {
    if (jobStatus === 'done' || jobStatus === 'failed' || job.gone) sessionStorage.removeItem(JOB_STORAGE);
    // The new version's row appears once the job has saved it.
    if (jobStatus === 'done') void load();
  }, [jobStatus, job.gone, load]);

  const training = jobId !== null && !job.gone && (job.value === null || !trainFinished(job.value));

  // A job this tab did not start (another admin's, or the replacement an erasure asked for) is followed
  // too: its progress shows, and training again is held back until it ends instead of queuing a twin.
  const pending = data?.training?.[0]?.id ?? null;
  useEffect(() => {
    if (pending && !training && pending !== jobId) setJobId(pending);
  }, [pending, training, jobId]);

  const train = async () => {
    setBusy('train');
    setNotice(null);
    try {
      const r = await api.trainModel();
      sessionStorage.setItem(JOB_STORAGE, r.id);
      setJobId(r.id);
    } catch (e) {
      setNotice({ key: 'error', cause: e, error: true });
    } finally {
      setBusy(null);
    }
  };

  const promote = async (version: string) => {
    setBusy(version);
    setNotice(null);
    setRefusals(({ [version]: _, ...rest }) => rest);
    let refused: Refusal | null = null;
    try {
      const r = await api.promoteModel(version);
      setNotice({ key: 'promoted', vars: { v: r.active, p: r.previous } });
      if (r.retagJob) refreshRetagJobs();
    } catch (e) {
      const err = e as Error;
      if (err instanceof ApiError && err.status === 409) refused = { error: err };
      else setNotice({ key: 'error', cause: err, error: true });
    } finally {
      setBusy(null);
    }
    await load();
    // Shown only once the list is reloaded: a refusal because another admin just promoted a version is
    // worded against the active version, which the list loaded before the click still had as the old one.
    if (refused) {
      const r = refused;
      setRefusals((m) => ({ ...m, [version]: r }));
    }
    setSwitched({ version });
  };

  const rollback = async () => {
    setBusy('rollback');
    setNotice(null);
    try {
      const r = await api.rollbackModel();
      setNotice({ key: 'rolledBack', vars: { v: r.active, p: r.previous } });
      if (r.retagJob) refreshRetagJobs();
    } catch (e) {
      setNotice({ key: 'error', cause: e, error: true });
    } finally {
      setBusy(null);
    }
    await load();
    setSwitched({ version: null });
  };

  return (
    <div className="page page-pad models-page">
      <h2>{t('modelsTitle')}</h2>
      <p className="muted">{t('modelsHint')}</p>
      {loadError !== null && <ErrorPanel error={loadError} onRetry={() => void load()} />}
      {data && (
        <div className="kpis models-head">
          <div className="kpi" data-active-version={data.active}>
            <span>{t('activeVersion')}</span>
            <b className="mono">{data.active}</b>
          </div>
          <div className="kpi" data-base-version={data.base}>
            <span>{t('baseVersion')}</span>
            <b className="mono">{data.base}</b>
          </div>
        </div>
      )}
      <div className="models-actions">
        {/* aria-disabled, not disabled: a disabled button drops the focus of whoever just pressed it, for the whole job */}
        <button
          className="btn btn-primary"
          data-action="train"
          aria-disabled={busy !== null || training || undefined}
          onClick={() => void (busy === null && !training && train())}
        >
          {t('trainNew')}
        </button>
        {data && data.active !== data.base && (
          <button className="btn" data-action="rollback" disabled={busy !== null} onClick={() => void rollback()}>
            {busy === 'rollback' ? t('rollingBack') : t('rollback')}
          </button>
        )}
        {notice && (
          <span ref={noticeRef} tabIndex={-1} className={notice.error ? 'err' : 'ok'} role="status" data-notice={notice.error ? 'error' : 'ok'}>
            {t(notice.key, notice.vars)}
            {notice.cause !== undefined && (
              <>
                : <ErrorText error={notice.cause} />
              </>
            )}
          </span>
        )}
      </div>
      {jobId && (job.value || job.error !== null) && <TrainProgress job={job.value} error={job.error} />}
      <RetagJobList jobs={retagJobs.jobs} error={retagJobs.error} onChanged={refreshRetagJobs} />
      {data && (
        <VersionTable
          data={data}
          busy={busy}
          refusals={refusals}
          newVersion={jobStatus === 'done' ? (job.value?.version ?? null) : null}
          onPromote={(v) => void promote(v)}
        />
      )}
      {!data && !loadError && <div className="muted">{t('loading')}</div>}
    </div>
  );
}

function TrainProgress({ job, error }: { job: TrainJob | null; error: unknown }) {
  const { t } = useI18n();
  const percent = job ? clampPercent(job.status === 'done' ? 100 : job.percent) : 0;
  const phase = job ? (PHASES[job.phase] ? t(PHASES[job.phase]!) : job.phase) : '';
  return (
    <div
      className={`card progress-card train-progress${job?.status === 'failed' ? ' progress-failed' : ''}`}
      data-job-id={job?.id ?? ''}
      data-status={job?.status ?? 'unknown'}
      data-phase={job?.phase ?? ''}
      data-percent={percent}
    >
      <div className="row">
        <strong>{t('trainProgress')}</strong>
        <span className="progress-phase">{phase}</span>
        <span className="spacer" />
        <span className="num progress-percent">{percent}%</span>
      </div>
      <ProgressBar percent={percent} label={t('trainProgress')} />
      {job?.status === 'done' && job.version && <div className="ok">{t('trainDone', { v: job.version })}</div>}
      {job?.status === 'failed' && <TrainFailure job={job} />}
      {/* following the job failed (the server out of reach): said at once, as the job's own failure is, since the progress above stops moving */}
      {error !== null && (
        <div className="err" role="alert">
          {t('error')}: <ErrorText error={error} />
        </div>
      )}
    </div>
  );
}

const TRAIN_FAILURES: Record<string, MsgKey> = {
  nothing_to_learn: 'trainFailure_nothing_to_learn',
  document_erased: 'trainFailure_document_erased',
  training_failed: 'trainFailure_training_failed',
  training_thread_exited: 'trainFailure_training_thread_exited',
  internal_error: 'trainFailure_internal_error',
};

/**
 * Why the job failed, worded from its code in the page's language; the server's English sentence (for
 * operators) is on hover. A code this console does not know (a newer server's), or none (a job failed before
 * codes were kept), reads as a general sentence with the server's own words after it.
 */
function TrainFailure({ job }: { job: TrainJob }) {
  const { t } = useI18n();
  const key = job.errorCode ? TRAIN_FAILURES[job.errorCode] : undefined;
  return (
    <div className="err train-failure" role="alert" data-error-code={job.errorCode ?? ''} title={job.error ?? undefined}>
      {t('trainFailedWhy', { why: key ? t(key) : t('trainFailureUnknown') })}
      {!key && job.error && (
        <span className="error-detail">
          {t('trainFailureServerSaid')}
          <span lang="en">{job.error}</span>
          {t('trainFailureServerSaidEnd')}
        </span>
      )}
    </div>
  );
}

/** Why a re-tag job ran, as its heading says it. */
function retagReasonText(t: T, r: RetagReason | null): string {
  if (!r) return t('retagReason_unknown');
  if (r.kind === 'promote' || r.kind === 'rollback') return t(`retagReason_${r.kind}`, { v: r.version ?? '—', p: r.previous ?? '—' });
  return t(`retagReason_${r.kind}`);
}

/** Which documents a re-tag job took: its filters, or all of the tenant's. */
function retagScope(t: T, f: RetagJob['filter']): string {
  const parts = [
    f.channel ? t('retagScopePart', { name: t('channel'), value: f.channel }) : null,
    f.kind ? t('retagScopePart', { name: t('kind'), value: t(f.kind) }) : null,
    f.from ? t('retagScopePart', { name: t('from'), value: f.from }) : null,
    f.to ? t('retagScopePart', { name: t('to'), value: f.to }) : null,
  ].filter((p): p is string => p !== null);
  return parts.length > 0 ? parts.join(t('listSep')) : t('retagScopeAll');
}

const RETAG_STATUS: Record<RetagJob['status'], { key: MsgKey; badge: string }> = {
  running: { key: 'retagStatusRunning', badge: '' },
  done: { key: 'retagStatusDone', badge: ' badge-ok' },
  cancelled: { key: 'retagStatusCancelled', badge: ' badge-risk' },
};

/**
 * The tenant's latest re-tag jobs with their progress; running ones update until they are done (useRetagJobs).
 * A running job can be cancelled (a re-tag started on the wrong filter ties up the workers for hours): the
 * button asks first, in the job's own card, and the list is reloaded once the server has cancelled it.
 */
function RetagJobList({ jobs, error, onChanged }: { jobs: RetagJob[] | null; error: unknown; onChanged: () => void }) {
  const { t } = useI18n();
  const [asking, setAsking] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<{ id: string; job?: RetagJob; error?: unknown } | null>(null);
  const cancel = async (id: string) => {
    setCancelling(id);
    setOutcome(null);
    try {
      const job = await api.cancelRetagJob(id);
      setOutcome({ id, job });
    } catch (e) {
      setOutcome({ id, error: e });
    } finally {
      setAsking(null);
      setCancelling(null);
      onChanged();
    }
  };
  return (
    <section className="retag-jobs" data-section="retag-jobs" aria-labelledby="retag-jobs-title">
      <h3 id="retag-jobs-title">{t('retagJobsTitle')}</h3>
      {jobs === null && error === null && <div className="muted">{t('loading')}</div>}
      {jobs !== null && jobs.length === 0 && <div className="muted retag-jobs-empty">{t('retagJobsEmpty')}</div>}
      {jobs?.map((j) => {
        const status = RETAG_STATUS[j.status] ?? RETAG_STATUS.running;
        const label = retagReasonText(t, j.reason);
        const mine = outcome?.id === j.id ? outcome : null;
        return (
          <RetagBar key={j.id} className="card retag-job" progress={j} error={null} label={label}>
            <div className="small muted retag-job-meta">
              <span className={`badge${status.badge} retag-job-status`}>{t(status.key)}</span>{' '}
              <span className="nowrap">{t('retagStarted', { at: when(j.createdAt) })}</span>
              {' · '}
              {`${t('by')}: `}
              <span className="mono retag-job-by">{j.createdBy}</span>
              {' · '}
              <span className="retag-job-scope">{retagScope(t, j.filter)}</span>
            </div>
            {j.status === 'running' && asking !== j.id && (
              <div className="retag-job-actions">
                <button type="button" className="btn btn-small btn-danger" data-action="cancel-retag" aria-label={`${t('retagCancel')}: ${label}`} disabled={cancelling !== null} onClick={() => setAsking(j.id)}>
                  {t('retagCancel')}
                </button>
              </div>
            )}
            {asking === j.id && j.status === 'running' && (
              <div className="retag-job-confirm" role="group" aria-label={t('retagCancel')}>
                <p className="small">{t('retagCancelAsk')}</p>
                <button type="button" className="btn btn-small" data-action="keep-retag" autoFocus disabled={cancelling === j.id} onClick={() => setAsking(null)}>
                  {t('retagCancelNo')}
                </button>{' '}
                <button type="button" className="btn btn-small btn-danger-fill" data-action="confirm-cancel-retag" aria-disabled={cancelling === j.id || undefined} onClick={() => void (cancelling === null && cancel(j.id))}>
                  {cancelling === j.id ? t('retagCancelling') : t('retagCancelYes')}
                </button>
              </div>
            )}
            {mine?.job && (
              <div className="small ok retag-job-notice" role="status">
                {t('retagCancelled', { done: mine.job.done, total: mine.job.total })}
              </div>
            )}
            {mine?.error !== undefined && (
              <div className="err retag-job-notice" role="alert">
                {t('error')}: <ErrorText error={mine.error} />
              </div>
            )}
          </RetagBar>
        );
      })}
      {error !== null && (
        <div className="err" role="alert">
          {t('error')}: <ErrorText error={error} />
        </div>
      )}
    </section>
  );
}

const COLUMNS = 9;

function VersionTable({
  data,
  busy,
  refusals,
  newVersion,
  onPromote,
}: {
  data: ModelList;
  busy: string | null;
  refusals: Record<string, Refusal>;
  newVersion: string | null;
  onPromote: (version: string) => void;
}) {
  const { t } = useI18n();
  if (data.versions.length === 0) return <div className="empty models-empty">{t('noVersions')}</div>;
  return (
    <div className="table-scroll">
      <table className="grid models-table">
        <thead>
          <tr>
            <th>{t('version')}</th>
            <th>{t('parentVersion')}</th>
            <th>{t('createdAt')}</th>
            <th className="num">{t('correctionsCount')}</th>
            <th className="num" title={t('metricsArrow')}>
              {t('regressionOverall')}
              <div className="small muted">{t('metricsArrow')}</div>
            </th>
            <th className="num" title={t('metricsArrow')}>
              {t('correctionsOverall')}
              <div className="small muted">{t('metricsArrow')}</div>
            </th>
            <th className="num" title={t('metricsArrow')}>
              {t('reviewedOverall')}
              <div className="small muted">{t('metricsArrow')}</div>
            </th>
            <th>{t('gate')}</th>
            <th>{t('actions')}</th>
          </tr>
        </thead>
        <tbody>
          {data.versions.map((v) => (
            <VersionRows key={v.version} v={v} active={data.active} busy={busy} refusal={refusals[v.version]} isNew={v.version === newVersion} onPromote={onPromote} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function VersionRows({
  v,
  active,
  busy,
  refusal,
  isNew,
  onPromote,
}: {
  v: ModelVersion;
  active: string;
  busy: string | null;
  refusal: Refusal | undefined;
  isNew: boolean;
  onPromote: (version: string) => void;
}) {
  const { t } = useI18n();
  // Retired versions too: after a rollback the API re-promotes one whose parent is active again (and says why not otherwise).
  // A withdrawn version has no weights left to tag with: nothing to promote.
  const canPromote = !v.active && v.status !== 'withdrawn';
  // Disabled rather than left to fail: the refusal is certain, and the reason is already on the row.
  const block = canPromote ? promoteBlock(t, v, active) : null;
  const reasonsId = `gate-reasons-${v.version}`;
  const summary = refusal ? refusalSummary(t, refusal, v, active) : null;
  return (
    <>
      <tr
        data-version={v.version}
        data-active={String(v.active)}
        data-status={v.status}
        data-gate={v.gate.passes ? 'pass' : 'fail'}
        className={[v.active ? 'row-active' : '', isNew ? 'row-new' : '', refusal ? 'row-refused' : ''].filter(Boolean).join(' ')}
      >
        <td>
          <span className="mono version-id">{v.version}</span>{' '}
          {v.active ? (
            <span className="badge badge-ok badge-active">{t('activeBadge')}</span>
          ) : v.status === 'withdrawn' ? (
            <>
              <span className="badge badge-risk badge-status">{t('statusWithdrawn')}</span>
              {/* Visible, not a title: why it cannot be promoted must reach touch screens too. */}
              <div className="small muted withdrawn-note">{t('withdrawnNote', { at: when(v.withdrawnAt ?? null) })}</div>
            </>
          ) : v.status === 'retired' ? (
            <span className="badge badge-status">{t('statusRetired')}</span>
          ) : (
            <span className="badge badge-kind badge-status">{t('statusCandidate')}</span>
          )}
        </td>
        <td className="mono version-id">{v.parent}</td>
        <td>
          <span className="nowrap">{when(v.createdAt)}</span>
          {v.createdBy && <div className="small muted">{`${t('by')}: ${v.createdBy}`}</div>}
        </td>
        <td className="num">{v.counts.corrections}</td>
        <MetricCell
          name="regression"
          before={v.parentMetrics?.regression.overall}
          after={v.metrics.regression.overall}
          n={v.metrics.regression.n}
        />
        <MetricCell
          name="corrections"
          before={v.parentMetrics?.corrections.overall}
          after={v.metrics.corrections.overall}
          n={v.metrics.corrections.n}
        />
        <MetricCell name="reviewed" before={v.parentMetrics?.reviewed?.overall} after={v.metrics.reviewed?.overall ?? null} n={v.metrics.reviewed?.n ?? 0} />
        <td className="gate-cell">
          <span className={`badge ${v.gate.passes ? 'badge-ok' : 'badge-risk'} badge-gate`}>{v.gate.passes ? t('gatePass') : t('gateFail')}</span>
          {v.gate.reasons.length > 0 && (
            <ul className="gate-reasons small muted" id={reasonsId}>
              {v.gate.reasons.map((r, i) => {
                const d = v.gate.details?.[i];
                return (
                  <li key={i} data-reason-code={d?.code ?? undefined}>
                    {d?.code ? gateReasonText(t, d.code, d.params) : r}
                    {d?.code === 'only_added' && <LexiconLink />}
                  </li>
                );
              })}
            </ul>
          )}
          {(v.counts.addedNotGated ?? 0) > 0 && (
            <p className="gate-note small muted" data-note="added-not-gated">
              {t('gateNoteAddedNotGated', { n: v.counts.addedNotGated! })}
              {/* Once per row: the only_added reason above carries it when there is one. */}
              {!v.gate.details?.some((d) => d.code === 'only_added') && <LexiconLink />}
            </p>
          )}
        </td>
        <td>
          {canPromote && (
            <>
              <button
                className="btn btn-small"
                data-action="promote"
                disabled={busy !== null || block !== null}
                title={block?.long}
                aria-describedby={block && !v.gate.passes ? reasonsId : undefined}
                onClick={() => onPromote(v.version)}
              >
                {busy === v.version ? t('promoting') : t('promote')}
              </button>
              {/* Touch screens show no title, so the short reason is on the row too. */}
              {block && (
                <div className="small muted promote-blocked" title={block.long}>
                  {block.short}
                </div>
              )}
            </>
          )}
        </td>
      </tr>
      {refusal && summary && (
        <tr className="row-refusal" data-refusal-for={v.version}>
          <td colSpan={COLUMNS}>
            <div className="alert alert-error refusal" role="alert" tabIndex={-1} data-code={refusal.error.code} title={refusal.error.message}>
              <strong>{t('promoteRefused')}</strong>: <span className="refusal-message">{summary.text}</span>
              {summary.detail && <span className="error-detail">{t('errDetail', { detail: summary.detail })}</span>}
              <RefusalDetails details={refusal.error.details} />
            </div>
          </td>
        </tr>
      )}
    </>
  );
}

/** Gate reasons worded from their code like the gate column; the stale-parent detail is the headline already. */
function RefusalDetails({ details }: { details: ErrorDetail[] }) {
  const { t } = useI18n();
  const items = details.filter((d) => d.field !== 'parent' && (isGateCode(d.code) || d.message));
  if (items.length === 0) return null;
  return (
    <ul className="refusal-details">
      {items.map((d, i) => (
        <li key={i} data-field={d.field ?? ''} data-reason-code={isGateCode(d.code) ? d.code : undefined}>
          {isGateCode(d.code) ? gateReasonText(t, d.code, d.params ?? {}) : d.message}
        </li>
      ))}
    </ul>
  );
}

/** Missed opinions are taught through the lexicon, not retraining: the admin area's page for it (this page is admins' only). */
function LexiconLink() {
  const { t } = useI18n();
  return (
    <>
      {' '}
      <a href={href('admin/lexicon')} className="lexicon-link" data-link="lexicon">
        {t('gateLexiconLink')}
      </a>
    </>
  );
}

function MetricCell({ name, before, after, n }: { name: string; before: number | null | undefined; after: number | null; n: number }) {
  const { t } = useI18n();
  const dir = before === null || before === undefined || after === null ? null : after > before ? 'up' : after < before ? 'down' : null;
  const cls = dir === 'up' ? 'pol-positive' : dir === 'down' ? 'pol-negative' : '';
  // the direction in a sign as well as a colour: red and green alone are lost on colour-blind readers,
  // in greyscale and to screen readers
  return (
    <td className="num metric" data-metric={name} title={t('sampleN', { n })}>
      <span className="muted">{pct(before)}</span> → <b className={cls}>{pct(after)}</b>
      {dir && (
        <span className={cls} role="img" aria-label={t(dir === 'up' ? 'metricUp' : 'metricDown')} data-direction={dir}>
          {dir === 'up' ? ' ▲' : ' ▼'}
        </span>
      )}
    </td>
  );
}
