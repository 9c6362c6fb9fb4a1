import { useState, type FormEvent } from 'react';
import { getJson } from '../api.js';
import { Load } from '../components/load.js';
import { formatTime, utcInputToIso } from '../format.js';
import type { AuditPage as AuditPageData } from '../types.js';
import { useApi } from '../use-api.js';

const PAGE_SIZES = [10, 50, 200];

interface Filter {
  readonly operatorId: string;
  readonly action: string;
  readonly actor: string;
  readonly from: string;
  readonly to: string;
}

const EMPTY: Filter = { operatorId: '', action: '', actor: '', from: '', to: '' };

/** " · operator sandbox-b · action routes.add": the filter the table shows. */
function describeFilter(filter: Filter): string {
  const parts = [
    filter.operatorId && `operator ${filter.operatorId}`,
    filter.action && `action ${filter.action}`,
    filter.actor && `actor ${filter.actor}`,
    filter.from && `from ${filter.from.replace('T', ' ')}`,
    filter.to && `to ${filter.to.replace('T', ' ')}`,
  ].filter(Boolean);
  return parts.map((p) => ` · ${p}`).join('');
}

/** A one-line gist of an entry's detail; the whole of it unfolds below. */
function detailGist(detail: unknown): string {
  if (detail === null || detail === undefined) return '';
  if (typeof detail !== 'object') return String(detail);
  const d = detail as Record<string, unknown>;
  if (Array.isArray(d.changed)) return `changed ${d.changed.join(', ')}`;
  if (d.after && !d.before) return 'created';
  if (d.before && !d.after) return 'removed';
  const text = JSON.stringify(detail);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

function Detail({ detail }: { detail: unknown }) {
  const gist = detailGist(detail);
  const full = detail === null || detail === undefined ? '' : JSON.stringify(detail, null, 2);
  if (full.length <= 80 && !full.includes('\n')) return <>{gist}</>;
  return (
    <details>
      <summary>{gist}</summary>
      <pre>{full}</pre>
    </details>
  );
}

export function AuditPage() {
  const [draft, setDraft] = useState<Filter>(EMPTY);
  const [filter, setFilter] = useState<Filter>(EMPTY);
  // The cursors of the pages before this one (paging back), and this page's cursor.
  const [cursors, setCursors] = useState<Array<string | null>>([]);
  const [before, setBefore] = useState<string | null>(null);
  const [pageSize, setPageSize] = useState(50);
  const query = {
    operatorId: filter.operatorId,
    action: filter.action,
    actor: filter.actor,
    from: utcInputToIso(filter.from),
    to: utcInputToIso(filter.to),
    limit: pageSize,
    before,
  };
  const loaded = useApi(() => getJson<AuditPageData>('audit', query), JSON.stringify(query));
  const apply = (event: FormEvent) => {
    event.preventDefault();
    setFilter(draft);
    setCursors([]);
    setBefore(null);
  };
  const field = (key: keyof Filter, label: string, type = 'text') => (
    <label>
      {label}
      <input
        type={type}
        value={draft[key]}
        onChange={(e) => setDraft({ ...draft, [key]: e.target.value })}
        data-testid={`audit-${key}`}
      />
    </label>
  );
  return (
    <>
      <header className="page-header">
        <h1>Audit log</h1>
      </header>
      <form className="filters" onSubmit={apply} aria-label="Audit filters">
        {field('operatorId', 'Operator')}
        {field('action', 'Action')}
        {field('actor', 'Actor')}
        {field('from', 'From (UTC)', 'datetime-local')}
        {field('to', 'To (UTC)', 'datetime-local')}
        <label>
          Rows per page
          <select
            value={pageSize}
            onChange={(e) => {
              setPageSize(Number(e.target.value));
              setCursors([]);
              setBefore(null);
            }}
            data-testid="audit-page-size"
          >
            {PAGE_SIZES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" data-testid="audit-apply">
          Filter
        </button>
        <button
          type="button"
          className="link"
          onClick={() => {
            setDraft(EMPTY);
            setFilter(EMPTY);
            setCursors([]);
            setBefore(null);
          }}
        >
          Clear
        </button>
      </form>
      <Load loaded={loaded}>
        {(page) => (
          <section className="card" aria-label="Audit entries">
            <p className="muted" data-testid="audit-count">
              {page.entries.length} {page.entries.length === 1 ? 'entry' : 'entries'} on page{' '}
              {cursors.length + 1}
              {describeFilter(filter)}
            </p>
            <table data-testid="audit-table">
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Action</th>
                  <th scope="col">Operator</th>
                  <th scope="col">Detail</th>
                </tr>
              </thead>
              <tbody>
                {page.entries.map((e) => (
                  <tr key={e.id} data-testid="audit-row">
                    <td className="nowrap">{formatTime(e.at)}</td>
                    <td className="nowrap">{e.actor}</td>
                    <td className="nowrap">{e.action}</td>
                    <td className="nowrap">{e.operatorId ?? '—'}</td>
                    <td className="mono detail">
                      <Detail detail={e.detail} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <nav className="pager" aria-label="Audit pages">
              <button
                type="button"
                disabled={cursors.length === 0}
                onClick={() => {
                  setBefore(cursors[cursors.length - 1] ?? null);
                  setCursors(cursors.slice(0, -1));
                }}
                data-testid="audit-newer"
              >
                Newer
              </button>
              <button
                type="button"
                disabled={page.next === null}
                onClick={() => {
                  setCursors([...cursors, before]);
                  setBefore(String(page.next));
                }}
                data-testid="audit-older"
              >
                Older
              </button>
            </nav>
          </section>
        )}
      </Load>
    </>
  );
}
