import './accounts.css';
import { scaleLinear, scaleTime } from '@visx/scale';
import { LinePath } from '@visx/shape';
import { formatDate } from '../../lib/format';

export interface LineSeries {
  key: string;
  label: string;
  // A CSS class that colours the line (and its legend swatch) in light and dark mode.
  className: string;
  values: number[];
  dashed?: boolean;
}

// A small time-series chart: one line per series over shared dates. The numbers are also in a table that a
// screen reader reads (the SVG itself is one image with a summary), so nothing is only in the picture.
export function LineChart({
  title,
  dates,
  series,
  format,
  width = 640,
  height = 200,
}: {
  title: string;
  dates: string[];
  series: LineSeries[];
  format: (n: number) => string;
  width?: number;
  height?: number;
}) {
  const pad = { top: 12, right: 12, bottom: 24, left: 12 };
  const all = series.flatMap((s) => s.values);
  const min = Math.min(0, ...all);
  const max = Math.max(1, ...all);
  const time = dates.map((d) => Date.parse(`${d}T00:00:00Z`));
  const x = scaleTime<number>({
    domain: [time[0] ?? 0, time.at(-1) ?? 1],
    range: [pad.left, width - pad.right],
  });
  const y = scaleLinear<number>({ domain: [min, max], range: [height - pad.bottom, pad.top], nice: true });
  const first = dates[0];
  const last = dates.at(-1);
  const summary = series
    .map(
      (s) =>
        `${s.label} ${format(s.values[0] ?? 0)} on ${formatDate(first ?? '')}, ${format(s.values.at(-1) ?? 0)} on ${formatDate(last ?? '')}`,
    )
    .join('; ');
  return (
    <figure className="line-chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${title}: ${summary}`}>
        <line className="axis" x1={pad.left} x2={width - pad.right} y1={y(0)} y2={y(0)} />
        {series.map((s) => (
          <LinePath
            key={s.key}
            className={`line ${s.className}`}
            data={s.values.map((v, i) => [time[i], v] as const)}
            x={(d) => x(d[0])}
            y={(d) => y(d[1])}
            strokeDasharray={s.dashed ? '5 4' : undefined}
          />
        ))}
        <text className="tick" x={pad.left} y={height - 6}>
          {formatDate(first ?? '')}
        </text>
        <text className="tick" x={width - pad.right} y={height - 6} textAnchor="end">
          {formatDate(last ?? '')}
        </text>
      </svg>
      <figcaption className="lc-legend">
        {series.map((s) => (
          <span key={s.key} className="lc-legend-item">
            <span className={`lc-swatch ${s.className}`} aria-hidden="true" />
            {s.label}: <strong>{format(s.values.at(-1) ?? 0)}</strong>
          </span>
        ))}
      </figcaption>
      <details className="chart-data">
        <summary>Show the numbers</summary>
        <div className="table-scroll">
          <table>
            <caption className="sr-only">{title}</caption>
            <thead>
              <tr>
                <th scope="col">Date</th>
                {series.map((s) => (
                  <th key={s.key} scope="col" className="num">
                    {s.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {dates.map((d, i) => (
                <tr key={d}>
                  <th scope="row">{formatDate(d)}</th>
                  {series.map((s) => (
                    <td key={s.key} className="num">
                      {format(s.values[i] ?? 0)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
