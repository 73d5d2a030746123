import type { MsgKey } from '../i18n';

/** The admin area's sub-pages (#/admin/<path>), in the order the sub-navigation lists them. */
export const ADMIN_SECTIONS: { path: string; label: MsgKey }[] = [
  { path: 'keys', label: 'admNavKeys' },
  { path: 'settings', label: 'admNavSettings' },
  { path: 'lexicon', label: 'admNavLexicon' },
  { path: 'webhooks', label: 'admNavWebhooks' },
  { path: 'rules', label: 'admNavRules' },
  { path: 'routing', label: 'admNavRouting' },
  { path: 'erasure', label: 'admNavErasure' },
  { path: 'audit', label: 'admNavAudit' },
];

export const adminSection = (path: string | undefined) => ADMIN_SECTIONS.find((s) => s.path === path) ?? null;
