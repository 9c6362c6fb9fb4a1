const escape = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** The page shown when an OAuth error cannot be redirected to the app (RFC 6749 §4.1.2.1). */
export function errorPage(error: string, description: string | undefined): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Switchboard: ${escape(error)}</title></head><body><h1>Sign-in could not continue</h1><p><code>${escape(error)}</code></p><p>${escape(description ?? '')}</p></body></html>`;
}
