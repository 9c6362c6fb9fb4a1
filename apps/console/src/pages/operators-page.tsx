import { getJson } from '../api.js';
import { Load } from '../components/load.js';
import { formatCount, formatMs, formatRate, formatTime } from '../format.js';
import type { OperatorRow } from '../types.js';
import { useApi } from '../use-api.js';

/** Issue 13's scorecard (last 24 hours), one line per leg. */
function Scorecard({ scorecard }: { scorecard: OperatorRow['scorecard'] }) {
  if (!scorecard) return <span className="muted">not available</span>;
  const { authorizeLeg: auth, tokenLeg: token, calls, lastConformance: check } = scorecard;
  const latency = (l: { p50Ms: number | null; p99Ms: number | null }) =>
    `p50 ${formatMs(l.p50Ms)} · p99 ${formatMs(l.p99Ms)}`;
  const lines: Array<[string, string, string]> = [
    ['authorize', 'Operator login', `${auth.count} ok · ${auth.failed} failed · ${latency(auth)}`],
    [
      'token',
      'Token exchange',
      `${token.count} ok · ${token.failed} failed · ${token.timeouts} timeouts · ${latency(token)}`,
    ],
    [
      'calls',
      'API calls',
      `${calls.count} · ${formatRate(calls.errorRate)} errors · ${formatRate(calls.timeoutRate)} timeouts · ${latency(calls)}`,
    ],
    ['circuit-openings', 'Circuit openings', formatCount(scorecard.circuitOpenings)],
    [
      'conformance',
      'Conformance check',
      check
        ? `${check.passed ? 'passed' : `${check.failed} failed`} · ${formatTime(check.ranAt)}`
        : 'never run',
    ],
  ];
  return (
    <dl className="scorecard">
      {lines.map(([key, label, value]) => (
        <div key={key}>
          <dt>{label}</dt>
          <dd data-testid={`scorecard-${key}`}>{value}</dd>
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
