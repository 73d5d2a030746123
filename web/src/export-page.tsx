import { useMemo, useState } from 'react';
import { downloadExport } from './api';
import { FilterPanel, filtersFrom, filtersQuery } from './filters';
import { useI18n } from './i18n';
import type { Route } from './router';
import { ErrorText } from './error-text';

export function ExportPage({ route }: { route: Route }) {
  const { t } = useI18n();
  const filters = useMemo(() => filtersFrom(route.params), [route.params.toString()]); // eslint-disable-line react-hooks/exhaustive-deps
  // Message keys, not text, so the language switch re-words a message already shown.
  const [state, setState] = useState<{ busy: boolean; msg: 'exporting' | 'exportDone' | null; failure?: unknown }>({ busy: false, msg: null });

  const run = async (format: 'csv' | 'jsonl') => {
    if (state.busy) return;
    setState({ busy: true, msg: 'exporting' });
    try {
      await downloadExport(format, filtersQuery(filters));
      setState({ busy: false, msg: 'exportDone' });
    } catch (e) {
      setState({ busy: false, msg: null, failure: e });
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
        {state.msg && (
          <span className="muted" role="status">
            {t(state.msg)}
          </span>
        )}
        {state.failure !== undefined && (
          <span className="err" role="alert">
            {t('error')}: <ErrorText error={state.failure} />
          </span>
        )}
      </div>
    </div>
  );
}
