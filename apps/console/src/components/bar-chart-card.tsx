import type { ReactNode } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  LabelList,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

/** The colours of a chart's series, in order (also in app.css for the legend swatches). */
export const PALETTE = ['#2563eb', '#d97706', '#059669', '#7c3aed', '#dc2626', '#0891b2'];

export interface Series {
  readonly key: string;
  readonly name: string;
}

/**
 * A Recharts bar chart with every bar's value written on it (so what a person reads is text
 * a test can read too), and the table of the same numbers under it (`children`).
 */
export function BarChartCard(props: {
  title: string;
  testId: string;
  data: ReadonlyArray<Record<string, string | number | null>>;
  category: string;
  series: readonly Series[];
  format: (value: number) => string;
  layout?: 'horizontal' | 'vertical';
  /** Write 0 on an empty bar too (rates); counts leave it blank. */
  labelZero?: boolean;
  children?: ReactNode;
}) {
  const vertical = props.layout === 'vertical';
  const height = vertical ? Math.max(160, props.data.length * 44 + 60) : 280;
  // Zero counts stay unlabelled (quiet hours, other operators); a 0 % rate is news.
  const label = (value: unknown) =>
    typeof value === 'number' && (value !== 0 || props.labelZero) ? props.format(value) : '';
  return (
    <section className="card" aria-label={props.title} data-testid={props.testId}>
      <h2>{props.title}</h2>
      {props.data.length === 0 ? (
        <p className="muted" data-testid={`${props.testId}-empty`}>
          No data in this period.
        </p>
      ) : (
        <figure
          className="chart"
          data-testid={`${props.testId}-chart`}
          aria-label={`${props.title} chart`}
        >
          <ResponsiveContainer width="100%" height={height}>
            <BarChart
              data={props.data as Array<Record<string, string | number | null>>}
              layout={vertical ? 'vertical' : 'horizontal'}
              margin={{ top: 20, right: vertical ? 70 : 40, bottom: 5, left: vertical ? 40 : 0 }}
            >
              <CartesianGrid strokeDasharray="3 3" />
              {vertical ? (
                <>
                  <XAxis type="number" allowDecimals={false} />
                  <YAxis type="category" dataKey={props.category} width={110} />
                </>
              ) : (
                <>
                  <XAxis dataKey={props.category} />
                  <YAxis allowDecimals={false} />
                </>
              )}
              <Tooltip
                formatter={(value) =>
                  typeof value === 'number' ? props.format(value) : String(value)
                }
              />
              <Legend />
              {props.series.map((s, i) => (
                <Bar
                  key={s.key}
                  dataKey={s.key}
                  name={s.name}
                  fill={PALETTE[i % PALETTE.length]}
                  isAnimationActive={false}
                  maxBarSize={64}
                  minPointSize={props.labelZero ? 2 : 0}
                >
                  <LabelList
                    dataKey={s.key}
                    position={vertical ? 'right' : 'top'}
                    formatter={label}
                    className="bar-label"
                  />
                </Bar>
              ))}
            </BarChart>
          </ResponsiveContainer>
        </figure>
      )}
      {props.children}
    </section>
  );
}
