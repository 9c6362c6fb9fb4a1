import { getJson } from '../api.js';
import { BarChartCard } from '../components/bar-chart-card.js';
import { Load } from '../components/load.js';
import { Stats } from '../components/stats.js';
import { formatMs, formatTime } from '../format.js';
import { Link } from '../router.js';
import type { VerificationDetail } from '../types.js';
import { useApi } from '../use-api.js';

export function VerificationPage({ id }: { id: string }) {
  const loaded = useApi(
    () => getJson<VerificationDetail>(`verifications/${encodeURIComponent(id)}`),
    id,
  );
  return (
    <>
      <header className="page-header">
        <h1>Verification</h1>
        <Link to="verifications">Back to the lookup</Link>
      </header>
      <Load loaded={loaded}>{(v) => <VerificationBody v={v} />}</Load>
    </>
  );
}

function VerificationBody({ v }: { v: VerificationDetail }) {
  const failed = v.steps.find((s) => s.outcome !== 'ok');
  return (
    <>
      <p className="mono" data-testid="verification-id">
        {v.verificationId}
      </p>
      <Stats
        label="Verification"
        testId="verification-summary"
        items={[
          { key: 'outcome', label: 'Outcome', value: v.outcome },
          { key: 'operator', label: 'Operator', value: v.operatorId ?? '—' },
          { key: 'client', label: 'App', value: v.clientId ?? '—' },
          { key: 'started', label: 'Started', value: formatTime(v.startedAt) },
          { key: 'duration', label: 'Duration', value: formatMs(v.durationMs) },
        ]}
      />
      {failed && (
        <p className="error" role="alert" data-testid="verification-error">
          Failed at <strong>{failed.step}</strong>: {failed.error ?? failed.outcome}
        </p>
      )}
      {v.traceUrl ? (
        <p>
          <a href={v.traceUrl} target="_blank" rel="noreferrer" data-testid="trace-link">
            Open the trace {v.traceId ?? ''}
          </a>
        </p>
      ) : (
        v.traceId && (
          <p className="muted" data-testid="trace-id">
            Trace id {v.traceId} (no tracing backend URL configured)
          </p>
        )
      )}
      <BarChartCard
        title="Steps"
        testId="chart-steps"
        data={v.steps.map((s) => ({ step: s.step, duration: s.durationMs }))}
        category="step"
        series={[{ key: 'duration', name: 'Duration' }]}
        format={formatMs}
        layout="vertical"
      >
        <table data-testid="steps-table">
          <thead>
            <tr>
              <th scope="col">Step</th>
              <th scope="col">At</th>
              <th scope="col">Duration</th>
              <th scope="col">Outcome</th>
              <th scope="col">Error</th>
              <th scope="col">x-correlator</th>
            </tr>
          </thead>
          <tbody>
            {v.steps.map((s, i) => {
              const isFailed = s === failed;
              return (
                <tr
                  key={`${s.step}/${i}`}
                  data-testid={isFailed ? 'failed-step' : 'step-row'}
                  data-step={s.step}
                  className={isFailed ? 'failed' : undefined}
                  aria-invalid={isFailed || undefined}
                >
                  <th scope="row">{s.step}</th>
                  <td className="nowrap">{formatTime(s.occurredAt)}</td>
                  <td>{formatMs(s.durationMs)}</td>
                  <td>
                    <span className={`badge badge-${s.outcome}`}>{s.outcome}</span>
                  </td>
                  <td data-testid={isFailed ? 'failed-step-error' : undefined}>{s.error ?? ''}</td>
                  <td className="mono">{s.correlator ?? ''}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </BarChartCard>
      <section className="card" aria-label="Proxied calls">
        <h2>Proxied calls</h2>
        {v.calls.length === 0 ? (
          <p className="muted" data-testid="calls-empty">
            No API calls with this verification's token.
          </p>
        ) : (
          <table data-testid="calls-table">
            <thead>
              <tr>
                <th scope="col">At</th>
                <th scope="col">API</th>
                <th scope="col">Operation</th>
                <th scope="col">Status</th>
                <th scope="col">Latency</th>
                <th scope="col">x-correlator</th>
              </tr>
            </thead>
            <tbody>
              {v.calls.map((c, i) => (
                <tr key={i} data-testid="call-row">
                  <td className="nowrap">{formatTime(c.occurredAt)}</td>
                  <td>{c.api}</td>
                  <td>{c.operation}</td>
                  <td>{c.status}</td>
                  <td>{formatMs(c.latencyMs)}</td>
                  <td className="mono">{c.correlator ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
