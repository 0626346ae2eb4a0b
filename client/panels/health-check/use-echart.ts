/**
 * One Apache ECharts instance in a div, for the 体检 charts (radar, bars, sparklines): only the chart
 * types used are registered (tree-shaken), the instance follows the div's size, is made again when
 * the div is replaced, and is disposed with the component.
 */
import { BarChart, LineChart, RadarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, RadarComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

echarts.use([BarChart, LineChart, RadarChart, GridComponent, LegendComponent, RadarComponent, TooltipComponent, CanvasRenderer]);

export type ChartOption = Parameters<echarts.ECharts['setOption']>[0];

/** A ref for the chart's div; the option is applied whenever it changes (memoise it). */
export function useEChart(option: ChartOption | null) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<{ c: echarts.ECharts; ro: ResizeObserver } | null>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el || !option) return;
    if (chart.current && chart.current.c.getDom() !== el) {
      chart.current.ro.disconnect();
      chart.current.c.dispose();
      chart.current = null;
    }
    if (!chart.current) {
      const c = echarts.init(el, undefined, { renderer: 'canvas' });
      const ro = new ResizeObserver(() => c.resize());
      ro.observe(el);
      chart.current = { c, ro };
    }
    chart.current.c.setOption(option, { notMerge: true });
  }, [option]);
  useEffect(() => () => {
    chart.current?.ro.disconnect();
    chart.current?.c.dispose();
    chart.current = null;
  }, []);
  return ref;
}
