import { createHash } from 'node:crypto';

// Own inline CSS, no external assets (works offline); allowed by its hash in the CSP.
const CSS = `
:root{color-scheme:light;--ink:#1b1f24;--muted:#4a5360;--brand:#0b5cad;--ok:#13683a;--bad:#a3261b;--warn:#7a4d00;--bg:#f5f7fa}
*{box-sizing:border-box}
body{margin:0;font:1.0625rem/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
header{background:#fff;border-bottom:1px solid #d8dee6}
header div,main{max-width:40rem;margin:0 auto;padding:1rem 1.25rem}
header div{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:center;gap:.5rem}
header a{color:var(--ink);font-weight:700;text-decoration:none}
nav{display:flex;flex-wrap:wrap;gap:.25rem 1rem}nav a{color:var(--brand);white-space:nowrap}
h1{font-size:1.6rem;line-height:1.25}
.card{background:#fff;border:1px solid #d8dee6;border-radius:.5rem;padding:1.25rem;margin:1rem 0}
label{display:block;font-weight:600;margin-bottom:.25rem}
input[type=tel]{width:100%;font:inherit;padding:.6rem;border:2px solid #6b7685;border-radius:.375rem}
button{font:inherit;font-weight:600;padding:.65rem 1.2rem;margin-top:1rem;border:0;border-radius:.375rem;background:var(--brand);color:#fff;cursor:pointer}
a:focus-visible,button:focus-visible,input:focus-visible{outline:3px solid #f2b705;outline-offset:2px}
.hint{color:var(--muted);font-size:.95rem}
.error-text{color:var(--bad);font-weight:600}
.status{border-left:.4rem solid var(--brand);padding-left:1rem}
.status.verified{border-color:var(--ok)}.status.not-verified{border-color:var(--bad)}.status.error,.status.held{border-color:var(--warn)}
input[type=text],input[type=date]{width:100%;font:inherit;padding:.5rem;border:2px solid #6b7685;border-radius:.375rem;margin-bottom:.6rem}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #d8dee6}
.match{color:var(--ok);font-weight:600}.mismatch{color:var(--bad);font-weight:600}.not-available{color:var(--muted)}
fieldset{border:1px solid #d8dee6;border-radius:.375rem;margin:1rem 0 0;padding:.5rem 1rem}legend{font-weight:600;padding:0 .25rem}
button.secondary{background:#fff;color:var(--brand);border:2px solid var(--brand)}
.phone{max-width:24rem;margin:1.5rem auto;padding:2.25rem .75rem 1.75rem;border-radius:2rem;background:#202124}
.sheet{background:#fff;border-radius:1.5rem;padding:1rem 1.25rem 1.25rem;font-family:Roboto,"Noto Sans",system-ui,sans-serif}
.sheet-badge{margin:0 0 .25rem;font-size:.75rem;font-weight:700;letter-spacing:.06em;text-transform:uppercase;color:#5f6368}
.sheet h2{margin:.25rem 0 .5rem;font-size:1.3rem}
.sheet fieldset{border:0;padding:0}.sheet legend{padding:0}
.sheet-option{display:flex;gap:.75rem;align-items:flex-start;font-weight:400;padding:.5rem 0;border-bottom:1px solid #e8eaed}
.sheet-option input{margin-top:.35rem;width:1.1rem;height:1.1rem}
.sheet-actions{display:flex;justify-content:flex-end;gap:.75rem}
.sheet button{border-radius:1.25rem;background:#1a73e8}.sheet button.secondary{background:#fff;color:#1a73e8;border:1px solid #dadce0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:600}dd{margin:0}
`;

export const STYLE_HASH = `'sha256-${createHash('sha256').update(CSS).digest('base64')}'`;

/** HTML-escapes text for element content and quoted attributes. */
export function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/**
 * The page frame: language, viewport, landmarks, a skip-free single main region. `refreshSeconds`
 * reloads the page without JavaScript (a meta refresh, which the CSP does not govern).
 */
export function layout(title: string, body: string, refreshSeconds?: number): string {
  const refresh =
    refreshSeconds === undefined
      ? ''
      : `\n<meta http-equiv="refresh" content="${Math.max(1, Math.ceil(refreshSeconds))}">`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">${refresh}
<title>${escapeHtml(title)} · Demo Bank</title>
<style>${CSS}</style>
</head>
<body>
<header><div><a href="/">Demo Bank</a>
<nav aria-label="Main"><a href="/">Fast login</a><a href="/transfer">Confirm a transfer</a><a href="/details">Check details</a><a href="/call-centre">Call centre</a><a href="/sim">Verify with your SIM</a></nav></div></header>
<main id="main">
${body}
</main>
</body>
</html>`;
}
