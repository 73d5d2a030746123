import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, type GateReasonCode, type ModelList, type ModelVersion, type RetagProgress, type TrainJob } from './api';
import { useI18n, type MsgKey } from './i18n';

const POLL_MS = 1000;
// The running training job survives a reload of the page (per browser tab, like the API key).
const JOB_STORAGE = 'guandian.trainJob';

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

const when = (iso: string | null) => (iso ? iso.slice(0, 16).replace('T', ' ') : '—');
/** Scores are 0..1; an empty slice has none. */
const pct = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)}%`);
type T = ReturnType<typeof useI18n>['t'];

/** A gate reason in the page's language, from the API's code and params (the English message is the fallback). */
function gateReasonText(t: T, code: GateReasonCode, params: Record<string, string | number>): string {
  const task = typeof params.task === 'string' && (params.task === 'sentimentAccuracy' || params.task === 'categoryAccuracy') ? t(`gateTask_${params.task}`) : params.task;
  return t(`gateReason_${code}`, { ...params, ...(task !== undefined ? { task } : {}) });
}

const clampPercent = (p: number) => Math.max(0, Math.min(100, Math.round(p)));

const trainFinished = (j: TrainJob) => j.status === 'done' || j.status === 'failed';
const retagFinished = (r: RetagProgress) => r.status === 'done';

interface Polled<T> {
  value: T | null;
  error: string | null;
  /** The server no longer knows the id (4xx): polling stopped. */
  gone: boolean;
}

/** Polls `load(id)` every second until `finished` says so; a new id restarts it, null stops it. */
function usePoll<T>(id: string | null, load: (id: string) => Promise<T>, finished: (v: T) => boolean): Polled<T> {
  const [state, setState] = useState<Polled<T> & { id: string | null }>({ id: null, value: null, error: null, gone: false });
  useEffect(() => {
    if (!id) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    setState({ id, value: null, error: null, gone: false });
    const tick = async () => {
      try {
        const v = await load(id);
        if (!live) return;
        setState({ id, value: v, error: null, gone: false });
        if (finished(v)) return;
      } catch (e) {
        if (!live) return;
        const gone = e instanceof ApiError && e.status >= 400 && e.status < 500;
        setState((s) => ({ ...s, id, error: (e as Error).message, gone }));
        if (gone) return;
      }
      timer = setTimeout(() => void tick(), POLL_MS);
    };
    void tick();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [id, load, finished]);
  return state.id === id ? state : { value: null, error: null, gone: false };
}

interface Refusal {
  code: string;
  message: string;
  details: { field?: string; message: string }[];
}

/** Kept untranslated so the language switch re-renders it; `detail` is the server's own message. */
type Notice = { key: MsgKey; vars?: Record<string, string>; detail?: string; error?: boolean } | null;

/** Admin page: retrain from corrections, compare each version with its parent, promote or roll back. */
export function ModelsPage() {
  const { t } = useI18n();
  const [data, setData] = useState<ModelList | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [jobId, setJobId] = useState<string | null>(() => sessionStorage.getItem(JOB_STORAGE));
  const [retagId, setRetagId] = useState<string | null>(null);
  // 'train', 'rollback' or the version being promoted.
  const [busy, setBusy] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice>(null);
  const [refusals, setRefusals] = useState<Record<string, Refusal>>({});

  const load = useCallback(async () => {
    try {
      setData(await api.models());
      setLoadError(null);
    } catch (e) {
      setLoadError((e as Error).message);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const job = usePoll(jobId, api.trainJob, trainFinished);
  const retag = usePoll(retagId, api.retagJob, retagFinished);

  const jobStatus = job.value?.status;
  useEffect(() => {
    if (jobStatus === 'done' || jobStatus === 'failed' || job.gone) sessionStorage.removeItem(JOB_STORAGE);
    // The new version's row appears once the job has saved it.
    if (jobStatus === 'done') void load();
  }, [jobStatus, job.gone, load]);

  const training = jobId !== null && !job.gone && (job.value === null || !trainFinished(job.value));

  const train = async () => {
    setBusy('train');
    setNotice(null);
    try {
      const r = await api.trainModel();
      sessionStorage.setItem(JOB_STORAGE, r.id);
      setJobId(r.id);
    } catch (e) {
      setNotice({ key: 'error', detail: (e as Error).message, error: true });
    } finally {
      setBusy(null);
    }
  };

  const promote = async (version: string) => {
    setBusy(version);
    setNotice(null);
    setRefusals(({ [version]: _, ...rest }) => rest);
    try {
      const r = await api.promoteModel(version);
      setNotice({ key: 'promoted', vars: { v: r.active, p: r.previous } });
      if (r.retagJob) setRetagId(r.retagJob.id);
    } catch (e) {
      const err = e as Error;
      if (err instanceof ApiError && err.status === 409) {
        const details = err.details
          .map((d) => ({ field: d.field, message: d.message ?? d.field ?? '' }))
          .filter((d) => d.message);
        setRefusals((m) => ({ ...m, [version]: { code: err.code, message: err.message, details } }));
      } else {
        setNotice({ key: 'error', detail: err.message, error: true });
      }
    } finally {
      setBusy(null);
    }
    await load();
  };

  const rollback = async () => {
    setBusy('rollback');
    setNotice(null);
    try {
      const r = await api.rollbackModel();
      setNotice({ key: 'rolledBack', vars: { v: r.active, p: r.previous } });
      if (r.retagJob) setRetagId(r.retagJob.id);
    } catch (e) {
      setNotice({ key: 'error', detail: (e as Error).message, error: true });
    } finally {
      setBusy(null);
    }
    await load();
  };

  return (
    <div className="page page-pad models-page">
      <h2>{t('modelsTitle')}</h2>
      <p className="muted">{t('modelsHint')}</p>
      {loadError && (
        <div className="alert alert-error" role="alert">
          {t('error')}: {loadError}{' '}
          <button className="btn btn-small" onClick={() => void load()}>
            {t('retry')}
          </button>
        </div>
      )}
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
        <button className="btn btn-primary" data-action="train" disabled={busy !== null || training} onClick={() => void train()}>
          {t('trainNew')}
        </button>
        {data && data.active !== data.base && (
          <button className="btn" data-action="rollback" disabled={busy !== null} onClick={() => void rollback()}>
            {busy === 'rollback' ? t('rollingBack') : t('rollback')}
          </button>
        )}
        {notice && (
          <span className={notice.error ? 'err' : 'ok'} role="status" data-notice={notice.error ? 'error' : 'ok'}>
            {t(notice.key, notice.vars)}
            {notice.detail ? `: ${notice.detail}` : ''}
          </span>
        )}
      </div>
      {jobId && (job.value || job.error) && <TrainProgress job={job.value} error={job.error} />}
      {retagId && (retag.value || retag.error) && <RetagBar progress={retag.value} error={retag.error} />}
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

function ProgressBar({ percent, label }: { percent: number; label: string }) {
  return (
    <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
      <div className="progress-fill" style={{ width: `${percent}%` }} />
    </div>
  );
}

function TrainProgress({ job, error }: { job: TrainJob | null; error: string | null }) {
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
      {job?.status === 'failed' && (
        <div className="err" role="alert">
          {t('trainFailed')}
          {job.error ? `: ${job.error}` : ''}
        </div>
      )}
      {error && (
        <div className="err">
          {t('error')}: {error}
        </div>
      )}
    </div>
  );
}

function RetagBar({ progress, error }: { progress: RetagProgress | null; error: string | null }) {
  const { t } = useI18n();
  const percent = progress ? clampPercent(progress.total ? (progress.done / progress.total) * 100 : 100) : 0;
  return (
    <div className="card progress-card retag-progress" data-job-id={progress?.id ?? ''} data-status={progress?.status ?? 'unknown'} data-percent={percent}>
      <div className="row">
        <strong>{t('retagProgress')}</strong>
        {progress && (
          <span className="num">
            {progress.done} / {progress.total}
          </span>
        )}
        {progress && progress.failed > 0 && <span className="err">{t('retagFailedN', { n: progress.failed })}</span>}
        <span className="spacer" />
        <span className="num progress-percent">{percent}%</span>
      </div>
      <ProgressBar percent={percent} label={t('retagProgress')} />
      {error && (
        <div className="err">
          {t('error')}: {error}
        </div>
      )}
    </div>
  );
}

const COLUMNS = 8;

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
            <VersionRows key={v.version} v={v} busy={busy} refusal={refusals[v.version]} isNew={v.version === newVersion} onPromote={onPromote} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function VersionRows({
  v,
  busy,
  refusal,
  isNew,
  onPromote,
}: {
  v: ModelVersion;
  busy: string | null;
  refusal: Refusal | undefined;
  isNew: boolean;
  onPromote: (version: string) => void;
}) {
  const { t } = useI18n();
  // Retired versions too: after a rollback the API re-promotes one whose parent is active again (and says why not otherwise).
  const canPromote = !v.active;
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
          <span className="mono nowrap">{v.version}</span>{' '}
          {v.active ? (
            <span className="badge badge-ok badge-active">{t('activeBadge')}</span>
          ) : v.status === 'retired' ? (
            <span className="badge badge-status">{t('statusRetired')}</span>
          ) : (
            <span className="badge badge-kind badge-status">{t('statusCandidate')}</span>
          )}
        </td>
        <td className="mono nowrap">{v.parent}</td>
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
            <ul className="gate-reasons small muted">
              {v.gate.reasons.map((r, i) => {
                const d = v.gate.details?.[i];
                return (
                  <li key={i} data-reason-code={d?.code ?? undefined}>
                    {d?.code ? gateReasonText(t, d.code, d.params) : r}
                  </li>
                );
              })}
            </ul>
          )}
        </td>
        <td>
          {canPromote && (
            <button className="btn btn-small" data-action="promote" disabled={busy !== null} onClick={() => onPromote(v.version)}>
              {busy === v.version ? t('promoting') : t('promote')}
            </button>
          )}
        </td>
      </tr>
      {refusal && (
        <tr className="row-refusal" data-refusal-for={v.version}>
          <td colSpan={COLUMNS}>
            <div className="alert alert-error refusal" role="alert" data-code={refusal.code}>
              <strong>{t('promoteRefused')}</strong>: <span className="refusal-message">{refusal.message}</span>
              {refusal.details.length > 0 && (
                <ul className="refusal-details">
                  {refusal.details.map((d, i) => (
                    <li key={i} data-field={d.field ?? ''}>
                      {d.message}
                    </li>
                  ))}
                </ul>
              )}
            </div>
          </td>
        </tr>
      )}
    </>
  );
}

function MetricCell({ name, before, after, n }: { name: string; before: number | null | undefined; after: number | null; n: number }) {
  const { t } = useI18n();
  const cls = before === null || before === undefined || after === null ? '' : after > before ? 'pol-positive' : after < before ? 'pol-negative' : '';
  return (
    <td className="num metric" data-metric={name} title={t('sampleN', { n })}>
      <span className="muted">{pct(before)}</span> → <b className={cls}>{pct(after)}</b>
    </td>
  );
}
