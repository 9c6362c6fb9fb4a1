import { createHash } from 'node:crypto';
import type { RequestHandler, Response } from 'express';

const CSS = `body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
button{font-size:1rem;padding:.5rem 1.2rem;margin-right:.5rem}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left}.note{color:#555;font-size:.9rem}`;

/**
 * Every answer of the operator: pages carry consent forms and CSRF tokens, APIs personal
 * data. Only our own inline CSS runs (by hash); no form-action, because the consent form's
 * answer redirects to the app's aggregator on another origin.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Security-Policy': `default-src 'none'; style-src 'sha256-${createHash('sha256').update(CSS).digest('base64')}'; base-uri 'none'; frame-ancestors 'none'`,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
});

/** Sets SECURITY_HEADERS on every response before the routes (they may override). */
export const securityHeaders: RequestHandler = (_req, res, next) => {
  res.set(SECURITY_HEADERS);
  next();
};

/** Minimal server-rendered HTML for the operator's own pages (consent, consents list). */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Sends a page with headers that keep it out of caches and frames (clickjacking on consent). */
export function sendPage(res: Response, status: number, title: string, body: string): void {
  res
    .status(status)
    .set({ ...SECURITY_HEADERS, 'Content-Type': 'text/html; charset=utf-8' })
    .send(htmlDocument(title, body));
}

export function htmlDocument(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head><body>${body}</body></html>`;
}

export interface ConsentPageModel {
  readonly operatorName: string;
  readonly clientName: string;
  readonly purposeLabel: string;
  readonly purpose: string;
  readonly uses: ReadonlyArray<string>;
  readonly action: string;
  readonly csrf: string;
}

export function consentPage(m: ConsentPageModel): string {
  const uses = m.uses.map((u) => `<li>${escapeHtml(u)}</li>`).join('');
  return `<h1>${escapeHtml(m.operatorName)}</h1>
<p><strong>${escapeHtml(m.clientName)}</strong> asks to use your mobile line's information for the purpose
<strong>${escapeHtml(m.purposeLabel)}</strong> (<code>${escapeHtml(m.purpose)}</code>). It wants to:</p>
<ul>${uses}</ul>
<form method="post" action="${escapeHtml(m.action)}">
<input type="hidden" name="csrf" value="${escapeHtml(m.csrf)}">
<button type="submit" name="decision" value="approve">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>
<p class="note">You can withdraw this consent at any time on the <a href="/consents">consents page</a>.</p>`;
}

export interface ConsentListItem {
  readonly clientId: string;
  readonly clientName: string;
  readonly purpose: string;
  readonly purposeLabel: string;
  readonly grantedAt: string;
}

export function consentListPage(
  operatorName: string,
  items: ReadonlyArray<ConsentListItem>,
  csrf: string,
): string {
  const rows = items
    .map(
      (
        i,
      ) => `<tr><td>${escapeHtml(i.clientName)}</td><td>${escapeHtml(i.purposeLabel)}</td><td>${escapeHtml(i.grantedAt)}</td>
<td><form method="post" action="/consents/revoke"><input type="hidden" name="csrf" value="${escapeHtml(csrf)}">
<input type="hidden" name="clientId" value="${escapeHtml(i.clientId)}"><input type="hidden" name="purpose" value="${escapeHtml(i.purpose)}">
<button type="submit">Revoke</button></form></td></tr>`,
    )
    .join('');
  const table = items.length
    ? `<table><tr><th>Application</th><th>Purpose</th><th>Given</th><th></th></tr>${rows}</table>`
    : '<p>You have not given any consent.</p>';
  return `<h1>${escapeHtml(operatorName)}: your consents</h1>${table}`;
}

export interface PendingRequestItem {
  readonly id: string;
  readonly clientName: string;
  readonly purpose: string;
  readonly purposeLabel: string;
  readonly uses: ReadonlyArray<string>;
}

/**
 * Backend (CIBA) requests waiting for the subscriber's consent: each with the consent
 * page's Allow / Deny choice, posted to `/consents/requests/<auth_req_id>`.
 */
export function pendingRequestsSection(
  items: ReadonlyArray<PendingRequestItem>,
  csrf: string,
): string {
  if (items.length === 0) return '';
  const entries = items
    .map((i) => {
      const uses = i.uses.map((u) => `<li>${escapeHtml(u)}</li>`).join('');
      return `<li><strong>${escapeHtml(i.clientName)}</strong> asks to use your mobile line's information for the purpose
<strong>${escapeHtml(i.purposeLabel)}</strong> (<code>${escapeHtml(i.purpose)}</code>). It wants to:<ul>${uses}</ul>
<form method="post" action="/consents/requests/${encodeURIComponent(i.id)}">
<input type="hidden" name="csrf" value="${escapeHtml(csrf)}">
<button type="submit" name="decision" value="approve">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form></li>`;
    })
    .join('');
  return `<h2>Requests waiting for your decision</h2><ul>${entries}</ul>`;
}

export function messagePage(heading: string, message: string): string {
  return `<h1>${escapeHtml(heading)}</h1><p>${escapeHtml(message)}</p>`;
}

/** The authorization server's error page, for errors it cannot redirect (e.g. unknown client). */
export function oauthErrorDocument(error: string, description: string | undefined): string {
  return htmlDocument(
    'Authorization error',
    messagePage('Authorization error', description ? `${error}: ${description}` : error),
  );
}
