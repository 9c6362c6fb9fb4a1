import { describe, expect, it } from '@jest/globals';
import { InputError } from '@switchboard/telco-finder';
import { operatorChosenPolicy } from '../infra/egress/egress-policy.js';
import { validateEndpointChange } from './endpoint-validation.js';

const ISSUER = 'https://auth.op.example';
const current = {
  id: 'op-a',
  issuerUrl: 'https://old.op.example',
  apiRoot: 'https://api.op.example',
};

/** Endpoint validation over a discovery document served by a table instead of the network. */
function validate(members: Record<string, unknown>, devMode = false) {
  const doc = {
    issuer: ISSUER,
    authorization_endpoint: `${ISSUER}/authorize`,
    token_endpoint: `${ISSUER}/token`,
    jwks_uri: `${ISSUER}/jwks`,
    ...members,
  };
  const fetched: string[] = [];
  const getJson = (url: string) => {
    fetched.push(url);
    return Promise.resolve(doc);
  };
  const run = validateEndpointChange(
    current,
    { issuerUrl: ISSUER },
    {
      getJson,
      policy: operatorChosenPolicy(devMode),
    },
  );
  return { run, fetched };
}

// Finding: endpoint validation checked only that the issuer matched and that the endpoints
// existed, so a discovery document could name internal hosts the flow would then call.
describe("an operator's discovery document can send Switchboard's credentials anywhere", () => {
  it.each([
    ['token_endpoint', 'https://169.254.169.254/token', '169.254.169.254'],
    ['token_endpoint', 'https://[fd00::1]/token', '[fd00::1]'],
    ['jwks_uri', 'https://foo.localhost/jwks', 'foo.localhost'],
    ['registration_endpoint', 'https://10.0.0.1/register', '10.0.0.1'],
    ['device_authorization_endpoint', 'https://[::ffff:127.0.0.1]/device', '[::ffff:7f00:1]'],
    ['check_session_iframe', 'https://192.168.0.1/session', '192.168.0.1'],
  ])('refuses a document whose %s is %s, naming it', async (member, url, host) => {
    const { run } = validate({ [member]: url });
    await expect(run).rejects.toThrow(InputError);
    await expect(run).rejects.toThrow(
      `issuerUrl: the discovery document at ${ISSUER}/.well-known/openid-configuration: ${member} ${url}: ${host} is a loopback or private host (allowed only with OPERATOR_DEV_MODE)`,
    );
  });

  it('refuses a member that is not a URL, and mtls_endpoint_aliases that is not an object', async () => {
    await expect(validate({ userinfo_endpoint: 42 }).run).rejects.toThrow(
      /: userinfo_endpoint is not a URL$/,
    );
    await expect(validate({ mtls_endpoint_aliases: ['https://a.example'] }).run).rejects.toThrow(
      /: mtls_endpoint_aliases is not a JSON object$/,
    );
  });

  it('does not judge pages for people, non-URL members nor null members', async () => {
    const { run, fetched } = validate({
      end_session_endpoint: null,
      mtls_endpoint_aliases: null,
      op_policy_uri: 'http://10.0.0.1/policy',
      service_documentation: 'http://localhost/docs',
      scopes_supported: ['openid'],
    });
    await expect(run).resolves.toBeUndefined();
    expect(fetched).toEqual([`${ISSUER}/.well-known/openid-configuration`]);
  });

  it('accepts anything in development mode (the sandboxes on loopback)', async () => {
    await expect(
      validate({ token_endpoint: 'http://127.0.0.1:4001/token' }, true).run,
    ).resolves.toBeUndefined();
  });
});
