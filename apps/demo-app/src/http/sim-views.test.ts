import { describe, expect, it } from '@jest/globals';
import { HandsetError } from '@switchboard/handset';
import { CarrierNotSupportedError, OAuthError, TimeoutError } from '@switchboard/sdk';
import { homePage } from './pages.js';
import {
  consentSheetPage,
  simErrorView,
  simNotVerifiedView,
  simResultPage,
  simVerifiedView,
} from './sim-views.js';

const sims = [
  { slot: 0, label: 'Sandbox Operator A', msisdn: '+346001000005' },
  { slot: 1, label: 'Sandbox Operator B', msisdn: '+491700000005' },
];
const sheet = {
  csrf: 'csrf-token',
  consentText: 'Demo Bank wants to know the phone number of the SIM you choose.',
  policyLink: 'https://switchboard.example/privacy',
  sims,
};

describe('the OS consent sheet', () => {
  it('says it is the simulated system dialog, with the consent text, policy and a SIM picker', () => {
    const html = consentSheetPage(sheet);
    expect(html).toContain('Simulated Android system dialog');
    expect(html).toContain(`<p id="sheet-text" data-consent-text>${sheet.consentText}</p>`);
    expect(html).toContain('<a href="https://switchboard.example/privacy" rel="noreferrer">');
    expect(html).toMatch(/<input type="radio" name="slot" value="0" checked>/);
    expect(html).toMatch(/<input type="radio" name="slot" value="1">/);
    expect(html).toContain('SIM 2 · Sandbox Operator B');
    expect(html).toContain('<input type="hidden" name="csrf" value="csrf-token">');
    expect(html).toContain('name="decision" value="continue"');
    expect(html).toContain('name="decision" value="cancel"');
  });

  it('needs no picker for one eligible SIM', () => {
    const html = consentSheetPage({ ...sheet, sims: [sims[1]!] });
    expect(html).not.toContain('type="radio"');
    expect(html).toContain('<input type="hidden" name="slot" value="1">');
    expect(html).toContain('Using SIM 2 · Sandbox Operator B · +491700000005');
  });

  it('escapes the consent text and links only http(s) policies', () => {
    const html = consentSheetPage({
      ...sheet,
      consentText: '<script>alert(1)</script>',
      policyLink: 'javascript:alert(1)',
    });
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain('javascript:');
    expect(html).not.toContain('Privacy policy');
  });
});

describe('the sign-in page', () => {
  it('offers the SIM path as a second button of the same form', () => {
    const html = homePage({ csrf: 'c' });
    expect(html).toContain(
      '<button type="submit" formaction="/sim" class="secondary" aria-describedby="sim-hint">No mobile data? Verify with your SIM</button>',
    );
    // The network path stays the form's default (Enter submits the first button).
    expect(html.indexOf('Verify silently')).toBeLessThan(html.indexOf('formaction="/sim"'));
  });
});

describe('SIM path results', () => {
  it('verified: the number and the SIM chosen', () => {
    const view = simVerifiedView('+346001000005', 'SIM 1, Sandbox Operator A', false);
    expect(view).toMatchObject({ status: 'verified', title: 'Number verified' });
    expect(view.message).toContain('+346001000005');
    const page = simResultPage(view);
    expect(page).toContain('<h1 data-result="verified">Number verified</h1>');
  });

  it('not verified: the typed number is not the chosen SIM’s', () => {
    const view = simNotVerifiedView('+491700000005', 'SIM 1, Sandbox Operator A');
    expect(view.status).toBe('not-verified');
    expect(view.advice).toContain('Choose the SIM that has this number.');
  });

  it('carrier_not_supported: says so and points to the network path', () => {
    const err = new CarrierNotSupportedError('none eligible', ['network_authentication']);
    const view = simErrorView(err);
    expect(view.title).toBe('Your mobile operator does not offer this');
    expect(view.advice.join(' ')).toContain('“Verify silently” over mobile data');
    expect(view.reference).toBe('carrier_not_supported');
  });

  it('a refusal of the phone: words for the user and its code', () => {
    const view = simErrorView(new HandsetError('aggregator_not_allowlisted', 'not allowlisted'));
    expect(view.title).toBe('Your phone refused the request');
    expect(view.reference).toBe('aggregator_not_allowlisted');
    const invalid = simErrorView(new HandsetError('invalid_options', 'bad'));
    expect(invalid.title).toBe('Verification could not be completed');
  });

  it('an exchange refused by the aggregator, a timeout, anything else: no stack trace', () => {
    const refused = simErrorView(new OAuthError('invalid_grant', 'the operator refused'));
    expect(refused.title).toBe('Verification could not be completed');
    expect(refused.reference).toBe('OAUTH_ERROR');
    expect(simErrorView(new TimeoutError('slow')).title).toContain('not answering');
    const internal = simResultPage(simErrorView(new TypeError('x is undefined')));
    expect(internal).toContain('Verification could not be completed');
    expect(internal).not.toContain('TypeError');
    expect(internal).not.toContain('x is undefined');
  });
});
