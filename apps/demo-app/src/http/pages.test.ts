import { describe, expect, it } from '@jest/globals';
import {
  CamaraApiError,
  ConsentRequiredError,
  NetworkNotIdentifiedError,
  SwitchboardError,
  TimeoutError,
} from '@switchboard/sdk';
import { escapeHtml } from './layout.js';
import { errorView, notVerifiedView, verifiedView } from './outcome.js';
import { homePage, resultPage } from './pages.js';

describe('result views', () => {
  it('tells a Wi-Fi user to use mobile data or another method', () => {
    const view = errorView(new NetworkNotIdentifiedError('not identified'));
    expect(view.status).toBe('error');
    expect(view.advice.join(' ')).toMatch(/Turn off Wi-Fi.*another method/);
    expect(view.reference).toBe('NETWORK_NOT_IDENTIFIED');
  });

  it('offers consent only for consent_required', () => {
    expect(errorView(new ConsentRequiredError()).offerConsent).toBe(true);
    expect(errorView(new NetworkNotIdentifiedError()).offerConsent).toBe(false);
  });

  it('treats timeouts and 5xx API errors as "try again", with the correlator', () => {
    const view = errorView(new CamaraApiError(503, 'UNAVAILABLE', 'down', 'corr-9'));
    expect(view.title).toContain('not answering');
    expect(view.reference).toBe('UNAVAILABLE · corr-9');
    expect(errorView(new TimeoutError('slow')).title).toContain('not answering');
    expect(errorView(new SwitchboardError('NO_PENDING_VERIFICATION', 'x')).title).toBe(
      'Please start again',
    );
  });

  it('distinguishes verified from not verified per use case', () => {
    expect(verifiedView('transfer', '+34600000001').message).toContain('transfer is confirmed');
    expect(notVerifiedView('+34600000001').status).toBe('not-verified');
  });
});

describe('pages', () => {
  it('escapes what the user typed', () => {
    const html = homePage({ csrf: 't', phoneNumber: '"><script>', error: 'bad' });
    expect(html).not.toContain('"><script>');
    expect(html).toContain(escapeHtml('"><script>'));
  });

  it('puts the result in a status region and the consent retry behind the CSRF token', () => {
    const view = errorView(new ConsentRequiredError());
    const html = resultPage(view, { csrf: 'tok', phoneNumber: '+34600000001', useCase: 'login' });
    expect(html).toContain('role="status"');
    expect(html).toContain('name="askConsent" value="yes"');
    expect(html).toContain('name="csrf" value="tok"');
  });
});
