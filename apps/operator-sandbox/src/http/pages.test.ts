import { describe, expect, it } from '@jest/globals';
import { consentListPage, consentPage, escapeHtml } from './pages.js';

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
});
