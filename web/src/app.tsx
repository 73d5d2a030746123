import { Suspense, useCallback, useEffect, useState, type FormEvent } from 'react';
import { AnnouncerProvider } from './announcer';
import { api, ApiError, setUnauthorizedHandler, storedKey, storeKey, type Me } from './api';
import { AppDataContext, canAnalyze, canLabel, isAdmin } from './app-data';
import { clearDocCache } from './doc-cache';
import { CasesPage } from './cases-page';
import { DocPage } from './doc-page';
import { ExportPage } from './export-page';
import { FeedPage, forgetFeed } from './feed-page';
import { roleKey, TEXT_LANG, useI18n, type MsgKey } from './i18n';
import { IngestPage } from './ingest-page';
import { LabelPage } from './label-page';
import { ModelsPage } from './models-page';
import { PageBoundary, retryableLazy } from './page-error';
import { href, navigate, useRoute, type Route } from './router';
import { ErrorText } from './error-text';
import { setDisplayZone } from './time';
import { adminSection, ADMIN_SECTIONS } from './admin/sections';

// ECharts is most of the bundle; only the dashboard needs it.
// A chunk that fails to load (server gone, or renamed by a redeploy) is caught by PageBoundary, and its
// retry imports it again.
const DashboardPage = retryableLazy<{ route: Route }, typeof import('./dashboard-page')>(() => import('./dashboard-page'), 'DashboardPage');
const NpsPage = retryableLazy<{ route: Route }, typeof import('./nps-page')>(() => import('./nps-page'), 'NpsPage');
const JourneyPage = retryableLazy<{ customerId: string }, typeof import('./journey-page')>(() => import('./journey-page'), 'JourneyPage');
const AdminPage = retryableLazy<{ route: Route }, typeof import('./admin/admin-page')>(() => import('./admin/admin-page'), 'AdminPage');

/** The document title of web/index.html: the product, in both languages. */
const BRAND_TITLE = '观点 Guandian';

/**
 * out: `ended` when a signed-in session's key was refused (revoked, expired), not a sign-in that failed;
 * `key` when the server could not answer for a key it did not refuse, kept in the form for another try.
 */
type Session = { state: 'checking' } | { state: 'out'; error?: unknown; ended?: boolean; key?: string } | { state: 'in'; me: Me };

export function App() {
  const { t, setCategories } = useI18n();
  const [session, setSession] = useState<Session>(() => (storedKey() ? { state: 'checking' } : { state: 'out' }));
  const [channels, setChannels] = useState<string[]>([]);

  const signOut = useCallback((error?: unknown, ended?: boolean) => {
    storeKey(null);
    clearDocCache();
    forgetFeed();
    setSession({ state: 'out', error, ended });
  }, []);

  useEffect(() => {
    // A key revoked or expired while in use: back to sign-in, saying why (it used to just show an empty form).
    setUnauthorizedHandler((error) => signOut(error, true));
    return () => setUnauthorizedHandler(null);
  }, [signOut]);

  const start = useCallback(
    async (key: string) => {
      try {
        const me = await api.me(key);
        setDisplayZone(me.timeZone);
        storeKey(key);
        setSession({ state: 'in', me });
        if (canAnalyze(me)) {
          api.taxonomy().then((tx) => setCategories(tx.categories), () => undefined);
          // Channel suggestions for filters; a missing stats route must not block the console.
          api.summary({}).then((s) => setChannels(s.byChannel.map((c) => c.channel)), () => undefined);
        }
      } catch (e) {
        // Only a key the server refused is forgotten. One it could not answer for (unreachable, restarting,
        // over the rate limit) stays: a reload then wiped the tab's key, and the analyst had to find it again.
        const refused = e instanceof ApiError && (e.status === 401 || e.status === 403);
        if (refused) storeKey(null);
        setSession({ state: 'out', error: e, ...(refused ? {} : { key }) });
      }
    },
    [setCategories],
  );

  useEffect(() => {
    const key = storedKey();
    if (key) void start(key);
  }, [start]);

  if (session.state === 'checking') return <div className="center muted">{t('loading')}</div>;
  if (session.state === 'out') return <SignIn error={session.error} ended={session.ended} initialKey={session.key} onSubmit={(k) => { setSession({ state: 'checking' }); void start(k); }} />;

  const { me } = session;
  return (
    <AppDataContext.Provider value={{ me, channels }}>
      <AnnouncerProvider>
        <Shell me={me} onSignOut={() => signOut()} />
      </AnnouncerProvider>
    </AppDataContext.Provider>
  );
}

function SignIn({ error, ended, initialKey, onSubmit }: { error?: unknown; ended?: boolean; initialKey?: string; onSubmit: (key: string) => void }) {
  const { t } = useI18n();
  const [key, setKey] = useState(initialKey ?? '');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (key.trim()) onSubmit(key.trim());
  };
  return (
    <div className="signin">
      <form className="card signin-card" onSubmit={submit}>
        <div className="brand brand-lg">
          <span lang={TEXT_LANG} className="brand-zh">观点</span> <span lang="en">Guandian</span>
        </div>
        <label className="field">
          <span>{t('apiKey')}</span>
          <input type="password" name="apiKey" autoComplete="off" autoFocus value={key} onChange={(e) => setKey(e.target.value)} />
        </label>
        <p className="muted small">{t('apiKeyHint')}</p>
        {error !== undefined && (
          <div className="alert alert-error" role="alert">
            {t(ended ? 'sessionEnded' : 'signInFailed')}: <ErrorText error={error} />
          </div>
        )}
        <div className="row">
          <button className="btn btn-primary" type="submit">
            {t('signIn')}
          </button>
          <span className="spacer" />
          <LangSwitch />
        </div>
      </form>
    </div>
  );
}

/** Names the other language in that language, so its lang attribute is the other one too. */
function LangSwitch() {
  const { t, lang, setLang } = useI18n();
  return (
    <button type="button" className="btn btn-link" lang={lang === 'zh' ? 'en' : TEXT_LANG} onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')} data-action="lang">
      {t('language')}
    </button>
  );
}

interface NavItem {
  path: string;
  label: MsgKey;
  /** Where the link goes, when not to the section itself (the admin area opens at its first sub-page). */
  to?: string;
}

function Shell({ me, onSignOut }: { me: Me; onSignOut: () => void }) {
  const { t, lang } = useI18n();
  const route = useRoute();
  const nav: NavItem[] = [];
  if (canAnalyze(me)) nav.push({ path: 'feed', label: 'navFeed' }, { path: 'dashboard', label: 'navDashboard' }, { path: 'nps', label: 'navNps' });
  if (canLabel(me)) nav.push({ path: 'label', label: 'navLabel' });
  // a team's queue of complaints: GET /v1/cases answers analysts and labelers (and admins)
  if (canAnalyze(me)) nav.push({ path: 'cases', label: 'navCases' });
  if (canAnalyze(me)) nav.push({ path: 'export', label: 'navExport' });
  if (isAdmin(me)) nav.push({ path: 'ingest', label: 'navIngest' }, { path: 'models', label: 'navModels' }, { path: 'admin', label: 'navAdmin', to: `admin/${ADMIN_SECTIONS[0]!.path}` });

  const section = route.path[0] ?? '';
  // Detail pages are reached by links, not the nav, but need the same rights as the feed.
  // The admin area answers a key without the admin role itself, with a message rather than another page.
  const allowed = section === 'admin' || (section === 'doc' || section === 'customers' ? canAnalyze(me) : nav.some((n) => n.path === section));
  useEffect(() => {
    if (!allowed && nav[0]) navigate(nav[0].path, undefined, true);
  }, [allowed, nav[0]?.path]); // eslint-disable-line react-hooks/exhaustive-deps

  let page = null;
  if (section === 'admin' && !isAdmin(me)) {
    page = <AdminNoAccess me={me} home={nav[0] ?? null} />;
  } else if (nav.length === 0) {
    page = (
      <div className="page page-pad">
        <div className="notice" role="alert">
          {me.roles.includes('ingest') ? t('ingestOnly') : t('noAccess')}
        </div>
      </div>
    );
  } else if (allowed) {
    if (section === 'feed') page = <FeedPage route={route} />;
    else if (section === 'dashboard') page = <DashboardPage route={route} />;
    else if (section === 'nps') page = <NpsPage route={route} />;
    else if (section === 'customers' && route.path[1]) page = <JourneyPage customerId={route.path[1]} />;
    else if (section === 'label') page = <LabelPage route={route} />;
    else if (section === 'cases') page = <CasesPage route={route} />;
    else if (section === 'export') page = <ExportPage route={route} />;
    else if (section === 'ingest') page = <IngestPage />;
    else if (section === 'models') page = <ModelsPage />;
    else if (section === 'admin') page = <AdminPage route={route} />;
    // Keyed by the id: the next document starts with nothing saved, selected or being added.
    else if (section === 'doc' && route.path[1]) page = <DocPage key={route.path[1]} id={route.path[1]} />;
  }

  const current = nav.find((n) => n.path === section);
  const sub = section === 'admin' && isAdmin(me) ? adminSection(route.path[1]) : null;
  const pageTitle =
    section === 'admin'
      ? sub
        ? `${t('navAdmin')} · ${t(sub.label)}`
        : t('navAdmin')
      : current
        ? t(current.label)
        : section === 'doc'
          ? t('detail')
          : section === 'customers'
            ? t('journey')
            : t('appName');

  // The tab (and the history list, and a screen reader arriving on the page) names the page, not only the
  // product: every page was 观点 Guandian, so several console tabs could not be told apart.
  useEffect(() => {
    document.title = pageTitle === t('appName') ? BRAND_TITLE : `${pageTitle} · ${BRAND_TITLE}`;
  }, [pageTitle, t]);
  useEffect(() => () => void (document.title = BRAND_TITLE), []);

  return (
    <div className="shell">
      <a className="skip-link" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>
        {t('skipToMain')}
      </a>
      <header className="topbar">
        <a className="brand" href={nav[0] ? href(nav[0].path) : '#/'}>
          <span lang={TEXT_LANG} className="brand-zh">观点</span> <span lang="en">Guandian</span>
        </a>
        <nav>
          {nav.map((n) => (
            <a key={n.path} href={href(n.to ?? n.path)} className={section === n.path ? 'active' : ''} aria-current={section === n.path ? 'page' : undefined} data-nav={n.path}>
              {t(n.label)}
            </a>
          ))}
        </nav>
        <span className="spacer" />
        <span className="who" title={`${t('tenant')}: ${me.tenant}`}>
          {me.name ?? me.tenant} <span className="muted">· {me.roles.map((r) => (roleKey(r) ? t(roleKey(r)!) : r)).join(lang === 'zh' ? '、' : ', ')}</span>
        </span>
        <LangSwitch />
        <button className="btn btn-small" onClick={onSignOut} data-action="sign-out">
          {t('signOut')}
        </button>
      </header>
      {/* The page area: a page that fails (its code did not load, or it threw) says so here, under the top bar. */}
      <main id="main" className="shell-main" tabIndex={-1}>
        <h1 className="sr-only">{pageTitle}</h1>
        <PageBoundary key={section}>
          <Suspense fallback={<div className="page page-pad muted">{t('loading')}</div>}>{page}</Suspense>
        </PageBoundary>
      </main>
    </div>
  );
}

/** A key without the admin role that opens an admin page (a bookmark, a shared link): why it cannot, not another page. */
function AdminNoAccess({ me, home }: { me: Me; home: NavItem | null }) {
  const { t, lang } = useI18n();
  const roles = me.roles.map((r) => (roleKey(r) ? t(roleKey(r)!) : r)).join(lang === 'zh' ? '、' : ', ');
  return (
    <div className="page page-pad">
      <div className="notice admin-no-access" role="alert" data-no-access="admin">
        <h2>{t('admNoAccessTitle')}</h2>
        <p>{t('admNoAccess', { roles })}</p>
        {home && <a href={href(home.to ?? home.path)}>{t('admNoAccessBack', { page: t(home.label) })}</a>}
      </div>
    </div>
  );
}
