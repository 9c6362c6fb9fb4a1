import { getJson } from '../api.js';
import { Load } from '../components/load.js';
import { formatCount, formatTime } from '../format.js';
import type { OperatorRow } from '../types.js';
import { useApi } from '../use-api.js';

/** The scorecard (issue 13) as "path value" lines: authorizeLeg.p50Ms 12, calls.errorRate 0. */
function scorecardLines(value: unknown, prefix = ''): Array<[string, string]> {
  if (value === null || value === undefined) return [];
  if (typeof value !== 'object') return [[prefix, String(value)]];
  if (Array.isArray(value)) return [[prefix, value.map(String).join(', ')]];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, v]) =>
    scorecardLines(v, prefix ? `${prefix}.${key}` : key),
  );
}

function Scorecard({ scorecard }: { scorecard: OperatorRow['scorecard'] }) {
  const lines = scorecardLines(scorecard);
  if (lines.length === 0) return <span className="muted">none yet</span>;
  return (
    <dl className="scorecard">
      {lines.map(([key, value]) => (
        <div key={key}>
          <dt>{key}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function OperatorsPage() {
  const loaded = useApi(() => getJson<{ operators: OperatorRow[] }>('operators'), 'operators');
  return (
    <>
      <header className="page-header">
        <h1>Operators</h1>
      </header>
      <Load loaded={loaded}>
        {({ operators }) => (
          <section className="card" aria-label="Operators">
            <table data-testid="operators-table">
              <thead>
                <tr>
                  <th scope="col">Operator</th>
                  <th scope="col">Status</th>
                  <th scope="col">Routes</th>
                  <th scope="col">Circuit</th>
                  <th scope="col">Last routing sync</th>
                  <th scope="col">Scorecard</th>
                </tr>
              </thead>
              <tbody>
                {operators.map((o) => {
                  const routes = o.routes.ipRanges + o.routes.msisdnPrefixes + o.routes.networks;
                  return (
                    <tr key={o.id} data-testid={`operator-${o.id}`}>
                      <th scope="row">
                        <span data-testid="operator-id">{o.id}</span>
                        <span className="muted block">{o.name}</span>
                      </th>
                      <td>
                        <span className={`badge badge-${o.status}`} data-testid="operator-status">
                          {o.status}
                        </span>
                      </td>
                      <td>
                        <span data-testid="operator-routes">{formatCount(routes)}</span>
                        <span className="muted block" data-testid="operator-routes-detail">
                          {o.routes.ipRanges} IP ranges · {o.routes.msisdnPrefixes} prefixes ·{' '}
                          {o.routes.networks} networks
                        </span>
                      </td>
                      <td>
                        <span
                          className={`badge badge-circuit-${o.circuit ?? 'none'}`}
                          data-testid="operator-circuit"
                        >
                          {o.circuit ?? 'no calls yet'}
                        </span>
                      </td>
                      <td data-testid="operator-last-sync">
                        {o.lastRoutingSync ? formatTime(o.lastRoutingSync) : 'never'}
                      </td>
                      <td data-testid="operator-scorecard">
                        <Scorecard scorecard={o.scorecard} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </section>
        )}
      </Load>
    </>
  );
}
