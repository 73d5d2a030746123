import { useMemo, useState } from 'react';
import { downloadExport } from './api';
import { FilterPanel, filtersFrom, filtersQuery } from './filters';
import { useI18n } from './i18n';
import type { Route } from './router';
import { ErrorText } from './error-text';

export function ExportPage({ route }: { route: Route }) {
  const { t } = useI18n();
  const filters = useMemo(() => filtersFrom(route.params), [route.params.toString()]); // eslint-disable-line react-hooks/exhaustive-deps
  // Message keys, not text, so the language switch re-words a message already shown. Each says which filters it
  // was for (`of`): after the filters change it is about an export of other tags, and is no longer shown.
  const [state, setState] = useState<{ busy: boolean; msg: 'exporting' | 'exportDone' | null; failure?: unknown; of?: string }>({ busy: false, msg: null });
  const current = route.params.toString();
  const shown = state.of === current ? state : { busy: state.busy, msg: state.busy ? state.msg : null };

  const run = async (format: 'csv' | 'jsonl') => {
    if (state.busy) return;
    const of = current;
    setState({ busy: true, msg: 'exporting', of });
    try {
      await downloadExport(format, filtersQuery(filters));
      setState({ busy: false, msg: 'exportDone', of });
    } catch (e) {
      setState({ busy: false, msg: null, failure: e, of });
    }
  };

  return (
    <div className="page page-pad export-page">
      <h2>{t('exportTitle')}</h2>
      <p className="muted">{t('exportHint')}</p>
      <div className="card export-card">
        <FilterPanel route="export" filters={filters} layout="bar" />
      </div>
      <div className="export-actions">
        {/* aria-disabled, not disabled: a disabled button drops the focus of whoever just pressed it */}
        <button className="btn btn-primary" data-format="csv" aria-disabled={state.busy || undefined} onClick={() => void run('csv')}>
          {t('exportCsv')}
        </button>
        <button className="btn" data-format="jsonl" aria-disabled={state.busy || undefined} onClick={() => void run('jsonl')}>
          {t('exportJsonl')}
        </button>
        {shown.msg && (
          <span className="muted" role="status">
            {t(shown.msg)}
          </span>
        )}
        {shown.failure !== undefined && (
          <span className="err" role="alert">
            {t('error')}: <ErrorText error={shown.failure} />
          </span>
        )}
      </div>
    </div>
  );
}
