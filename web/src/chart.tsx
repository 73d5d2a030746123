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

/**
 * The numbers behind a chart. A canvas says nothing to a screen reader, and series told apart by
 * colour alone say nothing to a colour-blind reader: the table says both in words.
 */
export interface ChartTable {
  columns: string[];
  rows: (string | number)[][];
  /** Columns holding customers' words (aspects), marked as Chinese whatever the console's language. */
  textColumns?: number[];
}

export function Chart({
  option,
  onClick,
  height = 280,
  label,
  table,
}: {
  option: ChartOption;
  onClick?: (p: ChartClick) => void;
  height?: number;
  label: string;
  table?: ChartTable;
}) {
  const { t } = useI18n();
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const clickRef = useRef(onClick);
  clickRef.current = onClick;

  useEffect(() => {
    if (!el.current) return;
    const c = echarts.init(el.current, undefined, { renderer: 'canvas' });
    chart.current = c;
    c.on('click', (p) => clickRef.current?.(p as unknown as ChartClick));
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el.current);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption({ textStyle: { fontFamily: CHART_FONT }, animation: false, ...option }, true);
    // What was drawn, for the browser tests: a canvas tells them nothing else (axes, gaps, styles).
    if (el.current) (el.current as HTMLDivElement & { chartOption?: ChartOption }).chartOption = option;
  }, [option]);

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
                    {r.map((v, j) =>
                      j === 0 ? (
                        <th key={j} scope="row" lang={table.textColumns?.includes(j) ? TEXT_LANG : undefined}>
                          {v}
                        </th>
                      ) : (
                        <td key={j} className={typeof v === 'number' ? 'num' : undefined} lang={table.textColumns?.includes(j) ? TEXT_LANG : undefined}>
                          {v}
                        </td>
                      ),
                    )}
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
