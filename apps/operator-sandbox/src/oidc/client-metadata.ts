import type { SandboxClientConfig } from '../config.js';

/** oidc-provider client metadata for a client registered in the sandbox config. */
export function toClientMetadata(client: SandboxClientConfig): Record<string, unknown> {
  const codeFlow = client.grantTypes.includes('authorization_code');
  return {
    client_id: client.clientId,
    client_name: client.clientName,
    grant_types: [...client.grantTypes],
    response_types: codeFlow ? ['code'] : [],
    redirect_uris: codeFlow ? [...client.redirectUris] : [],
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    // The sandbox signs with ES256 only (fast keys; design "stack recipe").
    id_token_signed_response_alg: 'ES256',
    ...(client.clientSecret ? { client_secret: client.clientSecret } : {}),
    ...(client.backchannelTokenDeliveryMode
      ? { backchannel_token_delivery_mode: client.backchannelTokenDeliveryMode }
      : {}),
    // Inline keys: oidc-provider ≥ 9.7 refuses to fetch a loopback jwks_uri.
    ...(client.jwks ? { jwks: { keys: client.jwks.keys.map((k) => ({ ...k })) } } : {}),
  };
}
