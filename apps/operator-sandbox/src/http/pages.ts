import type { Response } from 'express';

/** Minimal server-rendered HTML for the operator's own pages (consent, consents list). */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Sends a page with headers that keep it out of caches and frames (clickjacking on consent). */
export function sendPage(res: Response, status: number, title: string, body: string): void {
  res
    .status(status)
    .set({
      'Cache-Control': 'no-store',
      'Content-Security-Policy':
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'no-referrer',
      'Content-Type': 'text/html; charset=utf-8',
    })
    .send(htmlDocument(title, body));
}

export function htmlDocument(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
button{font-size:1rem;padding:.5rem 1.2rem;margin-right:.5rem}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left}.note{color:#555;font-size:.9rem}</style>
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
