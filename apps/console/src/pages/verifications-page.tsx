import { useState, type FormEvent } from 'react';
import { getJson } from '../api.js';
import { Load } from '../components/load.js';
import { formatMs, formatTime, isoToUtcInput, utcInputToIso } from '../format.js';
import { Link, navigate, useLocation } from '../router.js';
import type { VerificationSummary } from '../types.js';
import { useApi } from '../use-api.js';

/** The search lives in the address (?correlator= or ?from&to&outcome) so back and links work. */
function readSearch(search: string) {
  const params = new URLSearchParams(search);
  return {
    correlator: params.get('correlator') ?? '',
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
    outcome: params.get('outcome') ?? '',
  };
}

export function VerificationsPage() {
  const { search } = useLocation();
  const current = readSearch(search);
  const [correlator, setCorrelator] = useState(current.correlator);
  const [from, setFrom] = useState(current.from ? isoToUtcInput(current.from) : '');
  const [to, setTo] = useState(current.to ? isoToUtcInput(current.to) : '');
  const [outcome, setOutcome] = useState(current.outcome);
  const query = current.correlator
    ? { correlator: current.correlator }
    : { from: current.from, to: current.to, outcome: current.outcome, limit: 50 };
  const loaded = useApi(
    () => getJson<{ verifications: VerificationSummary[] }>('verifications', query),
    search,
  );
  const byCorrelator = (event: FormEvent) => {
    event.preventDefault();
    navigate(`verifications?${new URLSearchParams({ correlator: correlator.trim() })}`);
  };
  const byTime = (event: FormEvent) => {
    event.preventDefault();
    const params = new URLSearchParams();
    const fromIso = utcInputToIso(from);
    const toIso = utcInputToIso(to);
    if (fromIso) params.set('from', fromIso);
    if (toIso) params.set('to', toIso);
    if (outcome) params.set('outcome', outcome);
    setCorrelator('');
    navigate(`verifications?${params}`);
  };
  return (
    <>
      <header className="page-header">
        <h1>Verification lookup</h1>
      </header>
      <div className="lookup">
        <form className="filters" onSubmit={byCorrelator} aria-label="Find by x-correlator">
          <label>
            x-correlator
            <input
              type="search"
              value={correlator}
              onChange={(e) => setCorrelator(e.target.value)}
              data-testid="lookup-correlator"
              required
            />
          </label>
          <button type="submit" data-testid="lookup-correlator-submit">
            Find
          </button>
        </form>
        <form className="filters" onSubmit={byTime} aria-label="Find by time window">
          <label>
            From (UTC)
            <input
              type="datetime-local"
              value={from}
              onChange={(e) => setFrom(e.target.value)}
              data-testid="lookup-from"
            />
          </label>
          <label>
            To (UTC)
            <input
              type="datetime-local"
              value={to}
              onChange={(e) => setTo(e.target.value)}
              data-testid="lookup-to"
            />
          </label>
          <label>
            Outcome
            <select
              value={outcome}
              onChange={(e) => setOutcome(e.target.value)}
              data-testid="lookup-outcome"
            >
              <option value="">any</option>
              <option value="ok">ok</option>
              <option value="error">error</option>
            </select>
          </label>
          <button type="submit" data-testid="lookup-window-submit">
            Search
          </button>
        </form>
      </div>
      <Load loaded={loaded}>
        {({ verifications }) => (
          <section className="card" aria-label="Verifications">
            <p className="muted" data-testid="lookup-count">
              {verifications.length} {verifications.length === 1 ? 'verification' : 'verifications'}
              {current.correlator ? ` with x-correlator ${current.correlator}` : ''}
              {current.outcome ? ` · outcome ${current.outcome}` : ''}
            </p>
            <table data-testid="verifications-table">
              <thead>
                <tr>
                  <th scope="col">Started</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Operator</th>
                  <th scope="col">App</th>
                  <th scope="col">Duration</th>
                  <th scope="col">Failed step</th>
                  <th scope="col">Error</th>
                </tr>
              </thead>
              <tbody>
                {verifications.map((v) => (
                  <tr
                    key={v.verificationId}
                    data-testid="verification-row"
                    data-outcome={v.outcome}
                    className={v.outcome === 'error' ? 'failed' : undefined}
                  >
                    <td className="nowrap">
                      <Link to={`verifications/${encodeURIComponent(v.verificationId)}`}>
                        {formatTime(v.startedAt)}
                      </Link>
                    </td>
                    <td>
                      <span className={`badge badge-${v.outcome}`}>{v.outcome}</span>
                    </td>
                    <td>{v.operatorId ?? '—'}</td>
                    <td className="mono">{v.clientId ?? '—'}</td>
                    <td>{formatMs(v.durationMs)}</td>
                    <td>{v.failedStep ?? ''}</td>
                    <td>{v.error ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        )}
      </Load>
    </>
  );
}
