import { useEffect, useRef } from 'react';
import { TEXT_LANG, useI18n } from './i18n';
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

// Registering only what the dashboard, NPS and journey pages draw keeps echarts' share of the bundle small.
echarts.use([BarChart, LineChart, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, CanvasRenderer]);

export type ChartOption = echarts.EChartsCoreOption;
export interface ChartClick {
  seriesName?: string;
  seriesIndex?: number;
  name: string;
  dataIndex: number;
  value: unknown;
}

export const CHART_FONT = '"WenQuanYi Zen Hei", "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif';

/** One line of a tooltip: text, or runs of text of which those given as `{ b }` are bold. */
export type TipLine = string | (string | { b: string })[];

function node<K extends keyof HTMLElementTagNameMap>(tag: K, className: string | null, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/**
 * A tooltip's content as elements, never markup. ECharts puts a formatter's string into the page
 * with innerHTML, and its own default tooltip is markup full of style attributes, which the console's
 * CSP (style-src 'self', no 'unsafe-inline') refuses, leaving the tooltip unstyled. Elements built
 * here carry classes (app.css) instead, and every string goes in as text, so customers' words
 * (aspect names) can never become markup.
 */
export function tipContent(lines: TipLine[]): HTMLElement {
  const box = node('div', 'chart-tip');
  for (const line of lines) {
    const row = node('div', null);
    for (const part of typeof line === 'string' ? [line] : line) row.append(typeof part === 'string' ? part : node('b', null, part.b));
    box.append(row);
  }
  return box;
}

/** What ECharts hands a tooltip formatter about one series at the pointer. */
interface TipParam {
  seriesName?: string;
  name?: string;
  axisValueLabel?: string;
  value?: unknown;
  color?: unknown;
  dataIndex: number;
}
type ValueFormatter = (value: unknown, dataIndex: number) => string;

const NUMBER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 20 });
const readable = (v: unknown): string =>
  v === null || v === undefined || v === '' || (typeof v === 'number' && Number.isNaN(v)) ? '-' : typeof v === 'number' ? NUMBER.format(v) : String(v);

/**
 * ECharts' default tooltip (a header, then a coloured marker, name and value per series) built as
 * elements: the marker's colour is set through the CSSOM (element.style), which the CSP allows.
 */
function defaultTip(params: TipParam | TipParam[], valueFormatter?: ValueFormatter): HTMLElement {
  const axis = Array.isArray(params);
  const ps = axis ? params : [params];
  const box = node('div', 'chart-tip');
  const head = axis ? (ps[0]?.axisValueLabel ?? ps[0]?.name) : ps[0]?.seriesName;
  if (head) box.append(node('div', 'chart-tip-head', head));
  for (const p of ps) {
    const row = node('div', 'chart-tip-row');
    const marker = node('span', 'chart-tip-marker');
    if (typeof p.color === 'string') marker.style.backgroundColor = p.color;
    const value = valueFormatter ? valueFormatter(p.value, p.dataIndex) : readable(p.value);
    row.append(marker, node('span', 'chart-tip-name', (axis ? p.seriesName : p.name) ?? ''), node('b', 'chart-tip-value', value));
    box.append(row);
  }
  return box;
}

/** The option with a tooltip that builds elements (see tipContent) where it would have been ECharts' markup. */
function withElementTooltip(option: ChartOption): ChartOption {
  const tooltip = option.tooltip as { formatter?: unknown; valueFormatter?: ValueFormatter } | undefined;
  if (!tooltip || typeof tooltip !== 'object' || Array.isArray(tooltip) || tooltip.formatter !== undefined) return option;
  const { valueFormatter } = tooltip;
  return { ...option, tooltip: { ...tooltip, formatter: (p: TipParam | TipParam[]) => defaultTip(p, valueFormatter) } };
}

let measuring: CanvasRenderingContext2D | null = null;

/** How wide `text` is drawn in `font` (a canvas' measure, as the chart's own canvas draws it). */
export function textWidth(text: string, font: string): number {
  measuring ??= document.createElement('canvas').getContext('2d');
  if (!measuring) return text.length * 8;
  measuring.font = font;
  return measuring.measureText(text).width;
}

/** ECharts' axis label font. */
const NAME_FONT = `12px ${CHART_FONT}`;

/** The width of the widest name in ECharts' axis label font (12px CHART_FONT); a name of several lines is as wide as its widest line. */
function widestName(names: string[]): number {
  return Math.max(0, ...names.flatMap((s) => s.split('\n')).map((s) => textWidth(s, NAME_FONT)));
}

/** `name` broken at spaces into lines of at most `max` px of axis name where it can be (English names; a word longer stays whole). */
export function wrapName(name: string, max: number): string {
  const lines: string[] = [];
  for (const word of name.split(' ')) {
    const last = lines[lines.length - 1];
    if (last !== undefined && textWidth(`${last} ${word}`, NAME_FONT) <= max) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines.join('\n');
}

const SLANT = 35;

/**
 * A category x axis that shows every name (`interval: 0`) and leaves `rotate` unset: its names stand upright
 * while each fits under its bar, and are slanted once one does not. Whether they fit depends on the names
 * (English ones are longer) and on the chart's width, known only once it is drawn, so this runs again on a
 * resize. Returns the option as drawn.
 */
function fitCategoryNames(c: echarts.ECharts, option: ChartOption): ChartOption {
  const x = option.xAxis as { type?: string; data?: unknown[]; axisLabel?: { interval?: unknown; rotate?: number } } | undefined;
  if (!x || Array.isArray(x) || x.type !== 'category' || !x.data || x.axisLabel?.interval !== 0 || x.axisLabel.rotate !== undefined) return option;
  const band = x.data.length > 1 ? Math.abs(Number(c.convertToPixel({ xAxisIndex: 0 }, 1)) - Number(c.convertToPixel({ xAxisIndex: 0 }, 0))) : c.getWidth();
  // a little space between neighbours
  const rotate = widestName(x.data.map(String)) + 8 > band ? SLANT : 0;
  c.setOption({ xAxis: { axisLabel: { rotate } } });
  return { ...option, xAxis: { ...x, axisLabel: { ...x.axisLabel, rotate } } };
}

/** The share of the chart's width a category y axis' names may take: the bars keep the rest. */
const NAME_SHARE = 0.5;

/**
 * Caps the names of a category y axis (the dashboard's channels and aspects, the NPS drivers) at NAME_SHARE
 * of the chart's width, cutting a longer one short with an ellipsis (the tooltip and the data table keep it
 * whole). A channel is whatever an ingest key sends, up to 64 characters: on a phone one such name took the
 * whole chart, left no room for any bar and ran its own start off the left edge. Runs again on a resize.
 */
function capCategoryNames(c: echarts.ECharts, option: ChartOption): ChartOption {
  const y = option.yAxis as { type?: string; axisLabel?: { width?: number } } | undefined;
  if (!y || Array.isArray(y) || y.type !== 'category' || y.axisLabel?.width !== undefined) return option;
  const axisLabel = { width: Math.floor(c.getWidth() * NAME_SHARE), overflow: 'truncate', ellipsis: '…' };
  c.setOption({ yAxis: { axisLabel } });
  return { ...option, yAxis: { ...y, axisLabel: { ...y.axisLabel, ...axisLabel } } };
}

/** A text the chart drew (an axis name, a value label, a legend entry), with its box in CSS pixels from the chart's top left corner. */
export interface DrawnText {
  text: string;
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/**
 * Every text the chart has drawn, with its box: for the browser tests, which can read the canvas' pixels but
 * not which text lies where (a name running off the chart's edge is cut, not an error anywhere).
 */
function drawnTexts(c: echarts.ECharts): DrawnText[] {
  const out: DrawnText[] = [];
  for (const d of c.getZr().storage.getDisplayList(true)) {
    const text = (d.style as { text?: unknown }).text;
    // ECharts' texts are drawn as runs (one per line), each a 'tspan' with its own transform
    if ((d.type !== 'tspan' && d.type !== 'text') || typeof text !== 'string' || text === '') continue;
    const r = d.getBoundingRect().clone();
    const m = d.getComputedTransform();
    if (m) r.applyTransform(m);
    out.push({ text, left: r.x, top: r.y, right: r.x + r.width, bottom: r.y + r.height });
  }
  return out;
}

/** A series' data points as drawn, in CSS pixels from the chart's top left corner (null where a value is missing), and where its value 0 lies (a bar's foot). */
export interface DrawnSeries {
  name: string;
  type: string;
  points: ([number, number] | null)[];
  zeroY: number;
}

const valueOf = (d: unknown): unknown => (d !== null && typeof d === 'object' && 'value' in d ? (d as { value: unknown }).value : d);

/** The series' points as drawn: for the browser tests (where a label lies against the line it names), and for placing mark line labels. */
function drawnSeries(c: echarts.ECharts): DrawnSeries[] {
  const series = (c.getOption() as { series?: { name?: string; type?: string; data?: unknown[] }[] }).series ?? [];
  return series.map((s, seriesIndex) => {
    const px = (i: number, v: number): [number, number] | null => {
      const p = c.convertToPixel({ seriesIndex }, [i, v]) as unknown;
      return Array.isArray(p) ? [Number(p[0]), Number(p[1])] : null;
    };
    return {
      name: String(s.name ?? ''),
      type: String(s.type ?? ''),
      points: (s.data ?? []).map((d, i) => {
        const v = valueOf(d);
        return typeof v === 'number' ? px(i, v) : null;
      }),
      zeroY: px(0, 0)?.[1] ?? NaN,
    };
  });
}

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** Whether the segment from a to b crosses the box (Liang–Barsky clipping). */
function segmentHitsBox(a: [number, number], b: [number, number], r: Box): boolean {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  let t0 = 0;
  let t1 = 1;
  for (const [p, q] of [
    [-dx, a[0] - r.left],
    [dx, r.right - a[0]],
    [-dy, a[1] - r.top],
    [dy, r.bottom - a[1]],
  ] as const) {
    if (p === 0) {
      if (q < 0) return false;
      continue;
    }
    const t = q / p;
    if (p < 0) t0 = Math.max(t0, t);
    else t1 = Math.min(t1, t);
    if (t0 > t1) return false;
  }
  return true;
}

/** How many of the drawn series' marks (line segments, points, bars) the box touches. */
function marksUnder(series: DrawnSeries[], box: Box): number {
  // a point's symbol (symbolSize 10 on the journey) and a line's width stand out from the path itself
  const r = { left: box.left - 5, top: box.top - 5, right: box.right + 5, bottom: box.bottom + 5 };
  let hits = 0;
  for (const s of series) {
    const pts = s.points.filter((p): p is [number, number] => p !== null);
    if (s.type === 'bar') {
      for (const [x, y] of pts) if (x + 7 >= box.left && x - 7 <= box.right && Math.max(y, s.zeroY) >= box.top && Math.min(y, s.zeroY) <= box.bottom) hits++;
    } else if (s.type === 'line') {
      for (const p of pts) if (p[0] >= r.left && p[0] <= r.right && p[1] >= r.top && p[1] <= r.bottom) hits++;
      for (let i = 1; i < pts.length; i++) if (segmentHitsBox(pts[i - 1]!, pts[i]!, box)) hits++;
    }
  }
  return hits;
}

/** Where a horizontal mark line's label may go: at either end of the line or its middle, above or below it. */
const MARK_LABEL_PLACES = ['insideEndTop', 'insideEndBottom', 'insideStartTop', 'insideStartBottom', 'insideMiddleTop', 'insideMiddleBottom'] as const;

/**
 * Puts the label of each horizontal mark line (the journey's churn threshold) where the chart's own marks
 * leave it free: at the line's end above it unless the series' line, points or bars pass there (a customer
 * crossing the threshold at their latest touchpoints drew the line right through 流失风险阈值), else at
 * the first free place of MARK_LABEL_PLACES, else at the one fewest marks cross. Only labels whose option
 * leaves `position` unset; runs again on a resize.
 */
function placeMarkLineLabels(c: echarts.ECharts, option: ChartOption): ChartOption {
  const list = option.series as { markLine?: { data?: { yAxis?: unknown }[]; label?: { position?: string; formatter?: unknown } } }[] | undefined;
  const x = option.xAxis as { type?: string; data?: unknown[] } | undefined;
  if (!Array.isArray(list) || !x || Array.isArray(x) || x.type !== 'category' || !x.data?.length) return option;
  if (!list.some((s) => s.markLine?.label && s.markLine.label.position === undefined)) return option;
  const drawn = drawnSeries(c);
  const n = x.data.length;
  const at = (i: number) => Number(c.convertToPixel({ xAxisIndex: 0 }, i));
  const band = n > 1 ? Math.abs(at(1) - at(0)) : c.getWidth() / 2;
  const [xStart, xEnd] = [at(0) - band / 2, at(n - 1) + band / 2];
  const places: (string | undefined)[] = list.map(() => undefined);
  list.forEach((s, seriesIndex) => {
    const label = s.markLine?.label;
    const y = s.markLine?.data?.length === 1 ? s.markLine.data[0]!.yAxis : undefined;
    if (!label || label.position !== undefined || typeof label.formatter !== 'string' || typeof y !== 'number') return;
    const lineY = Number((c.convertToPixel({ seriesIndex }, [0, y]) as unknown as number[])[1]);
    const width = widestName([label.formatter]);
    // ECharts sets the label 5 px off the line, in 12 px text (a line box of about 14 px)
    const boxOf = (place: string): Box => {
      const left = place.includes('End') ? xEnd - width : place.includes('Start') ? xStart : (xStart + xEnd - width) / 2;
      const top = place.endsWith('Top') ? lineY - 5 - 14 : lineY + 5;
      return { left, top, right: left + width, bottom: top + 14 };
    };
    let best: { place: string; hits: number } | null = null;
    for (const place of MARK_LABEL_PLACES) {
      const hits = marksUnder(drawn, boxOf(place));
      if (!best || hits < best.hits) best = { place, hits };
      if (hits === 0) break;
    }
    places[seriesIndex] = best!.place;
  });
  if (places.every((p) => p === undefined)) return option;
  c.setOption({ series: places.map((position) => (position ? { markLine: { label: { position } } } : {})) });
  return { ...option, series: list.map((s, i) => (places[i] ? { ...s, markLine: { ...s.markLine, label: { ...s.markLine!.label, position: places[i] } } } : s)) };
}

/**
 * A category x axis whose names are thinned counting back from its last (`thinFromEnd`, the journey: the
 * newest touchpoint is the one an analyst looks for): every `step`-th name from the end, `step` the fewest
 * bands the widest name needs. ECharts' own thinning counts from the first and may skip the last, and then
 * the room made for the last name (roomForLastName) was room for a name never drawn: on a phone the
 * journey's line stopped 55 px short of the chart's edge. The names shown no longer depend on the grid's
 * size, so `containLabel` keeps the last one inside. Runs again on a resize.
 */
function thinNamesFromEnd(c: echarts.ECharts, option: ChartOption): ChartOption {
  const x = option.xAxis as { type?: string; data?: unknown[]; axisLabel?: Record<string, unknown> } | undefined;
  if (!x || Array.isArray(x) || x.type !== 'category' || !x.data || x.data.length < 2) return option;
  const n = x.data.length;
  const room = widestName(x.data.map(String)) + 12;
  let interval = (_i: number) => true;
  // the grid shrinks or grows with the names shown: settle on a step that holds at the size it gives
  for (let step = 0, k = 0; k < 4; k++) {
    const band = Math.abs(Number(c.convertToPixel({ xAxisIndex: 0 }, 1)) - Number(c.convertToPixel({ xAxisIndex: 0 }, 0)));
    const next = Math.max(1, Math.ceil(room / Math.max(band, 1)));
    if (next <= step) break;
    step = next;
    interval = (i: number) => (n - 1 - i) % next === 0;
    c.setOption({ xAxis: { axisLabel: { interval } } });
  }
  return { ...option, xAxis: { ...x, axisLabel: { ...x.axisLabel, interval } } };
}

/**
 * Room on the right for the last name of a category x axis whose names ECharts thins out itself (no
 * `interval`: the dashboard's and NPS page's days and weeks, the journey's times). Each name it shows is
 * centred on its point, the last day's on the axis' end, and `containLabel` does not keep it inside: it makes
 * room for the names shown before the grid shrank, and the thinning after may end on another (with 55 days
 * at 1366 px, 2026-11-30 ran 11 px past the chart's edge). Half the widest name, past the axis' end, fits.
 */
function roomForLastName(option: ChartOption): ChartOption {
  const x = option.xAxis as { type?: string; data?: unknown[]; axisLabel?: { interval?: unknown; rotate?: number; formatter?: unknown } } | undefined;
  const grid = option.grid as { right?: unknown } | undefined;
  if (!x || Array.isArray(x) || x.type !== 'category' || !x.data?.length || x.axisLabel?.interval !== undefined || x.axisLabel?.rotate) return option;
  if (!grid || Array.isArray(grid) || typeof grid.right !== 'number') return option;
  // the names as drawn: through the axis' formatter when it has one (the NPS trend's days without their year)
  const format = x.axisLabel?.formatter;
  const names = x.data.map((d) => (typeof format === 'function' ? String((format as (v: string) => unknown)(String(d))) : String(d)));
  const right = Math.max(grid.right, Math.ceil(widestName(names) / 2) + 4);
  return right === grid.right ? option : { ...option, grid: { ...grid, right } };
}

/**
 * The numbers behind a chart. A canvas says nothing to a screen reader, and series told apart by
 * colour alone say nothing to a colour-blind reader: the table says both in words.
 */
export interface ChartTable {
  columns: string[];
  rows: (string | number)[][];
  /** Columns holding customers' words (aspects), marked as Chinese whatever the console's language. */
  textColumns?: number[];
  /**
   * Per row, per column: where a cell leads (a console href), for the cells whose bar or point a click
   * opens, so the keyboard reaches the same filtered feed the mouse does; null where a cell leads nowhere.
   */
  links?: (string | null)[][];
}

export function Chart({
  option,
  onClick,
  height = 280,
  label,
  table,
  thinFromEnd = false,
}: {
  option: ChartOption;
  onClick?: (p: ChartClick) => void;
  height?: number;
  label: string;
  table?: ChartTable;
  /** A category x axis' names thinned counting back from the last, which is always shown (thinNamesFromEnd). */
  thinFromEnd?: boolean;
}) {
  const { t } = useI18n();
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const clickRef = useRef(onClick);
  clickRef.current = onClick;
  const optionRef = useRef(option);
  optionRef.current = option;
  const fromEndRef = useRef(thinFromEnd);
  fromEndRef.current = thinFromEnd;

  /** Fits the category names to the chart's width; the option as drawn, and what it drew, are kept for the browser tests (see below). */
  const fit = () => {
    const c = chart.current;
    if (!c || !el.current) return;
    const named = fromEndRef.current ? thinNamesFromEnd(c, optionRef.current) : roomForLastName(optionRef.current);
    const drawn = placeMarkLineLabels(c, capCategoryNames(c, fitCategoryNames(c, named)));
    const host = el.current as HTMLDivElement & { chartOption?: ChartOption; chartTexts?: () => DrawnText[]; chartSeries?: () => DrawnSeries[] };
    host.chartOption = drawn;
    host.chartTexts = () => drawnTexts(c);
    host.chartSeries = () => drawnSeries(c);
  };

  useEffect(() => {
    if (!el.current) return;
    const c = echarts.init(el.current, undefined, { renderer: 'canvas' });
    chart.current = c;
    c.on('click', (p) => clickRef.current?.(p as unknown as ChartClick));
    const ro = new ResizeObserver(() => {
      c.resize();
      fit();
    });
    ro.observe(el.current);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption({ textStyle: { fontFamily: CHART_FONT }, animation: false, ...withElementTooltip(thinFromEnd ? option : roomForLastName(option)) }, true);
    // What was drawn, for the browser tests: a canvas tells them nothing else (axes, gaps, styles).
    fit();
  }, [option, thinFromEnd]);

  return (
    <>
      <div ref={el} className={`chart ${onClick ? 'chart-click' : ''}`} style={{ height }} role="img" aria-label={label} />
      {table && (
        <details className="chart-data">
          <summary>{t('chartData')}</summary>
          <div className="table-scroll">
            <table className="grid">
              <caption className="sr-only">{t('chartDataOf', { title: label })}</caption>
              <thead>
                <tr>
                  {table.columns.map((c, i) => (
                    <th key={i} scope="col" className={i > 0 && typeof table.rows[0]?.[i] === 'number' ? 'num' : undefined}>
                      {c}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {table.rows.map((r, i) => (
                  <tr key={i}>
                    {r.map((v, j) => {
                      const to = table.links?.[i]?.[j];
                      const cell = to ? <a href={to}>{v}</a> : v;
                      return j === 0 ? (
                        <th key={j} scope="row" lang={table.textColumns?.includes(j) ? TEXT_LANG : undefined}>
                          {cell}
                        </th>
                      ) : (
                        <td key={j} className={typeof v === 'number' ? 'num' : undefined} lang={table.textColumns?.includes(j) ? TEXT_LANG : undefined}>
                          {cell}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      )}
    </>
  );
}
