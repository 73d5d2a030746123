import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { api, ApiError, type RetagJob, type RetagProgress } from './api';
import { ErrorText } from './error-text';
import { useI18n } from './i18n';

// Following a server job (training, re-tag) from the pages that start one: the models page and the admin
// lexicon page.

const POLL_MS = 1000;

export const clampPercent = (p: number) => Math.max(0, Math.min(100, Math.round(p)));

/** Done, or cancelled by an admin: either way nothing more happens to it. */
export const retagFinished = (r: RetagProgress) => r.status !== 'running';

export interface Polled<T> {
  value: T | null;
  error: unknown;
  /** The server no longer knows the id (4xx): polling stopped. */
  gone: boolean;
}

/**
 * Polls `load(id)` every second until `finished` says so; a new id restarts it, null stops it. `load` and
 * `finished` must be stable (module-level or memoized): they are effect dependencies.
 */
export function usePoll<T>(id: string | null, load: (id: string) => Promise<T>, finished: (v: T) => boolean): Polled<T> {
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
        setState((s) => ({ ...s, id, error: e, gone }));
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

export interface RetagJobs {
  /** The latest jobs, newest first; null until the first answer. */
  jobs: RetagJob[] | null;
  error: unknown;
  /** Loads the list again (and follows it while a job runs): after this page started a job. */
  refresh: () => void;
}

/**
 * The tenant's latest `limit` re-tag jobs (GET /v1/retag-jobs), whoever started them: loaded when the page
 * opens and polled every second while any of them runs; nothing is polled once none does. The list shown
 * stays while it is reloaded. A 4xx stops it (no admin role, or the server lacks the list).
 */
export function useRetagJobs(limit: number): RetagJobs {
  const [state, setState] = useState<{ jobs: RetagJob[] | null; error: unknown }>({ jobs: null, error: null });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try {
        const page = await api.retagJobs({ limit });
        if (!live) return;
        setState({ jobs: page.items, error: null });
        if (!page.items.some((j) => j.status === 'running')) return;
      } catch (e) {
        if (!live) return;
        setState((s) => ({ ...s, error: e }));
        if (e instanceof ApiError && e.status >= 400 && e.status < 500) return;
      }
      timer = setTimeout(() => void tick(), POLL_MS);
    };
    void tick();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [limit, round]);
  // Back on the tab: another admin may have started a job meanwhile (one request, polling only if one runs).
  useEffect(() => {
    const onVisible = () => {
      if (document.visibilityState === 'visible') setRound((r) => r + 1);
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, []);
  const refresh = useCallback(() => setRound((r) => r + 1), []);
  return { ...state, refresh };
}

export function ProgressBar({ percent, label }: { percent: number; label: string }) {
  return (
    <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
      <div className="progress-fill" style={{ width: `${percent}%` }} />
    </div>
  );
}

/**
 * A re-tag job's progress; `done` is what the page says once it has finished, if anything. `label` names the
 * job where several are shown (heading and progress bar); `children` go below the bar.
 */
export function RetagBar({
  progress,
  error,
  className,
  done,
  label,
  children,
}: {
  progress: RetagProgress | null;
  error: unknown;
  className: string;
  done?: (total: number) => ReactNode;
  label?: string;
  children?: ReactNode;
}) {
  const { t } = useI18n();
  const percent = progress ? clampPercent(progress.total ? (progress.done / progress.total) * 100 : 100) : 0;
  const name = label ?? t('retagProgress');
  return (
    <div className={`progress-card retag-progress ${className}`} data-job-id={progress?.id ?? ''} data-status={progress?.status ?? 'unknown'} data-percent={percent}>
      <div className="row">
        <strong>{name}</strong>
        {progress && (
          <span className="num">
            {progress.done} / {progress.total}
          </span>
        )}
        {progress && progress.failed > 0 && <span className="err">{t('retagFailedN', { n: progress.failed })}</span>}
        <span className="spacer" />
        <span className="num progress-percent">{percent}%</span>
      </div>
      <ProgressBar percent={percent} label={name} />
      {children}
      {done && (
        <div role="status" className="small">
          {progress?.status === 'done' && done(progress.total)}
        </div>
      )}
      {/* following the job failed: said at once, since the progress above stops moving */}
      {error !== null && (
        <div className="err" role="alert">
          {t('error')}: <ErrorText error={error} />
        </div>
      )}
    </div>
  );
}
