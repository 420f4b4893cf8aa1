import { Group } from '@visx/group';
import { scaleLinear } from '@visx/scale';
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

const LABEL = 18;
const BAR = 14;
const PREVIOUS = 8;
const GAP = 12;

// One row per group: the name and the amount on a line, the bar under them (the previous period's under that).
// Names are never cut: long merchant names stay whole at 390 px, and what is shown is what a screen reader hears.
// Each row is a link (SVG <a>: focusable, Enter follows it) to the transactions behind it.
export function BarChart({ data, title, width = 640 }: { data: BarDatum[]; title: string; width?: number }) {
  const compare = data.some((d) => d.previous !== undefined);
  const row = LABEL + BAR + (compare ? PREVIOUS + 2 : 0) + GAP;
  const height = data.length * row;
  const max = Math.max(1, ...data.map((d) => Math.max(d.value, d.previous ?? 0)));
  const x = scaleLinear<number>({ domain: [0, max], range: [0, width - 2] });
  const follow = (href: string) => (e: MouseEvent) => {
    if (e.metaKey || e.ctrlKey || e.shiftKey) return;
    e.preventDefault();
    navigate(href);
  };
  return (
    <svg className="chart" viewBox={`0 0 ${width} ${height}`} role="group" aria-label={title}>
      {data.map((d, i) => (
        <a key={d.key} href={d.href} onClick={follow(d.href)} aria-label={`${d.label}: ${d.description}`}>
          <Group top={i * row}>
            <rect x={0} y={0} width={width} height={row - GAP / 2} fill="transparent" />
            <text x={0} y={LABEL - 5} className="bar-label">
              {d.label}
            </text>
            <text x={width} y={LABEL - 5} textAnchor="end" className="bar-value">
              {d.valueText}
            </text>
            <Bar className="bar" x={0} y={LABEL} width={Math.max(2, x(d.value))} height={BAR} rx={3} />
            {d.previous !== undefined && (
              <Bar
                className="bar-previous"
                x={0}
                y={LABEL + BAR + 2}
                width={Math.max(2, x(d.previous))}
                height={PREVIOUS}
                rx={2}
              />
            )}
          </Group>
        </a>
      ))}
    </svg>
  );
}
