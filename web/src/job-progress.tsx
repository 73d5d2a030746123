import { useEffect, useState, type ReactNode } from 'react';
import { ApiError, type RetagProgress } from './api';
import { ErrorText } from './error-text';
import { useI18n } from './i18n';

// Following a server job (training, re-tag) from the pages that start one: the models page and the admin
// lexicon page.

const POLL_MS = 1000;

export const clampPercent = (p: number) => Math.max(0, Math.min(100, Math.round(p)));

export const retagFinished = (r: RetagProgress) => r.status === 'done';

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

export function ProgressBar({ percent, label }: { percent: number; label: string }) {
  return (
    <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
      <div className="progress-fill" style={{ width: `${percent}%` }} />
    </div>
  );
}

/** A re-tag job's progress; `done` is what the page says once it has finished, if anything. */
export function RetagBar({ progress, error, className, done }: { progress: RetagProgress | null; error: unknown; className: string; done?: (total: number) => ReactNode }) {
  const { t } = useI18n();
  const percent = progress ? clampPercent(progress.total ? (progress.done / progress.total) * 100 : 100) : 0;
  return (
    <div className={`progress-card retag-progress ${className}`} data-job-id={progress?.id ?? ''} data-status={progress?.status ?? 'unknown'} data-percent={percent}>
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
      {done && (
        <div role="status" className="small">
          {progress?.status === 'done' && done(progress.total)}
        </div>
      )}
      {error !== null && (
        <div className="err">
          {t('error')}: <ErrorText error={error} />
        </div>
      )}
    </div>
  );
}
