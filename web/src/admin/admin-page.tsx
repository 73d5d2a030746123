import { useEffect } from 'react';
import { useI18n } from '../i18n';
import { PageBoundary } from '../page-error';
import { href, navigate, type Route } from '../router';
import { AuditPage } from './audit-page';
import { ErasurePage } from './erasure-page';
import { KeysPage } from './keys-page';
import { LexiconPage } from './lexicon-page';
import { RoutingPage } from './routing-page';
import { RulesPage } from './rules-page';
import { adminSection, ADMIN_SECTIONS } from './sections';
import { SettingsPage } from './settings-page';
import { WebhooksPage } from './webhooks-page';

/** The admin area (#/admin/<section>): a sub-navigation and the section's page. Admin keys only (the shell checks). */
export function AdminPage({ route }: { route: Route }) {
  const { t } = useI18n();
  const current = adminSection(route.path[1]);
  useEffect(() => {
    // #/admin alone, or a section that does not exist: the first section.
    if (!current) navigate(`admin/${ADMIN_SECTIONS[0]!.path}`, undefined, true);
  }, [current]);
  if (!current) return null;
  const s = current.path;
  return (
    <div className="page page-pad admin-page" data-admin-section={s}>
      <nav className="admin-nav" aria-label={t('admNavLabel')}>
        {ADMIN_SECTIONS.map((x) => (
          <a key={x.path} href={href(`admin/${x.path}`)} className={x.path === s ? 'active' : ''} aria-current={x.path === s ? 'page' : undefined} data-admin-nav={x.path}>
            {t(x.label)}
          </a>
        ))}
      </nav>
      {/* Each section starts clean: one that fails says so here, with the sub-navigation still usable. */}
      <PageBoundary key={s}>
        {s === 'keys' && <KeysPage />}
        {s === 'settings' && <SettingsPage />}
        {s === 'lexicon' && <LexiconPage />}
        {s === 'webhooks' && <WebhooksPage />}
        {s === 'rules' && <RulesPage />}
        {s === 'routing' && <RoutingPage />}
        {s === 'erasure' && <ErasurePage />}
        {s === 'audit' && <AuditPage params={route.params} />}
      </PageBoundary>
    </div>
  );
}
