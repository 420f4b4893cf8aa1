import { Group } from '@visx/group';
import { scaleBand, scaleLinear } from '@visx/scale';
import { Bar } from '@visx/shape';
import { type MouseEvent } from 'react';
import { navigate } from '../../app/router';

export interface BarDatum {
  key: string;
  label: string;
  value: number;
  // The same measure for the previous period (month view), drawn beside it.
  previous?: number;
  // The transactions behind the number.
  href: string;
  // Said to a screen reader and shown as the bar's value.
  valueText: string;
  description: string;
}

const ROW = 34;
const LABEL_W = 150;
const VALUE_W = 96;

// Horizontal bars, one row per group: long category and merchant names stay readable at 390 px. Each bar is a
// link (SVG <a>: focusable, Enter follows it) to the transactions behind it, named by its label and value.
export function BarChart({ data, title, width = 640 }: { data: BarDatum[]; title: string; width?: number }) {
  const compare = data.some((d) => d.previous !== undefined);
  const rowHeight = compare ? ROW + 12 : ROW;
  const height = data.length * rowHeight + 8;
  const max = Math.max(1, ...data.map((d) => Math.max(d.value, d.previous ?? 0)));
  const barSpace = Math.max(60, width - LABEL_W - VALUE_W);
  const x = scaleLinear<number>({ domain: [0, max], range: [0, barSpace] });
  const y = scaleBand<string>({ domain: data.map((d) => d.key), range: [0, height - 8], padding: 0.2 });
  const follow = (href: string) => (e: MouseEvent) => {
    if (e.metaKey || e.ctrlKey || e.shiftKey) return;
    e.preventDefault();
    navigate(href);
  };
  return (
    <svg className="chart" viewBox={`0 0 ${width} ${height}`} role="group" aria-label={title}>
      {data.map((d) => {
        const top = y(d.key) ?? 0;
        const band = y.bandwidth();
        const main = compare ? band * 0.6 : band;
        return (
          <a key={d.key} href={d.href} onClick={follow(d.href)} aria-label={`${d.label}: ${d.description}`}>
            <Group top={top}>
              <text x={0} y={main / 2} dominantBaseline="middle" className="bar-label">
                {d.label.length > 20 ? `${d.label.slice(0, 19)}…` : d.label}
              </text>
              <Bar className="bar" x={LABEL_W} y={0} width={Math.max(2, x(d.value))} height={main} rx={3} />
              {d.previous !== undefined && (
                <Bar
                  className="bar-previous"
                  x={LABEL_W}
                  y={main + 2}
                  width={Math.max(2, x(d.previous))}
                  height={band - main - 2}
                  rx={2}
                />
              )}
              <text
                x={LABEL_W + Math.max(2, x(d.value)) + 6}
                y={main / 2}
                dominantBaseline="middle"
                className="bar-value"
              >
                {d.valueText}
              </text>
            </Group>
          </a>
        );
      })}
    </svg>
  );
}
