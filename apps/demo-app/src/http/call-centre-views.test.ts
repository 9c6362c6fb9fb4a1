import { describe, expect, it } from '@jest/globals';
import {
  AccessDeniedError,
  AuthorizationExpiredError,
  OAuthError,
  SwitchboardError,
  TimeoutError,
} from '@switchboard/sdk';
import { planPoll } from './call-centre-pace.js';
import {
  callCentreErrorView,
  callCentreMessagePage,
  callCentrePage,
  callCentreResultPage,
  callerDetailsView,
  pendingPage,
  simSwapView,
} from './call-centre-views.js';
import { escapeHtml } from './layout.js';

const flow = {
  authReqId: 'req-1',
  interval: 2,
  expiresAt: 100_000,
  lastPollAt: 10_000,
  phoneNumber: '+346001000005',
};

describe('the status page’s pace', () => {
  it('polls no sooner than interval after the last poll, and says how long to wait', () => {
    expect(planPoll(flow, 10_000)).toEqual({ kind: 'wait', seconds: 2 });
    expect(planPoll(flow, 11_001)).toEqual({ kind: 'wait', seconds: 1 });
    expect(planPoll(flow, 12_000)).toEqual({ kind: 'poll' });
    expect(planPoll({ ...flow, interval: 7 }, 12_000)).toEqual({ kind: 'wait', seconds: 5 });
  });

  it('stops at the request’s expiry', () => {
    expect(planPoll(flow, 100_000)).toEqual({ kind: 'expired' });
  });
});

describe('call-centre views', () => {
  it('says what a SIM change means for the agent', () => {
    const swapped = simSwapView('+346001000007', true);
    expect(swapped).toMatchObject({
      status: 'held',
      title: 'SIM changed in the last 10 days — verify the caller another way',
    });
    expect(simSwapView('+346001000005', false)).toMatchObject({
      status: 'verified',
      title: 'No recent SIM change',
    });
  });

  it('speaks of the caller’s details, not the reader’s', () => {
    const view = callerDetailsView(
      { givenName: 'Ana', familyName: 'Garcia' },
      { givenNameMatch: 'true', familyNameMatch: 'false', familyNameMatchScore: 90 },
    );
    expect(view.message).toBe("The operator's record confirms 1 of the 2 details the caller gave.");
    const html = callCentreResultPage(simSwapView('+346001000005', false), view);
    expect(html).toContain('<th scope="col">Caller said</th>');
    expect(html).toContain('data-result="verified"');
    expect(html).toContain('data-kyc="not-verified"');
  });

  it('keeps SIM Swap’s answer when the details could not be checked', () => {
    const failed = {
      ...callCentreErrorView(new SwitchboardError('INTERNAL', 'boom')),
      title: 'The details could not be checked',
    };
    const html = callCentreResultPage(simSwapView('+491700000005', false), failed);
    expect(html).toContain('No recent SIM change');
    expect(html).toContain('data-kyc="error"');
    expect(html).toContain('Reference for support: <code>INTERNAL</code>');
    expect(html).not.toContain('<table');
  });

  it('explains denial, expiry, unknown numbers and outages, with a reference', () => {
    expect(callCentreErrorView(new AccessDeniedError('no')).title).toBe(
      'The customer did not approve',
    );
    expect(callCentreErrorView(new AuthorizationExpiredError()).title).toBe('The request expired');
    const unknown = callCentreErrorView(new OAuthError('unknown_user_id', 'nobody'));
    expect(unknown.title).toBe('Number not found');
    expect(unknown.reference).toBe('OAUTH_ERROR');
    expect(callCentreErrorView(new TimeoutError('slow')).title).toBe(
      'The operator is not answering',
    );
    const other = callCentreErrorView(new SwitchboardError('INTERNAL', 'boom'));
    expect(other.title).toBe('The check could not be completed');
    expect(callCentreMessagePage(other)).not.toContain('boom');
  });
});

describe('call-centre pages', () => {
  it('the form: labels, CSRF token, the caller’s details, escaped input', () => {
    const html = callCentrePage({ csrf: 'tok', phoneNumber: '"><script>', error: 'bad' });
    expect(html).toContain('name="csrf" value="tok"');
    expect(html).toContain('<label for="phoneNumber">');
    expect(html).toContain('<label for="givenName">Given name</label>');
    expect(html).toContain('<label for="familyName">Family name</label>');
    expect(html).not.toContain('"><script>');
    expect(html).toContain(escapeHtml('"><script>'));
    expect(html).toContain('<a href="/call-centre">Call centre</a>');
  });

  it('says clearly when no backend client is configured', () => {
    const html = callCentrePage(undefined);
    expect(html).toContain('The call centre is not set up');
    expect(html).toContain('BACKEND_CLIENT_ID');
    expect(html).not.toContain('<form');
  });

  it('the pending page refreshes itself without JavaScript, and offers a link', () => {
    const html = pendingPage('+491700000005', 2.2);
    expect(html).toContain('<meta http-equiv="refresh" content="3">');
    expect(html).toContain('Waiting for the customer to approve on their phone…');
    expect(html).toContain('<a href="/call-centre/status">Refresh now</a>');
    expect(html).not.toContain('<script');
  });
});
