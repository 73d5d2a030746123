import { useEffect, useMemo, useState } from 'react';
import { api, type DriverRow, type Drivers, type Scale, type ScoreTrend } from './api';
import { Chart, CHART_FONT, textWidth, tipContent, wrapName, type ChartOption, type ChartTable } from './chart';
import { FilterDrawer, FilterPanel, FilterToggle, FilteredEmpty, filtersFrom, filtersQuery, useFilterDrawer } from './filters';
import { paren, useI18n, type MsgKey } from './i18n';
import { fillPeriods } from './time';
import { href, navigate, type Route } from './router';
import { ErrorPanel } from './page-error';

const KEYS = ['from', 'to', 'channel'] as const;
const INTERVALS = ['day', 'week', 'month'] as const;
type Interval = (typeof INTERVALS)[number];
const INTERVAL_KEY: Record<Interval, MsgKey> = { day: 'intervalDay', week: 'intervalWeek', month: 'intervalMonth' };

const C = { promoter: '#2e9d5b', passive: '#9aa3ad', detractor: '#d64545', line: '#3b5bdb', band: '#3b5bdb', detractorPale: '#f2bcbc', promoterPale: '#b7e0c6' };

const pct = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)}%`);
const signed = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${x > 0 ? '+' : ''}${x.toFixed(1)}`);


type Driver = DriverRow & { key: string; name: string; field: 'category' | 'aspect' };

const LABEL_SIZE = 12;
const LABEL_FONT = `${LABEL_SIZE}px ${CHART_FONT}`;

/**
 * How the trend's axis names its periods: a day or week (YYYY-MM-DD) without its year when all of them fall in
 * one (the tooltip and data table give it whole). On a phone a whole 2026-11-09 under each of four weeks was
 * too wide for ECharts to name them all: it named every other week, the latest among those left out.
 */
function periodName(axis: string[]): (period: string) => string {
  const oneYear = new Set(axis.map((p) => p.slice(0, 4))).size <= 1;
  return (period) => (oneYear && /^\d{4}-\d{2}-\d{2}$/.test(period) ? period.slice(5) : period);
}

export function NpsPage({ route }: { route: Route }) {
  const { t, categoryName, lang } = useI18n();
  const key = route.params.toString();
  const filters = useMemo(() => filtersFrom(route.params, KEYS), [key]); // eslint-disable-line react-hooks/exhaustive-deps
  const scale: Scale = route.params.get('scale') === 'csat' ? 'csat' : 'nps';
  const rawInterval = route.params.get('interval');
  const interval: Interval = (INTERVALS as readonly string[]).includes(rawInterval ?? '') ? (rawInterval as Interval) : 'week';
  const [trend, setTrend] = useState<ScoreTrend | null>(null);
  const [drivers, setDrivers] = useState<Drivers | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  const drawer = useFilterDrawer();

  useEffect(() => {
    let live = true;
    setError(null);
    // The previous scope's (or scale's) numbers go: left up while the next answer loads, or after it failed,
    // they read as the new choice's.
    setTrend(null);
    setDrivers(null);
    const q = filtersQuery(filters);
    Promise.all([api.nps({ ...q, scale, interval }), api.drivers({ ...q, scale })]).then(
      ([tr, dr]) => {
        if (!live) return;
        setTrend(tr);
        setDrivers(dr);
      },
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [filters, scale, interval, attempt]);

  const keep = { scale: scale === 'nps' ? undefined : scale, interval: interval === 'week' ? undefined : interval };
  const go = (next: { scale?: Scale; interval?: Interval }) =>
    navigate('nps', { ...filters, ...keep, ...(next.scale ? { scale: next.scale === 'nps' ? undefined : next.scale } : {}), ...(next.interval ? { interval: next.interval } : {}) });

  // A driver is a negative theme among the documents scored on this scale (survey answers, and comments
  // or transcripts that carry a score), so its drill-down is their negative tags of that theme.
  const drillTo = (d: Driver) => ({ ...filters, [d.field]: d.key, scale, polarity: 'negative' });
  const drill = (d: Driver) => navigate('feed', drillTo(d));

  const trendOption = useMemo<ChartOption | null>(() => {
    if (!trend || trend.series.length === 0) return null;
    const value = (r: ScoreTrend['series'][number]) => (scale === 'nps' ? r.nps : r.csat) ?? null;
    // Every period from the first to the last, so one without answers is a gap in the line, not skipped.
    const byPeriod = new Map(trend.series.map((r) => [r.period, r]));
    const axis = fillPeriods(trend.series.map((r) => r.period), interval);
    const rows = axis.map((p) => byPeriod.get(p) ?? null);
    const name = scale === 'nps' ? 'NPS' : 'CSAT';
    // A band needs two periods to have width: with one, the title's promised interval is drawn as a bar
    // from its lower to its upper bound through the point.
    const only = axis.length === 1 ? rows[0]?.ci95 : null;
    const intervalBar = only
      ? [[{ coord: [axis[0]!, only[0]], lineStyle: { color: C.band, width: 12, opacity: 0.3, type: 'solid' as const } }, { coord: [axis[0]!, only[1]] }]]
      : [];
    const zeroLine = scale === 'nps' ? [{ yAxis: 0 }] : [];
    const markLines =
      zeroLine.length + intervalBar.length > 0
        ? { silent: true, symbol: 'none', lineStyle: { color: '#9aa3ad', type: 'dashed' as const }, label: { show: false }, data: [...zeroLine, ...intervalBar] }
        : undefined;
    return {
      tooltip: {
        trigger: 'axis',
        formatter: (ps: { dataIndex: number }[]) => {
          const i = ps[0]?.dataIndex ?? 0;
          const r = rows[i];
          if (!r) return tipContent([axis[i] ?? '', t('noAnswers')]);
          const ci = r.ci95 ? `[${r.ci95[0]}, ${r.ci95[1]}]` : '—';
          return tipContent([r.period, [`${name}: `, { b: String(value(r) ?? '—') }], `${t('ci95')}: ${ci}`, `${t('responses')}: ${r.n}`]);
        },
      },
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: axis, boundaryGap: false, axisLabel: { formatter: periodName(axis) } },
      yAxis: { type: 'value', min: scale === 'nps' ? -100 : 0, max: 100 },
      series: [
        // The band is drawn as the lower bound plus a stacked (upper − lower) area; 'all' stacking
        // keeps it right when the lower bound is negative.
        {
          name: 'ci-lo',
          type: 'line',
          stack: 'ci',
          stackStrategy: 'all',
          symbol: 'none',
          lineStyle: { opacity: 0 },
          silent: true,
          data: rows.map((r) => r?.ci95?.[0] ?? null),
        },
        {
          name: t('ci95'),
          type: 'line',
          stack: 'ci',
          stackStrategy: 'all',
          symbol: 'none',
          lineStyle: { opacity: 0 },
          areaStyle: { color: C.band, opacity: 0.14 },
          silent: true,
          data: rows.map((r) => (r?.ci95 ? Math.round((r.ci95[1] - r.ci95[0]) * 10) / 10 : null)),
        },
        {
          name,
          type: 'line',
          symbolSize: 7,
          itemStyle: { color: C.line },
          lineStyle: { width: 2 },
          data: rows.map((r) => (r ? value(r) : null)),
          markLine: markLines,
        },
      ],
    };
  }, [trend, scale, interval, t]);

  const driverSets = useMemo(() => {
    if (!drivers) return null;
    const cats: Driver[] = drivers.categories.map((d) => ({ ...d, key: d.category, name: categoryName(d.category), field: 'category' }));
    const asps: Driver[] = drivers.aspects.map((d) => ({ ...d, key: d.aspect, name: d.aspect, field: 'aspect' }));
    return { cats, asps };
  }, [drivers, categoryName]);

  // the drivers follow the page's scale: CSAT answers give csatImpact, NPS answers npsImpact
  const impact = (d: DriverRow) => (scale === 'nps' ? d.npsImpact : (d.csatImpact ?? null));
  const impactLabel = scale === 'nps' ? 'npsImpact' : 'csatImpact';
  const valueLabel = (d: Driver | undefined) => `${signed(d ? impact(d) : null)} (n=${d?.n ?? 0})`;
  // On a phone a name with its low-sample mark on one line took most of the chart, leaving the bars a sliver
  // whose axis numbers ran together: the mark gets a line of its own and a long name breaks.
  const narrow = typeof matchMedia === 'function' && matchMedia('(max-width: 640px)').matches;
  const NARROW_NAME = 110;
  const driverName = (d: Driver) => {
    if (!narrow) return d.lowSample ? `${d.name}${paren(lang, t('lowSample'))}` : d.name;
    const name = wrapName(d.name, NARROW_NAME);
    return d.lowSample ? `${name}\n${paren(lang, t('lowSample')).trim()}` : name;
  };
  // The names' room on a phone, as wide as their widest line: without a width the chart capped them at half
  // its own (Chart), and kept all of that half however short the names were (网络信号 / （样本不足）, 72 px of
  // 170), so beside the value labels the bars had some 70 px and their axis numbers ran together (-30369125).
  const NAME_LINE = 14;
  /** A driver's row: on a phone as tall as its longest name's lines need (and a tap's 44 px), with a gap to the next name. */
  const rowHeight = (rows: Driver[]) => (narrow ? Math.max(44, Math.max(1, ...rows.map((d) => driverName(d).split('\n').length)) * NAME_LINE + 10) : 30);
  const narrowNames = (names: string[]) => ({
    // (a pixel or two over: a line exactly as wide as the room was cut short)
    width: Math.min(NARROW_NAME, Math.ceil(Math.max(1, ...names.flatMap((n) => n.split('\n')).map((line) => textWidth(line, LABEL_FONT)))) + 2),
    overflow: 'truncate',
    ellipsis: '…',
  });
  const driverOption = (rows: Driver[]): ChartOption => ({
    tooltip: {
      trigger: 'item',
      formatter: (p: { dataIndex: number }) => {
        const d = rows[p.dataIndex];
        if (!d) return '';
        return tipContent([
          [{ b: d.name }, d.lowSample ? ` · ${t('lowSample')}` : ''],
          [`${t(impactLabel)}: `, { b: signed(impact(d)) }],
          `${t('responses')}: ${d.n}`,
          `${t(scale === 'nps' ? 'detractorShare' : 'dissatisfiedShare')}: ${pct(d.detractorShare)}`,
          `${t(scale === 'nps' ? 'promoterShare' : 'satisfiedShare')}: ${pct(d.promoterShare)}`,
          `${t('meanWith')}: ${d.meanScoreWith ?? '—'}`,
          `${t('meanWithout')}: ${d.meanScoreWithout ?? '—'}`,
        ]);
      },
    },
    // containLabel keeps the tick labels inside the card but not the axis name below them: room for it;
    // nor the value labels right of the bars: the longest bar may end at the axis maximum, so the grid
    // leaves the widest label's room (plus the label's 5px distance) on the right.
    grid: { left: 8, right: Math.max(48, Math.ceil(Math.max(0, ...rows.map((d) => textWidth(valueLabel(d), LABEL_FONT)))) + 5 + 8), top: 8, bottom: 30, containLabel: true },
    xAxis: { type: 'value', name: t(impactLabel), nameLocation: 'middle', nameGap: 24 },
    yAxis: {
      type: 'category',
      inverse: true,
      data: rows.map(driverName),
      // Every bar named (interval 0): left to itself ECharts named only every other bar once the names were
      // taller than their rows (two three-line names side by side on a phone), and the top bar had none.
      axisLabel: { color: '#4b5563', interval: 0, ...(narrow ? { lineHeight: NAME_LINE, ...narrowNames(rows.map(driverName)) } : {}) },
    },
    series: [
      {
        name: t(impactLabel),
        type: 'bar',
        barMaxWidth: 22,
        // Dark text whatever the bar: a low-sample bar is pale, its numbers must not be.
        label: { show: true, position: 'right', color: '#374151', fontSize: LABEL_SIZE, formatter: (p: { dataIndex: number }) => valueLabel(rows[p.dataIndex]) },
        // Low-sample rows keep their direction colour but are washed out (a pale fill, not opacity, which
        // would fade the value label with the bar) with a dashed outline, so they read as "indicative".
        data: rows.map((d) => {
          const up = (impact(d) ?? 0) >= 0;
          const color = up ? C.detractor : C.promoter;
          return {
            value: impact(d) ?? 0,
            itemStyle: d.lowSample ? { color: up ? C.detractorPale : C.promoterPale, borderColor: color, borderType: 'dashed', borderWidth: 1.5 } : { color },
          };
        }),
      },
    ],
  });

  const driverTable = (rows: Driver[], aspects: boolean): ChartTable => ({
    columns: [
      t(aspects ? 'aspect' : 'category'),
      t(impactLabel),
      t('responses'),
      t(scale === 'nps' ? 'detractorShare' : 'dissatisfiedShare'),
      t(scale === 'nps' ? 'promoterShare' : 'satisfiedShare'),
      t('meanWith'),
      t('meanWithout'),
    ],
    rows: rows.map((d) => [
      d.lowSample ? `${d.name}${paren(lang, t('lowSample'))}` : d.name,
      signed(impact(d)),
      d.n,
      pct(d.detractorShare),
      pct(d.promoterShare),
      d.meanScoreWith ?? '—',
      d.meanScoreWithout ?? '—',
    ]),
    textColumns: aspects ? [0] : undefined,
    // a driver's name leads where a click on its bar does
    links: rows.map((d) => [href('feed', drillTo(d))]),
  });

  const o = trend?.overall;
  const activeFilters = Object.keys(filters).length;
  const headline = scale === 'nps' ? o?.nps : o?.csat;

  return (
    <div className="page page-pad nps-page" data-lang={lang}>
      {/* On a phone the form pushed the trend below the fold: it folds into the feed's drawer, its 筛选 beside the scales. */}
      <FilterDrawer drawer={drawer} id="nps-filters" className="bar-drawer">
        <FilterPanel route="nps" filters={filters} keys={KEYS} layout="bar" keep={keep} onApplied={() => drawer.setOpen(false)} />
      </FilterDrawer>
      <div className="toolbar nps-controls">
        <FilterToggle drawer={drawer} controls="nps-filters" count={activeFilters} />
        <div className="seg" role="radiogroup" aria-label={t('scale')}>
          {(['nps', 'csat'] as const).map((s) => (
            <button key={s} type="button" role="radio" aria-checked={scale === s} data-scale={s} className={`seg-btn ${scale === s ? 'on' : ''}`} onClick={() => go({ scale: s })}>
              {t(s === 'nps' ? 'scaleNps' : 'scaleCsat')}
            </button>
          ))}
        </div>
        <div className="seg" role="radiogroup" aria-label={t('interval')}>
          {INTERVALS.map((i) => (
            <button key={i} type="button" role="radio" aria-checked={interval === i} data-interval={i} className={`seg-btn ${interval === i ? 'on' : ''}`} onClick={() => go({ interval: i })}>
              {t(INTERVAL_KEY[i])}
            </button>
          ))}
        </div>
      </div>
      {error !== null && <ErrorPanel error={error} onRetry={() => setAttempt((n) => n + 1)} />}
      {o && (
        <div className="kpis nps-kpis">
          <div className="kpi kpi-nps">
            <span>{t(scale === 'nps' ? 'overallNps' : 'overallCsat')}</span>
            <b className={`nps-value ${scale === 'nps' && headline !== null && headline !== undefined ? (headline < 0 ? 'pol-negative' : 'pol-positive') : ''}`} data-value={headline ?? ''}>
              {headline === null || headline === undefined ? '—' : scale === 'nps' ? signed(headline) : `${headline.toFixed(1)}%`}
            </b>
            <small className="muted">
              {t('ci95')}: {o.ci95 ? `${o.ci95[0]} ~ ${o.ci95[1]}` : '—'}
            </small>
          </div>
          <div className="kpi">
            <span>{t('responses')}</span>
            <b className="nps-n">{o.n}</b>
            {/* drivers read only these: most respondents give a score and no comment */}
            <small className="muted nps-commented">{t('withComment', { n: trend.commented })}</small>
            {scale === 'csat' && <small className="muted">{t('meanScore')}: {o.mean ?? '—'}</small>}
          </div>
          {scale === 'nps' ? <NpsSplit promoters={o.promoters ?? 0} passives={o.passives ?? 0} detractors={o.detractors ?? 0} /> : <CsatSplit satisfied={o.satisfied ?? 0} neutral={o.neutral ?? 0} dissatisfied={o.dissatisfied ?? 0} n={o.n} />}
        </div>
      )}
      {o && o.n === 0 && activeFilters > 0 && <FilteredEmpty count={activeFilters} message="noAnswersFiltered" clear={href('nps', keep)} />}
      {trend && (
        <div className="chart-grid">
          <section className="card chart-card chart-wide">
            <h2 className="sub">{t(scale === 'nps' ? 'npsTrend' : 'csatTrend')}</h2>
            {trendOption && trend ? (
              <Chart
                label={t(scale === 'nps' ? 'npsTrend' : 'csatTrend')}
                option={trendOption}
                table={{
                  columns: [t('period'), scale === 'nps' ? 'NPS' : 'CSAT', t('ci95'), t('responses')],
                  rows: trend.series.map((r) => {
                    const v = scale === 'nps' ? r.nps : r.csat;
                    return [r.period, v === null || v === undefined ? '—' : v, r.ci95 ? `${r.ci95[0]} ~ ${r.ci95[1]}` : '—', r.n];
                  }),
                }}
              />
            ) : (
              <div className="empty">{t('noData')}</div>
            )}
          </section>
          {driverSets &&
            ([
              ['driversCategory', driverSets.cats, 'drivers-category'],
              ['driversAspect', driverSets.asps, 'drivers-aspect'],
            ] as const).map(([title, rows, cls]) => (
              <section key={cls} className={`card chart-card ${cls}`}>
                <h2 className="sub">{t(scale === 'nps' ? title : title === 'driversCategory' ? 'driversCategoryCsat' : 'driversAspectCsat')}</h2>
                <p className="muted small chart-note">
                  {t('driversHint')} · {t('lowSampleHint', { n: drivers?.minCount ?? 30 })}
                </p>
                {rows.length ? (
                  <Chart
                    label={t(scale === 'nps' ? title : title === 'driversCategory' ? 'driversCategoryCsat' : 'driversAspectCsat')}
                    option={driverOption(rows)}
                    table={driverTable(rows, title === 'driversAspect')}
                    height={Math.max(160, rows.length * rowHeight(rows) + 40)}
                    onClick={(p) => rows[p.dataIndex] && drill(rows[p.dataIndex]!)}
                  />
                ) : (
                  <div className="empty">{t('noData')}</div>
                )}
              </section>
            ))}
        </div>
      )}
      {!trend && error === null && <div className="muted">{t('loading')}</div>}
    </div>
  );
}

function NpsSplit({ promoters, passives, detractors }: { promoters: number; passives: number; detractors: number }) {
  const { t, lang } = useI18n();
  const n = promoters + passives + detractors;
  const parts = [
    ['promoter', 'promoters', promoters],
    ['passive', 'passives', passives],
    ['detractor', 'detractors', detractors],
  ] as const;
  return (
    <div className="kpi nps-split">
      <span>
        {parts.map(([band, label, count]) => (
          <span key={band} className={`split-legend split-${band}`} data-band={band} data-count={count}>
            {t(label)} {count}{paren(lang, `${n ? ((count / n) * 100).toFixed(1) : '0.0'}%`)}
          </span>
        ))}
      </span>
      <div className="split-bar" aria-hidden>
        {parts.map(([band, , count]) => (n && count ? <div key={band} className={`split-${band}`} style={{ flexGrow: count }} /> : null))}
      </div>
    </div>
  );
}

/** CSAT's three groups as NPS shows its three: satisfied (4–5), neutral (3), dissatisfied (1–2), each with count and share. */
function CsatSplit({ satisfied, neutral, dissatisfied, n }: { satisfied: number; neutral: number; dissatisfied: number; n: number }) {
  const { t, lang } = useI18n();
  const share = (count: number) => `${n ? ((count / n) * 100).toFixed(1) : '0.0'}%`;
  const bands = [
    ['satisfied', 'satisfiedBand', satisfied, 'split-satisfied', 'split-promoter'],
    ['neutral', 'neutralBand', neutral, 'split-passive', 'split-passive'],
    ['dissatisfied', 'dissatisfiedBand', dissatisfied, 'split-notsatisfied', 'split-notsatisfied'],
  ] as const;
  return (
    <div className="kpi nps-split">
      <span>
        {bands.map(([band, label, count, legend]) => (
          <span key={band} className={`split-legend ${legend}`} data-band={band} data-count={count}>
            {t(label)} {count}
            {paren(lang, share(count))}
          </span>
        ))}
      </span>
      <div className="split-bar" aria-hidden>
        {n > 0 && bands.map(([band, , count, , bar]) => count > 0 && <div key={band} className={bar} style={{ flexGrow: count }} />)}
      </div>
    </div>
  );
}

