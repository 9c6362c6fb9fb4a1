import { useState, type FormEvent } from 'react';
import { apiUrl, getJson } from '../api.js';
import { BarChartCard } from '../components/bar-chart-card.js';
import { Load } from '../components/load.js';
import { Stats } from '../components/stats.js';
import { formatCount, formatRate, isoToDay, rate } from '../format.js';
import type { AppsUsage } from '../types.js';
import { useApi } from '../use-api.js';

const DAY_MS = 86_400_000;

interface Filter {
  readonly from: string;
  readonly to: string;
  readonly clientId: string;
}

/** [from, to) as ISO for the API: `to` is the day after the last day shown. */
function period(filter: Filter): { from: string; to: string } {
  return {
    from: new Date(`${filter.from}T00:00:00Z`).toISOString(),
    to: new Date(new Date(`${filter.to}T00:00:00Z`).getTime() + DAY_MS).toISOString(),
  };
}

export function AppsPage() {
  const now = Date.now();
  const [filter, setFilter] = useState<Filter>({
    from: isoToDay(new Date(now - 29 * DAY_MS).toISOString()),
    to: isoToDay(new Date(now).toISOString()),
    clientId: '',
  });
  const [draft, setDraft] = useState(filter);
  const loaded = useApi(
    () => getJson<AppsUsage>('apps', period(filter)),
    `${filter.from}/${filter.to}`,
  );
  const apply = (event: FormEvent) => {
    event.preventDefault();
    setFilter(draft);
  };
  return (
    <>
      <header className="page-header">
        <h1>Apps</h1>
      </header>
      <form className="filters" onSubmit={apply} aria-label="Usage period">
        <label>
          From (UTC)
          <input
            type="date"
            value={draft.from}
            onChange={(e) => setDraft({ ...draft, from: e.target.value })}
            data-testid="apps-from"
            required
          />
        </label>
        <label>
          To (UTC)
          <input
            type="date"
            value={draft.to}
            onChange={(e) => setDraft({ ...draft, to: e.target.value })}
            data-testid="apps-to"
            required
          />
        </label>
        <button type="submit">Show</button>
      </form>
      <Load loaded={loaded}>
        {(data) => (
          <AppsBody
            data={data}
            filter={filter}
            onClient={(clientId) => {
              setFilter({ ...filter, clientId });
              setDraft({ ...draft, clientId });
            }}
          />
        )}
      </Load>
    </>
  );
}

function AppsBody(props: { data: AppsUsage; filter: Filter; onClient: (id: string) => void }) {
  const { data, filter } = props;
  const names = new Map(data.clients.map((c) => [c.clientId, c.name]));
  const usage = data.usage.filter((u) => !filter.clientId || u.clientId === filter.clientId);
  const calls = usage.reduce((n, u) => n + u.calls, 0);
  const ok = usage.reduce((n, u) => n + u.callsOk, 0);
  // One series per operator and API; one category per day.
  const seriesKeys = [...new Set(usage.map((u) => `${u.operatorId} · ${u.api}`))].sort();
  const days = [...new Set(usage.map((u) => u.day))].sort();
  const chart = days.map((day) => {
    const row: Record<string, string | number> = { day };
    for (const key of seriesKeys) row[key] = 0;
    for (const u of usage) {
      if (u.day === day) {
        const key = `${u.operatorId} · ${u.api}`;
        row[key] = (row[key] as number) + u.calls;
      }
    }
    return row;
  });
  const csv = apiUrl('apps/usage.csv', { ...period(filter), clientId: filter.clientId });
  const clientName = filter.clientId ? (names.get(filter.clientId) ?? filter.clientId) : 'All apps';
  return (
    <>
      <section className="card" aria-label="Clients">
        <h2>Clients</h2>
        <table data-testid="apps-clients">
          <thead>
            <tr>
              <th scope="col">App</th>
              <th scope="col">Client id</th>
              <th scope="col">Calls</th>
              <th scope="col">Calls OK</th>
              <th scope="col">Usage</th>
            </tr>
          </thead>
          <tbody>
            {data.clients.map((c) => {
              const mine = data.usage.filter((u) => u.clientId === c.clientId);
              return (
                <tr key={c.clientId} data-testid={`client-${c.clientId}`}>
                  <th scope="row">{c.name}</th>
                  <td className="mono">{c.clientId}</td>
                  <td>{formatCount(mine.reduce((n, u) => n + u.calls, 0))}</td>
                  <td>{formatCount(mine.reduce((n, u) => n + u.callsOk, 0))}</td>
                  <td>
                    <button
                      type="button"
                      className="link"
                      onClick={() => props.onClient(c.clientId)}
                      aria-pressed={filter.clientId === c.clientId}
                    >
                      Show usage
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
      <div className="page-header">
        <h2 data-testid="apps-selected">{clientName}</h2>
        {filter.clientId && (
          <button type="button" className="link" onClick={() => props.onClient('')}>
            Show all apps
          </button>
        )}
        <a className="button" href={csv} download data-testid="apps-csv">
          Export CSV
        </a>
      </div>
      <Stats
        label="Usage totals"
        testId="apps-totals"
        items={[
          { key: 'app-calls', label: 'Calls', value: formatCount(calls) },
          { key: 'app-calls-ok', label: 'Calls OK', value: formatCount(ok) },
          { key: 'app-success', label: 'Success', value: formatRate(rate(ok, calls)) },
        ]}
      />
      <BarChartCard
        title="Calls per day per operator and API"
        testId="chart-usage"
        data={chart}
        category="day"
        series={seriesKeys.map((key) => ({ key, name: key }))}
        format={formatCount}
      >
        <table data-testid="apps-usage">
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col">App</th>
              <th scope="col">Operator</th>
              <th scope="col">API</th>
              <th scope="col">Calls</th>
              <th scope="col">Calls OK</th>
            </tr>
          </thead>
          <tbody>
            {usage.map((u) => (
              <tr key={`${u.day}/${u.clientId}/${u.operatorId}/${u.api}`}>
                <td>{u.day}</td>
                <td>{names.get(u.clientId) ?? u.clientId}</td>
                <td>{u.operatorId}</td>
                <td>{u.api}</td>
                <td>{formatCount(u.calls)}</td>
                <td>{formatCount(u.callsOk)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </BarChartCard>
    </>
  );
}
