import { useMemo, useState } from 'react';
import { downloadExport } from './api';
import { FilterPanel, filtersFrom, filtersQuery } from './filters';
import { useI18n } from './i18n';
import type { Route } from './router';

export function ExportPage({ route }: { route: Route }) {
  const { t } = useI18n();
  const filters = useMemo(() => filtersFrom(route.params), [route.params.toString()]); // eslint-disable-line react-hooks/exhaustive-deps
  const [state, setState] = useState<{ busy: boolean; msg: string | null; error?: boolean }>({ busy: false, msg: null });

  const run = async (format: 'csv' | 'jsonl') => {
    setState({ busy: true, msg: t('exporting') });
    try {
      await downloadExport(format, filtersQuery(filters));
      setState({ busy: false, msg: t('exportDone') });
    } catch (e) {
      setState({ busy: false, msg: `${t('error')}: ${(e as Error).message}`, error: true });
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
        <button className="btn btn-primary" data-format="csv" disabled={state.busy} onClick={() => void run('csv')}>
          {t('exportCsv')}
        </button>
        <button className="btn" data-format="jsonl" disabled={state.busy} onClick={() => void run('jsonl')}>
          {t('exportJsonl')}
        </button>
        {state.msg && <span className={state.error ? 'err' : 'muted'} role="status">{state.msg}</span>}
      </div>
    </div>
  );
}
