import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import {
  consentListPage,
  consentPage,
  escapeHtml,
  htmlDocument,
  SECURITY_HEADERS,
} from './pages.js';

describe('pages', () => {
  it('escapes everything that reaches HTML', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe(
      '&#60;a href=&#34;x&#34; onclick=&#39;y&#39;&#62;&#38;&#60;/a&#62;',
    );
    const html = consentPage({
      operatorName: 'Op',
      clientName: '<script>alert(1)</script>',
      purposeLabel: 'Fraud',
      purpose: 'dpv:Fraud',
      uses: ['read'],
      action: '/interaction/abc/decision',
      csrf: 'token"><',
    });
    expect(html).not.toContain('<script>');
    expect(html).toContain('value="token&#34;&#62;&#60;"');
    expect(consentListPage('Op', [], 'x')).toContain('not given any consent');
  });

  it('allows only its own inline CSS, by hash, and no script at all', () => {
    const csp = SECURITY_HEADERS['Content-Security-Policy']!;
    const css = /<style>([\s\S]*)<\/style>/.exec(htmlDocument('t', 'b'))![1]!;
    const hash = createHash('sha256').update(css).digest('base64');
    expect(csp).toContain(`style-src 'sha256-${hash}'`);
    expect(csp).toMatch(/default-src 'none'.*frame-ancestors 'none'/);
    expect(csp).not.toMatch(/unsafe-inline|script-src/);
    expect(SECURITY_HEADERS).toMatchObject({
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    });
  });
});
