/**
 * A bar chart drawn by Chart.js on a canvas. The canvas is an image with a summary as its name;
 * the numbers themselves are in the table view beside it (see CampaignCharts).
 */
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip, type ChartConfiguration } from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';
import type { ChartTheme } from './theme';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

export interface BarSeries {
  label: string;
  data: number[];
  /** One colour, or one per bar. */
  color: string | string[];
}

export interface BarChartProps {
  labels: string[];
  series: BarSeries[];
  /** The accessible name: what the chart shows, in words. */
  summary: string;
  theme: ChartTheme;
  stacked?: boolean;
  horizontal?: boolean;
  height?: number;
}

export function barConfig({ labels, series, theme, stacked = false, horizontal = false }: BarChartProps): ChartConfiguration<'bar'> {
  const axis = { stacked, ticks: { color: theme.fg, precision: 0 }, grid: { color: theme.grid }, border: { color: theme.grid } };
  return {
    type: 'bar',
    data: {
      labels,
      datasets: series.map((s) => ({ label: s.label, data: s.data, backgroundColor: s.color, borderColor: s.color, borderWidth: 0, maxBarThickness: 28 })),
    },
    options: {
      indexAxis: horizontal ? 'y' : 'x',
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: { x: { ...axis, beginAtZero: true }, y: { ...axis, beginAtZero: true } },
      plugins: {
        legend: { display: series.length > 1, labels: { color: theme.fg, boxWidth: 12 } },
        tooltip: { enabled: true },
      },
    },
  };
}

export function BarChart(props: BarChartProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart<'bar'> | null>(null);
  const config = barConfig(props);

  // Redrawn only when what it shows changes, not on every render of the page around it.
  const key = JSON.stringify([props.labels, props.series, props.theme, props.stacked, props.horizontal]);
  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    // No 2D context (a test DOM, a locked-down browser): the table view still has the numbers.
    let ctx: CanvasRenderingContext2D | null = null;
    try {
      ctx = el.getContext('2d');
    } catch {
      ctx = null;
    }
    if (!ctx) return;
    if (chart.current) {
      chart.current.data = config.data;
      chart.current.options = config.options!;
      chart.current.update();
    } else {
      chart.current = new Chart(ctx, config);
    }
  }, [key]);

  useEffect(
    () => () => {
      chart.current?.destroy();
      chart.current = null;
    },
    [],
  );

  return (
    <div class="u-chart" style={{ height: `${props.height ?? 180}px` }}>
      <canvas ref={canvas} role="img" aria-label={props.summary}>
        {props.summary}
      </canvas>
    </div>
  );
}
