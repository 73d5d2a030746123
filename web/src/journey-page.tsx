import { useEffect, useMemo, useState } from 'react';
import { api, type Journey } from './api';
import { Chart, tipContent, type ChartOption } from './chart';
import { useI18n } from './i18n';
import { canGoBackInApp, href, navigate } from './router';
import { ErrorPanel } from './page-error';
import { wallTime } from './time';
import { ScoreBadge } from './score-badge';

const when = (iso: string) => wallTime(iso);

/**
 * A touchpoint's name on the chart's time axis: its day over its time, and the year only when the journey
 * spans more than one (the table below and the tooltip give the whole time). On one line, 2026-11-25 11:32
 * was about 100 px wide: under a phone's bands of about 65 px the chart named only every other touchpoint.
 */
function axisNames(times: string[]): string[] {
  const oneYear = new Set(times.map((s) => s.slice(0, 4))).size <= 1;
  return times.map((s) => {
    const [day = '', time = ''] = s.split(' ');
    return `${oneYear ? day.slice(5) : day}\n${time}`;
  });
}
/** Scores to two decimals (the API's -2.6327 says no more than -2.63 does); none as a dash. */
const score = (x: number | null) => (x === null ? '—' : String(Math.round(x * 100) / 100));

export function JourneyPage({ customerId }: { customerId: string }) {
  const { t } = useI18n();
  const [data, setData] = useState<Journey | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let live = true;
    setData(null);
    setError(null);
    api.journey(customerId).then(
      (j) => live && setData(j),
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [customerId, attempt]);

  const option = useMemo<ChartOption | null>(() => {
    if (!data) return null;
    const pts = data.touchpoints;
    const threshold = data.method.churnThreshold;
    const emotions = pts.map((p) => p.emotion).filter((x): x is number => x !== null);
    // Keep the threshold on screen even when the customer is far from it.
    const lo = Math.floor(Math.min(threshold - 0.5, ...emotions, -1));
    const hi = Math.ceil(Math.max(1, ...emotions));
    return {
      tooltip: {
        trigger: 'axis',
        formatter: (ps: { dataIndex: number }[]) => {
          const p = pts[ps[0]?.dataIndex ?? 0];
          if (!p) return '';
          return tipContent([
            `${when(p.at)} · ${t(p.kind)} · ${p.channel}`,
            [`${t('touchScore')}: `, { b: score(p.score) }],
            [`${t('emotion')}: `, { b: score(p.emotion) }],
            `${t('positive')} ${p.positive} · ${t('negative')} ${p.negative}`,
          ]);
        },
      },
      legend: { top: 0, data: [t('emotion'), t('touchScore')] },
      grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: axisNames(pts.map((p) => when(p.at))) },
      yAxis: { type: 'value', min: lo, max: hi },
      series: [
        {
          name: t('emotion'),
          type: 'line',
          symbolSize: 10,
          itemStyle: { color: '#3b5bdb' },
          lineStyle: { width: 2 },
          connectNulls: true,
          data: pts.map((p) => ({
            value: p.emotion,
            itemStyle: p.emotion !== null && p.emotion <= threshold ? { color: '#d64545' } : undefined,
          })),
          markLine: {
            symbol: 'none',
            silent: true,
            lineStyle: { color: '#d64545', type: 'dashed', width: 1.5 },
            // placed where the line and bars leave room (chart.tsx, placeMarkLineLabels)
            label: { formatter: `${t('churnThreshold')} ${threshold}`, color: '#d64545' },
            data: [{ yAxis: threshold }],
          },
        },
        {
          name: t('touchScore'),
          type: 'bar',
          barMaxWidth: 14,
          itemStyle: { color: '#9aa3ad', opacity: 0.6 },
          data: pts.map((p) => ({ value: p.score, itemStyle: { color: (p.score ?? 0) < 0 ? '#e79a9a' : '#9fd3b2' } })),
        },
      ],
    };
  }, [data, t]);

  return (
    <div className="page page-pad journey-page">
      <div className="toolbar">
        <a className="btn btn-small" href="#/feed" onClick={(e) => { if (canGoBackInApp()) { e.preventDefault(); history.back(); } }}>
          ← {t('back')}
        </a>
        <strong>{t('journey')}</strong>
        <span className="mono small">{customerId}</span>
        {/* No touchpoints: nothing is known of this customer, which is not the same as "no churn risk". */}
        {data && data.touchpoints.length > 0 && (
          <span className={`badge ${data.churnRisk ? 'badge-risk' : 'badge-ok'}`} data-churn-risk={String(data.churnRisk)}>
            {data.churnRisk ? t('churnRisk') : t('noChurnRisk')} · {t('emotion')} {score(data.emotion)}
          </span>
        )}
      </div>
      {error !== null && <ErrorPanel error={error} onRetry={() => setAttempt((n) => n + 1)} />}
      {data && data.touchpoints.length === 0 && (
        <div className="empty journey-empty" role="status">
          {t('noTouchpoints')}
        </div>
      )}
      {data && option && data.touchpoints.length > 0 && (
        <>
          <section className="card chart-card">
            <h2 className="sub">
              {t('emotion')} · {t('journeyHint')}
            </h2>
            {data.touchpoints.length ? (
              <Chart
                label={t('journey')}
                option={option}
                height={320}
                thinFromEnd
                onClick={(p) => {
                  const tp = data.touchpoints[p.dataIndex];
                  if (tp) navigate(`doc/${encodeURIComponent(tp.documentId)}`);
                }}
              />
            ) : (
              <div className="empty">{t('noData')}</div>
            )}
          </section>
          <h2 className="sub">
            {t('touchpoints')} ({data.touchpoints.length})
          </h2>
          <div className="table-scroll">
            <table className="grid journey-table">
              <thead>
                <tr>
                  <th>{t('time')}</th>
                  <th>{t('kind')}</th>
                  <th>{t('channel')}</th>
                  <th className="num">{t('touchScore')}</th>
                  <th className="num">{t('emotion')}</th>
                  <th>{t('detail')}</th>
                </tr>
              </thead>
              <tbody>
                {data.touchpoints.map((p) => {
                  const risk = p.emotion !== null && p.emotion <= data.method.churnThreshold;
                  return (
                    <tr key={p.documentId} data-doc-id={p.documentId} className={risk ? 'row-risk' : ''} data-risk={risk || undefined}>
                      <td>{when(p.at)}</td>
                      <td>
                        {t(p.kind)}
                        {p.survey && <> <ScoreBadge score={p.survey.score} scale={p.survey.scale} /></>}
                      </td>
                      <td>{p.channel}</td>
                      <td className={`num ${(p.score ?? 0) < 0 ? 'pol-negative' : (p.score ?? 0) > 0 ? 'pol-positive' : ''}`}>{score(p.score)}</td>
                      <td className="num">
                        {/* The row's tint is not the only sign of risk: it reads in greyscale and to a screen reader. */}
                        {risk && (
                          <span className="risk-mark" title={t('churnRisk')}>
                            <span aria-hidden="true">⚠ </span>
                            <span className="sr-only">{t('churnRisk')}: </span>
                          </span>
                        )}
                        {score(p.emotion)}
                      </td>
                      <td>
                        <a href={href(`doc/${encodeURIComponent(p.documentId)}`)}>{t('detail')} →</a>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      )}
      {!data && error === null && <div className="muted">{t('loading')}</div>}
    </div>
  );
}
