import { useEffect, useMemo, useState } from 'react';
import { api, type Kpi, type Summary } from './api';
import { Chart, tipContent, wrapName, type ChartOption, type ChartTable } from './chart';
import { FilterDrawer, FilterPanel, FilterToggle, FilteredEmpty, filtersFrom, filtersQuery, useFilterDrawer, type Filters } from './filters';
import { paren, POLARITIES, useI18n } from './i18n';
import { href, navigate, type Route } from './router';
import { ErrorPanel } from './page-error';
import { dayIn, fillPeriods } from './time';

const COLORS = { positive: '#2e9d5b', negative: '#d64545', neutral: '#9aa3ad' };
const KEYS = ['from', 'to', 'channel', 'kind'] as const;
/** A line of an aspect's name on a phone, in px: within the half of a 390 px screen's chart that names get (Chart). */
const ASPECT_NAME = 150;

export function DashboardPage({ route }: { route: Route }) {
  const { t, categoryName, lang } = useI18n();
  const filters = useMemo(() => filtersFrom(route.params, KEYS), [route.params.toString()]); // eslint-disable-line react-hooks/exhaustive-deps
  const [data, setData] = useState<Summary | null>(null);
  const [error, setError] = useState<unknown>(null);
  // the KPI answer and the period it was asked for (undefined ends: the API's default)
  const [kpi, setKpi] = useState<{ data: Kpi; asked: KpiDates } | null>(null);
  // Why the KPI table could not be loaded: said where the table goes, with its own 重试. It went silently,
  // which read as "nothing to compare" while the charts above stood.
  const [kpiError, setKpiError] = useState<unknown>(null);
  const [kpiAttempt, setKpiAttempt] = useState(0);
  const [attempt, setAttempt] = useState(0);
  const drawer = useFilterDrawer();

  useEffect(() => {
    let live = true;
    setError(null);
    // The previous scope's charts go: left up while the next answer loads, or after it failed, they read
    // as the new filters' numbers (类型 问卷 chosen, every kind's 1657 tags still shown under the error).
    setData(null);
    api.summary(filtersQuery(filters)).then(
      (s) => live && setData(s),
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [filters, attempt]);

  useEffect(() => {
    let live = true;
    // The KPI table has the charts' channel and kind and their dates, with `to` reaching the end of the day
    // as theirs does. It always compares a period: without dates the API's last 7 days (kpiPeriod).
    setKpi(null);
    setKpiError(null);
    const asked = kpiPeriod(filters, dayIn(new Date().toISOString()));
    api.kpi(filtersQuery({ channel: filters.channel, kind: filters.kind, ...asked })).then(
      (k) => live && setKpi({ data: k, asked }),
      (e: unknown) => live && setKpiError(e),
    );
    return () => {
      live = false;
    };
  }, [filters, attempt, kpiAttempt]);

  // Chart clicks carry the dashboard's own scope into the feed, narrowed by what was clicked.
  const drill = (extra: Filters) => navigate('feed', { ...filters, ...extra });
  // The same place as a link, for the chart's data table.
  const drillHref = (extra: Filters) => href('feed', { ...filters, ...extra });
  // A KPI row opens exactly what it counted: the period the table compared, which without chosen dates is
  // the last 7 days while the charts above count all time. It goes on as dates, so the feed's pickers show
  // them and its query is the one the KPI was asked: the API's default period is whole TIME_ZONE days, so its
  // first and last day read as the same instants; an end the API derived from an instant goes on as one.
  const drillKpi = ({ data, asked }: { data: Kpi; asked: KpiDates }, category: string) => {
    const dflt = asked.from === undefined && asked.to === undefined;
    const from = asked.from ?? (dflt ? dayIn(data.period.from) : data.period.from);
    const to = asked.to ?? (dflt ? dayIn(data.period.to) : data.period.to);
    navigate('feed', { ...filters, from, to, category, polarity: 'negative' });
  };

  const charts = useMemo(() => {
    if (!data) return null;
    const cats = [...data.byCategory].sort((a, b) => b.total - a.total);
    const legend = { top: 0, data: POLARITIES.map((p) => t(p)) };
    // On a phone fifteen category names do not fit under the bars even slanted: the bars lie down and
    // the names stand one per row. Elsewhere the chart slants them when one is wider than its bar (Chart).
    const narrow = typeof matchMedia === 'function' && matchMedia('(max-width: 640px)').matches;
    const catAxis = { type: 'category', data: cats.map((c) => categoryName(c.category)), ...(narrow ? { inverse: true, axisLabel: { interval: 0 } } : { axisLabel: { interval: 0 } }) };
    const countAxis = { type: 'value', minInterval: 1 };
    const byCategory: ChartOption = {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend,
      grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
      xAxis: narrow ? countAxis : catAxis,
      yAxis: narrow ? catAxis : countAxis,
      series: POLARITIES.map((p) => ({
        name: t(p),
        type: 'bar',
        stack: 'p',
        itemStyle: { color: COLORS[p] },
        data: cats.map((c) => c[p]),
      })),
    };
    const days = [...data.byDay].sort((a, b) => a.day.localeCompare(b.day));
    // Every day from the first to the last: a day without tags is a gap in the line, not skipped.
    const byDay = new Map(days.map((d) => [d.day, d]));
    const axis = fillPeriods(days.map((d) => d.day), 'day');
    const rateOf = (d: { negative: number; total: number } | undefined) => (d?.total ? Math.round((d.negative / d.total) * 1000) / 10 : null);
    // A rate is drawn as what it is: one measurement a day, joined by straight segments. A smoothed curve swung
    // wide of them between a day of all complaints and one of none (beyond 100 % or 0 % beside such days),
    // drawing rates no day had. And a day's rate may rest on one tag or on hundreds: its point says of how
    // many (负面 3 / 共 5 个标签), so that a 100 % from a single complaint is not read as a day gone wrong.
    // These are tags, the unit the rate is counted in (GET /v1/stats/summary counts tags per day, not documents).
    const trend: ChartOption = {
      tooltip: {
        trigger: 'axis',
        formatter: (ps: { dataIndex: number }[]) => {
          const day = axis[ps[0]?.dataIndex ?? -1];
          if (!day) return '';
          const d = byDay.get(day);
          const rate = rateOf(d);
          if (!d || rate === null) return tipContent([day, t('noTagsThatDay')]);
          return tipContent([day, [`${t('negativeRate')}: `, { b: `${rate.toFixed(1)}%` }], t('trendDayCounts', { neg: d.negative, n: d.total })]);
        },
      },
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: axis },
      yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
      series: [
        {
          name: t('negativeRate'),
          type: 'line',
          smooth: false,
          symbolSize: 7,
          // Every day's point: ECharts drew only some when the days were many, and a day between two days
          // without tags has no line to it, so such a day (100% negative, say) was not on the chart at all.
          showAllSymbol: true,
          itemStyle: { color: COLORS.negative },
          areaStyle: { opacity: 0.08 },
          data: axis.map((day) => rateOf(byDay.get(day))),
        },
      ],
    };
    const top = [...data.topNegativeAspects].slice(0, 12).reverse();
    // On a phone an English name with its category (效率 (Waiting & processing speed)) is wider than the half of
    // the chart its names get, and was cut short with …: it breaks over lines, the rows grow to hold them.
    const aspectNames = top.map((a) => `${a.aspect}${paren(lang, categoryName(a.category))}`).map((n) => (narrow ? wrapName(n, ASPECT_NAME) : n));
    const aspectLines = Math.max(1, ...aspectNames.map((n) => n.split('\n').length));
    const aspects: ChartOption = {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: aspectNames, axisLabel: { interval: 0 } },
      series: [{ name: t('count'), type: 'bar', itemStyle: { color: COLORS.negative }, data: top.map((a) => a.count) }],
    };
    const chans = [...data.byChannel].sort((a, b) => b.total - a.total);
    const channels: ChartOption = {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend,
      grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
      xAxis: { type: 'value', minInterval: 1 },
      // Every channel named beside its bar, the busiest on top as in 负面评价对象 Top: with more channels than
      // 280 px has rows for, ECharts named only every other bar, so a bar could not be told for which channel.
      yAxis: { type: 'category', inverse: true, data: chans.map((c) => c.channel), axisLabel: { interval: 0 } },
      series: POLARITIES.map((p) => ({
        name: t(p),
        type: 'bar',
        stack: 'p',
        itemStyle: { color: COLORS[p] },
        data: chans.map((c) => c[p]),
      })),
    };
    const polCols = [t('positive'), t('negative'), t('neutral'), t('total')];
    // The tables' links go where a click on the chart goes: a polarity's count to that bar's feed, the row's
    // name to all of the row's tags (a day: its negative tags, as a point on the line does).
    const polLinks = (scope: Filters) => [drillHref(scope), ...POLARITIES.map((p) => drillHref({ ...scope, polarity: p })), null];
    const aspectsRead = [...top].reverse();
    const tables: Record<'byCategory' | 'trend' | 'aspects' | 'channels', ChartTable> = {
      byCategory: {
        columns: [t('category'), ...polCols],
        rows: cats.map((c) => [categoryName(c.category), c.positive, c.negative, c.neutral, c.total]),
        links: cats.map((c) => polLinks({ category: c.category })),
      },
      trend: {
        columns: [t('date'), t('negativeRate'), t('negative'), t('total')],
        rows: days.map((d) => [d.day, `${d.total ? ((d.negative / d.total) * 100).toFixed(1) : '0.0'}%`, d.negative, d.total]),
        links: days.map((d) => [drillHref({ from: d.day, to: d.day, polarity: 'negative' })]),
      },
      // Biggest first, as read, not the chart's bottom-up order.
      aspects: {
        columns: [t('aspect'), t('category'), t('count')],
        rows: aspectsRead.map((a) => [a.aspect, categoryName(a.category), a.count]),
        textColumns: [0],
        links: aspectsRead.map((a) => [drillHref({ aspect: a.aspect, category: a.category, polarity: 'negative' })]),
      },
      channels: { columns: [t('channel'), ...polCols], rows: chans.map((c) => [c.channel, c.positive, c.negative, c.neutral, c.total]), links: chans.map((c) => polLinks({ channel: c.channel })) },
    };
    return {
      cats,
      days,
      axis,
      top,
      chans,
      byCategory,
      byCategoryHeight: narrow ? Math.max(280, cats.length * 26 + 60) : 280,
      trend,
      aspects,
      // a row as tall as the most lines a name has (14 px each) and a gap; one-line names keep the usual height
      aspectsHeight: aspectLines > 1 ? Math.max(280, top.length * (aspectLines * 14 + 8) + 16) : 280,
      channels,
      // a row per channel, as tall as a name
      channelsHeight: Math.max(280, chans.length * 18 + 60),
      tables,
    };
    // lang changes series names
  }, [data, t, categoryName, lang]); // eslint-disable-line react-hooks/exhaustive-deps

  const activeFilters = Object.keys(filters).length;
  const totals = data?.byCategory.reduce(
    (acc, c) => ({ positive: acc.positive + c.positive, negative: acc.negative + c.negative, neutral: acc.neutral + c.neutral, total: acc.total + c.total }),
    { positive: 0, negative: 0, neutral: 0, total: 0 },
  );

  return (
    <div className="page page-pad dashboard">
      {/* On a phone the form took a third of the first screen above the charts: it folds into the feed's drawer. */}
      <div className="toolbar drawer-toolbar">
        <FilterToggle drawer={drawer} controls="dashboard-filters" count={activeFilters} />
      </div>
      <FilterDrawer drawer={drawer} id="dashboard-filters" className="bar-drawer">
        <FilterPanel route="dashboard" filters={filters} keys={KEYS} layout="bar" onApplied={() => drawer.setOpen(false)} />
      </FilterDrawer>
      {error !== null && <ErrorPanel error={error} onRetry={() => setAttempt((n) => n + 1)} />}
      {totals && (
        <div className="kpis">
          <div className="kpi"><span>{t('total')}</span><b>{totals.total}</b></div>
          {POLARITIES.map((p) => (
            <button key={p} className={`kpi kpi-${p}`} onClick={() => drill({ polarity: p })}>
              <span>{t(p)}</span>
              <b>{totals[p]}</b>
            </button>
          ))}
          <div className="kpi"><span>{t('negativeRate')}</span><b>{totals.total ? ((totals.negative / totals.total) * 100).toFixed(1) : '0.0'}%</b></div>
          <span className="muted small kpi-hint">{t('chartHint')}</span>
        </div>
      )}
      {/* A new install holds nothing at all: say how feedback gets in (and the sample a trial can load), rather
          than four charts of 暂无数据. With filters set, an empty answer is the filters', and the charts say so. */}
      {totals && totals.total === 0 && activeFilters === 0 && (
        <section className="card dash-welcome" data-empty="tenant">
          <h2 className="sub">{t('dashEmptyTitle')}</h2>
          <p>{t('dashEmptyBody')}</p>
          <p className="small muted">
            {t('dashEmptyDemo')} <code>npx guandian demo</code>
          </p>
        </section>
      )}
      {totals && totals.total === 0 && activeFilters > 0 && <FilteredEmpty count={activeFilters} message="noResultsFiltered" clear={href('dashboard')} />}
      {charts && (
        <div className="chart-grid">
          <section className="card chart-card">
            <h2 className="sub">{t('byCategory')}</h2>
            {charts.cats.length ? (
              <Chart
                label={t('byCategory')}
                option={charts.byCategory}
                height={charts.byCategoryHeight}
                table={charts.tables.byCategory}
                onClick={(p) => {
                  const c = charts.cats[p.dataIndex];
                  if (c) drill({ category: c.category, polarity: POLARITIES[p.seriesIndex ?? -1] });
                }}
              />
            ) : (
              <div className="empty">{t('noData')}</div>
            )}
          </section>
          <section className="card chart-card">
            <h2 className="sub">{t('negativeTrend')}</h2>
            {charts.days.length ? (
              <Chart
                label={t('negativeTrend')}
                option={charts.trend}
                table={charts.tables.trend}
                onClick={(p) => {
                  const day = charts.axis[p.dataIndex];
                  if (day) drill({ from: day, to: day, polarity: 'negative' });
                }}
              />
            ) : (
              <div className="empty">{t('noData')}</div>
            )}
          </section>
          <section className="card chart-card">
            <h2 className="sub">{t('topNegative')}</h2>
            {charts.top.length ? (
              <Chart
                label={t('topNegative')}
                option={charts.aspects}
                height={charts.aspectsHeight}
                table={charts.tables.aspects}
                onClick={(p) => {
                  const a = charts.top[p.dataIndex];
                  if (a) drill({ aspect: a.aspect, category: a.category, polarity: 'negative' });
                }}
              />
            ) : (
              <div className="empty">{t('noData')}</div>
            )}
          </section>
          <section className="card chart-card">
            <h2 className="sub">{t('byChannel')}</h2>
            {charts.chans.length ? (
              <Chart
                label={t('byChannel')}
                option={charts.channels}
                height={charts.channelsHeight}
                table={charts.tables.channels}
                onClick={(p) => {
                  const c = charts.chans[p.dataIndex];
                  if (c) drill({ channel: c.channel, polarity: POLARITIES[p.seriesIndex ?? -1] });
                }}
              />
            ) : (
              <div className="empty">{t('noData')}</div>
            )}
          </section>
        </div>
      )}
      {/* under a failed summary its own panel says it, and its 重试 asks for the table again too */}
      {kpiError !== null && error === null && (
        <section className="card kpi-table-card" data-kpi-error>
          <h2 className="sub">{t('kpiTitle')}</h2>
          <ErrorPanel error={kpiError} onRetry={() => setKpiAttempt((n) => n + 1)} />
        </section>
      )}
      {kpi && kpi.data.categories.length > 0 && (
        <KpiTable kpi={kpi.data} lastDays={kpi.asked.from === undefined && kpi.asked.to === undefined ? KPI_DAYS : null} onPick={(category) => drillKpi(kpi, category)} />
      )}
      {!data && error === null && <div className="muted">{t('loading')}</div>}
    </div>
  );
}

const share = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);

/** Days the KPI API compares without dates (its default: today and the 6 before, whole service-zone days). */
const KPI_DAYS = 7;

type KpiDates = { from?: string; to?: string };

function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

const isDay = (v: string | undefined): v is string => v !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(v);

/**
 * The period the KPI table compares, as dashboard dates: none without dates (the API's default, the last 7
 * whole days); the chosen ones, with a missing end filled in as whole days (no `to`: up to today; no
 * `from`: the 7 days up to `to`), so the table's "this period" reads as the days it counts and the feed it
 * opens can show them in its date pickers. A `from` before a `to` that is not a plain date is the API's.
 */
function kpiPeriod(f: Filters, today: string): KpiDates {
  if (!f.from && !f.to) return {};
  const to = f.to ?? (f.from && f.from > today ? f.from : today);
  const from = f.from ?? (isDay(to) ? addDays(to, -(KPI_DAYS - 1)) : undefined);
  return { ...(from ? { from } : {}), to };
}

function KpiTable({ kpi, lastDays, onPick }: { kpi: Kpi; lastDays: number | null; onPick: (category: string) => void }) {
  const { t, categoryName, lang } = useI18n();
  const day = dayIn;
  // Biggest deterioration first: that is what the table is read for.
  const rows = [...kpi.categories].sort((a, b) => (b.change ?? -Infinity) - (a.change ?? -Infinity));
  return (
    <section className="card kpi-table-card">
      <h2 className="sub">
        {t('kpiTitle')}{' '}
        <span className="muted small">
          {/* each period on one line: on a phone a date broke at its hyphen, 2026-12- over 01 */}
          {t('kpiCurrent')} <span className="kpi-period">{day(kpi.period.from)} ~ {day(kpi.period.to)}</span> · {t('kpiPrevious')}{' '}
          <span className="kpi-period">
            {day(kpi.previousPeriod.from)} ~ {day(kpi.previousPeriod.to)}
          </span>
          {/* Without dates the charts above count all time: say that this table does not. */}
          {lastDays !== null && <span className="kpi-default-period">{paren(lang, t('kpiLastDays', { n: lastDays }))}</span>}
        </span>
      </h2>
      <div className="table-scroll">
        <table className="grid kpi-table">
          <thead>
            <tr>
              <th>{t('category')}</th>
              <th className="num">{t('kpiCurrent')}</th>
              <th className="num">{t('kpiPrevious')}</th>
              <th className="num">{t('kpiChange')}</th>
              <th title={t('kpiSignificant')}>p</th>
              <th>{t('kpiTest')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.category} data-category={r.category} data-significant={String(r.significant)} onClick={() => onPick(r.category)}>
                <td>
                  {/* The row's click is for the mouse; the button makes it reachable by keyboard and names it. */}
                  <button type="button" className="link-btn" onClick={(e) => { e.stopPropagation(); onPick(r.category); }}>
                    {categoryName(r.category)}
                  </button>
                </td>
                <td className="num" title={`${r.current.negative} / ${r.current.total}`}>
                  {share(r.current.share)} <span className="muted small">({r.current.negative}/{r.current.total})</span>
                </td>
                <td className="num" title={`${r.previous.negative} / ${r.previous.total}`}>
                  {share(r.previous.share)} <span className="muted small">({r.previous.negative}/{r.previous.total})</span>
                </td>
                <td className={`num kpi-change ${r.change === null ? '' : r.change > 0 ? 'pol-negative' : r.change < 0 ? 'pol-positive' : ''}`}>
                  {r.change === null ? '—' : t('pointsChange', { v: `${r.change > 0 ? '▲ +' : r.change < 0 ? '▼ ' : ''}${(r.change * 100).toFixed(1)}` })}
                </td>
                <td>
                  {r.significant ? (
                    <span className="sig" title={t('kpiSignificantWith', { test: t(r.test === 'fisher' ? 'testFisher' : 'testZ') })}>
                      ★ {r.pValue !== null && r.pValue < 0.001 ? '<0.001' : r.pValue?.toFixed(3)}
                    </span>
                  ) : (
                    <span className="muted small">{r.pValue === null ? '—' : r.pValue.toFixed(3)}</span>
                  )}
                </td>
                {/* The service picks the test per row: Fisher's exact test where the z-test's normal approximation fails. */}
                <td className="small kpi-test" data-test={r.test ?? ''}>
                  {r.test === 'fisher' ? t('testFisher') : r.test === 'z' ? t('testZ') : '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted small">★ {t('kpiSignificant')}</p>
    </section>
  );
}
