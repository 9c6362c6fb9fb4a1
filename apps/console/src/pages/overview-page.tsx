import { useState } from 'react';
import { getJson } from '../api.js';
import { BarChartCard, type Series } from '../components/bar-chart-card.js';
import { Load } from '../components/load.js';
import { Stats } from '../components/stats.js';
import { formatCount, formatHour, formatMs, formatRate, formatTime, rate } from '../format.js';
import type { HourlyTraffic, Overview } from '../types.js';
import { useApi } from '../use-api.js';

const WINDOWS = [
  { hours: 24, label: 'Last 24 hours' },
  { hours: 168, label: 'Last 7 days' },
  { hours: 720, label: 'Last 30 days' },
];

const HOUR_MS = 3_600_000;

/** How a verification that found no operator is named in charts and tables. */
const operatorName = (id: string | null): string => id ?? 'no operator';
/** Up to two days every hour has its bar (quiet ones too); longer periods show busy hours only. */
const EVERY_HOUR_UP_TO = 48;

/** The hour buckets to chart: ISO strings, sorted. */
function hoursOf(data: Overview): string[] {
  const busy = new Set(data.series.map((row) => new Date(row.hour).toISOString()));
  const from = Math.floor(new Date(data.from).getTime() / HOUR_MS);
  const to = Math.floor(new Date(data.to).getTime() / HOUR_MS);
  if (to - from < EVERY_HOUR_UP_TO) {
    for (let h = from; h <= to; h++) busy.add(new Date(h * HOUR_MS).toISOString());
  }
  return [...busy].sort();
}

/** One row per hour, one column per operator: `pick` of that operator's traffic in that hour. */
function perHour(
  data: Overview,
  operators: readonly string[],
  pick: (row: HourlyTraffic) => number,
): Array<Record<string, string | number>> {
  const series = data.series.map((row) => ({ ...row, hour: new Date(row.hour).toISOString() }));
  const hours = hoursOf(data);
  return hours.map((hour) => {
    const row: Record<string, string | number> = { hour: formatHour(hour) };
    for (const op of operators) row[op] = 0;
    for (const s of series) if (s.hour === hour) row[operatorName(s.operatorId)] = pick(s);
    return row;
  });
}

export function OverviewPage() {
  const [hours, setHours] = useState(24);
  const loaded = useApi(() => getJson<Overview>('overview', { hours }), String(hours));
  return (
    <>
      <header className="page-header">
        <h1>Overview</h1>
        <label className="inline">
          Period
          <select
            value={hours}
            onChange={(e) => setHours(Number(e.target.value))}
            data-testid="overview-hours"
          >
            {WINDOWS.map((w) => (
              <option key={w.hours} value={w.hours}>
                {w.label}
              </option>
            ))}
          </select>
        </label>
      </header>
      <Load loaded={loaded}>{(data) => <OverviewBody data={data} />}</Load>
    </>
  );
}

function OverviewBody({ data }: { data: Overview }) {
  const { totals } = data;
  const operatorIds = data.operators.map((o) => operatorName(o.operatorId));
  const byOperator: Series[] = operatorIds.map((id) => ({ key: id, name: id }));
  const perOperator = data.operators.map((o) => ({
    operator: operatorName(o.operatorId),
    verificationRate: rate(o.verificationsOk, o.verifications),
    callRate: rate(o.callsOk, o.calls),
    p50: o.p50Ms,
    p99: o.p99Ms,
  }));
  const percent = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10);
  return (
    <>
      <p className="muted" data-testid="overview-period">
        {formatTime(data.from)} – {formatTime(data.to)}
      </p>
      <Stats
        label="Totals"
        testId="overview-totals"
        items={[
          {
            key: 'verifications',
            label: 'Verifications',
            value: formatCount(totals.verifications),
          },
          {
            key: 'verifications-ok',
            label: 'Verified OK',
            value: formatCount(totals.verificationsOk),
          },
          {
            key: 'verification-success',
            label: 'Verification success',
            value: formatRate(totals.verificationSuccessRate),
          },
          { key: 'calls', label: 'Proxied calls', value: formatCount(totals.calls) },
          { key: 'call-success', label: 'Call success', value: formatRate(totals.callSuccessRate) },
          { key: 'p50', label: 'p50 latency', value: formatMs(totals.p50Ms) },
          { key: 'p99', label: 'p99 latency', value: formatMs(totals.p99Ms) },
        ]}
      />
      <div className="grid">
        <BarChartCard
          title="Verifications per hour"
          testId="chart-verifications"
          data={perHour(data, operatorIds, (r) => r.verifications)}
          category="hour"
          series={byOperator}
          format={formatCount}
        />
        <BarChartCard
          title="Proxied calls per hour"
          testId="chart-calls"
          data={perHour(data, operatorIds, (r) => r.calls)}
          category="hour"
          series={byOperator}
          format={formatCount}
        />
        <BarChartCard
          title="Success rate per operator"
          testId="chart-success"
          data={perOperator.map((o) => ({
            operator: o.operator,
            verifications: percent(o.verificationRate),
            calls: percent(o.callRate),
          }))}
          category="operator"
          series={[
            { key: 'verifications', name: 'Verifications' },
            { key: 'calls', name: 'Proxied calls' },
          ]}
          format={(v) => `${v.toFixed(1)} %`}
          labelZero
        />
        <BarChartCard
          title="Proxied call latency per operator"
          testId="chart-latency"
          data={perOperator.map((o) => ({ operator: o.operator, p50: o.p50, p99: o.p99 }))}
          category="operator"
          series={[
            { key: 'p50', name: 'p50' },
            { key: 'p99', name: 'p99' },
          ]}
          format={formatMs}
        />
      </div>
      <section className="card" aria-label="Per operator">
        <h2>Per operator</h2>
        <table data-testid="overview-operators">
          <thead>
            <tr>
              <th scope="col">Operator</th>
              <th scope="col">Verifications</th>
              <th scope="col">Verified OK</th>
              <th scope="col">Success</th>
              <th scope="col">Proxied calls</th>
              <th scope="col">Calls OK</th>
              <th scope="col">p50</th>
              <th scope="col">p99</th>
            </tr>
          </thead>
          <tbody>
            {data.operators.map((o) => (
              <tr
                key={operatorName(o.operatorId)}
                data-testid={`overview-operator-${operatorName(o.operatorId)}`}
              >
                <th scope="row">{operatorName(o.operatorId)}</th>
                <td>{formatCount(o.verifications)}</td>
                <td>{formatCount(o.verificationsOk)}</td>
                <td>{formatRate(rate(o.verificationsOk, o.verifications))}</td>
                <td>{formatCount(o.calls)}</td>
                <td>{formatCount(o.callsOk)}</td>
                <td>{formatMs(o.p50Ms)}</td>
                <td>{formatMs(o.p99Ms)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="card" aria-label="Per hour">
        <h2>Per hour</h2>
        <table data-testid="overview-hours-table">
          <thead>
            <tr>
              <th scope="col">Hour (UTC)</th>
              <th scope="col">Operator</th>
              <th scope="col">Verifications</th>
              <th scope="col">Verified OK</th>
              <th scope="col">Proxied calls</th>
              <th scope="col">Calls OK</th>
              <th scope="col">p50</th>
              <th scope="col">p99</th>
            </tr>
          </thead>
          <tbody>
            {data.series.map((s) => (
              <tr key={`${s.hour}/${s.operatorId}`}>
                <td>{formatHour(s.hour)}</td>
                <td>{operatorName(s.operatorId)}</td>
                <td>{formatCount(s.verifications)}</td>
                <td>{formatCount(s.verificationsOk)}</td>
                <td>{formatCount(s.calls)}</td>
                <td>{formatCount(s.callsOk)}</td>
                <td>{formatMs(s.p50Ms)}</td>
                <td>{formatMs(s.p99Ms)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
