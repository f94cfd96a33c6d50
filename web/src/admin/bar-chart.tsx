// A bar chart drawn by Chart.js on a <canvas>: no inline styles or scripts
// (Chart.js sizes the canvas through the CSSOM, which the console's
// Content-Security-Policy allows), no network. Only the parts of Chart.js a
// bar chart needs are registered, so the dashboard's chunk stays small.
// A visually hidden table beside the canvas carries the same numbers for
// screen readers (and for tests).
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from "chart.js";
import { useEffect, useRef } from "preact/hooks";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

/** One series of a chart: a label and a value per category. */
export interface Series {
  label: string;
  color: string;
  values: number[];
}

export function BarChart({ title, labels, series, testid }: { title: string; labels: string[]; series: Series[]; testid: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart<"bar"> | null>(null);

  useEffect(() => {
    if (!canvas.current) return;
    chart.current = new Chart(canvas.current, {
      type: "bar",
      data: { labels: [], datasets: [] },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { position: "bottom" } },
      },
    });
    return () => {
      chart.current?.destroy();
      chart.current = null;
    };
  }, []);

  // New numbers update the chart in place (a live event changes one bar).
  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    c.data.labels = labels;
    c.data.datasets = series.map((s) => ({ label: s.label, data: s.values, backgroundColor: s.color }));
    c.update();
  }, [labels, series]);

  return (
    <figure class="admin-chart" data-testid={testid}>
      <figcaption>{title}</figcaption>
      <div class="admin-chart__canvas">
        <canvas ref={canvas} role="img" aria-label={title} />
      </div>
      <table class="visually-hidden" data-testid={`${testid}-data`}>
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">Period</th>
            {series.map((s) => (
              <th key={s.label} scope="col">
                {s.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {labels.map((l, i) => (
            <tr key={l}>
              <th scope="row">{l}</th>
              {series.map((s) => (
                <td key={s.label}>{s.values[i]}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
