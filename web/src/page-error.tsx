import { Component, lazy, useEffect, type ComponentType, type ErrorInfo, type LazyExoticComponent, type ReactNode } from 'react';
import { ApiError } from './api';
import { track } from './settled';
import { ErrorText } from './error-text';
import { useI18n } from './i18n';

/**
 * The one way a page says that loading failed: "出错了: …" in the page area with 重试 (unless the request was refused), so the top bar
 * and the rest of the console stay usable and the reader need not reload to try again.
 */
export function ErrorPanel({ error, onRetry, children }: { error: unknown; onRetry?: () => void; children?: ReactNode }) {
  const { t } = useI18n();
  // A request the server refused as it stands (a filter it cannot read: `?minConfidence=abc`, `from` after
  // `to`) fails the same way however often it is sent: no 重试 for it, the message says what to change.
  const refused = error instanceof ApiError && (error.status === 400 || error.status === 422);
  return (
    <div className="alert alert-error error-panel" role="alert">
      {t('error')}: <ErrorText error={error} />
      {children}
      {onRetry && !refused && (
        <>
          {' '}
          <button type="button" className="btn btn-small" data-action="retry" onClick={onRetry}>
            {t('retry')}
          </button>
        </>
      )}
    </div>
  );
}

/** A dynamic import that failed to load its chunk (network gone, or a redeploy renamed the file). */
export function isChunkError(e: unknown): boolean {
  const m = e instanceof Error ? e.message : String(e);
  return /dynamically imported module|Importing a module script failed|module script|Failed to load module/i.test(m);
}

/** The chunk's URL as the browser names it in the error, when it does. */
function failedUrl(e: unknown): string | null {
  const m = e instanceof Error ? e.message : '';
  const u = /(https?:\/\/\S+?\.js)\b/.exec(m);
  return u ? u[1]! : null;
}

const retryables = new Set<{ retry: () => void }>();

/**
 * The loaded page, still in flight for the settled signal (settled.ts) until it has mounted: React reveals
 * content that waited for its code only some time after the code came (it holds a Suspense fallback on screen
 * for about 300 ms), and meanwhile the console showed 加载中… under a page that had settled. Going to another
 * route before then ends the wait too, as the page will not mount.
 */
function shownWhenMounted<P extends object>(Page: ComponentType<P>): ComponentType<P> {
  let shown = (): void => undefined;
  void track(
    new Promise<void>((resolve) => {
      shown = () => {
        window.removeEventListener('hashchange', shown);
        resolve();
      };
      window.addEventListener('hashchange', shown);
    }),
  );
  return function Shown(props: P) {
    useEffect(() => shown(), []);
    return <Page {...props} />;
  };
}

/**
 * React.lazy keeps a failed import's rejection forever, so a retry builds a new lazy component. If the
 * browser answers the same import with the same failure again (it may keep a failed module fetch for its
 * URL), the chunk is asked for under a fresh query string; the pieces it shares with the app keep their
 * own URLs, so the page still shares the app's React and state.
 */
export function retryableLazy<P extends object, M extends Record<string, unknown>>(load: () => Promise<M>, name: keyof M & string): ComponentType<P> {
  let attempt = 0;
  let failed = false;
  const make = (): LazyExoticComponent<ComponentType<P>> =>
    lazy(async () => {
      let mod: M;
      try {
        try {
          // in flight for the page's settled signal (settled.ts) like any request
          mod = await track(load());
        } catch (e) {
          const url = attempt > 0 ? failedUrl(e) : null;
          if (!url) throw e;
          mod = (await track(import(/* @vite-ignore */ `${url}?retry=${attempt}`))) as M;
        }
      } catch (e) {
        failed = true;
        throw e;
      }
      return { default: shownWhenMounted(mod[name] as ComponentType<P>) };
    });
  let current = make();
  retryables.add({
    retry: () => {
      if (!failed) return;
      failed = false;
      attempt++;
      current = make();
    },
  });
  return (props: P) => {
    const C = current as unknown as ComponentType<P>;
    return <C {...props} />;
  };
}

/** Lets every lazy page try its import again (the boundary does not know which one failed). */
function retryAllLazy(): void {
  for (const r of retryables) r.retry();
}

interface BoundaryState {
  error: unknown;
  hasError: boolean;
}

/**
 * Catches what a page throws while rendering or loading its code, and shows it inside the page area.
 * Keyed by the route's section in the shell, so going to another page starts clean.
 */
export class PageBoundary extends Component<{ children: ReactNode }, BoundaryState> {
  override state: BoundaryState = { error: null, hasError: false };

  static getDerivedStateFromError(error: unknown): BoundaryState {
    return { error, hasError: true };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error('page failed', error, info.componentStack);
  }

  retry = () => {
    retryAllLazy();
    this.setState({ error: null, hasError: false });
  };

  override render() {
    if (!this.state.hasError) return this.props.children;
    return (
      <div className="page page-pad">
        <PageCrash error={this.state.error} onRetry={this.retry} />
      </div>
    );
  }
}

function PageCrash({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const { t } = useI18n();
  if (!isChunkError(error)) return <ErrorPanel error={error} onRetry={onRetry} />;
  return (
    <div className="alert alert-error error-panel" role="alert" data-error-code="chunk">
      {t('error')}: {t('chunkFailed')}{' '}
      <button type="button" className="btn btn-small" data-action="retry" onClick={onRetry}>
        {t('retry')}
      </button>{' '}
      <button type="button" className="btn btn-small" data-action="reload" onClick={() => location.reload()}>
        {t('reloadPage')}
      </button>
    </div>
  );
}
