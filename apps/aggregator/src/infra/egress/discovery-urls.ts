/** Checks one URL of a discovery document; returns why it is refused, or undefined. */
export type UrlCheck = (url: string, label: string) => string | undefined;

/** Members that are URLs Switchboard may call or send a browser to, besides every `*_endpoint`. */
const URL_MEMBERS = new Set(['jwks_uri', 'check_session_iframe']);

/**
 * Checks every URL-valued member of an operator's OpenID Provider metadata Switchboard (or
 * openid-client on its behalf) may call or send a browser to: each `*_endpoint` (RFC 8414 §2 and
 * OpenID Connect Discovery 1.0 §3: authorization, token, userinfo, registration, revocation,
 * introspection, end_session, pushed_authorization_request (RFC 9126),
 * backchannel_authentication (CIBA), device_authorization (RFC 8628) and any later one),
 * `jwks_uri`, `check_session_iframe`, and each alias in `mtls_endpoint_aliases` (RFC 8705 §5).
 * Pages for people (`service_documentation`, `op_policy_uri`, `op_tos_uri`) are never fetched nor
 * redirected to, so they are not judged. Returns the first refusal, naming the member.
 */
export function discoveryUrlRefusal(
  metadata: Record<string, unknown>,
  check: UrlCheck,
): string | undefined {
  for (const [member, value] of Object.entries(metadata)) {
    if (member === 'mtls_endpoint_aliases') {
      const refusal = aliasesRefusal(value, check);
      if (refusal) return refusal;
    } else if (member.endsWith('_endpoint') || URL_MEMBERS.has(member)) {
      const refusal = memberRefusal(member, value, check);
      if (refusal) return refusal;
    }
  }
  return undefined;
}

function aliasesRefusal(value: unknown, check: UrlCheck): string | undefined {
  if (value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value))
    return 'mtls_endpoint_aliases is not a JSON object';
  for (const [alias, url] of Object.entries(value)) {
    const refusal = memberRefusal(`mtls_endpoint_aliases.${alias}`, url, check);
    if (refusal) return refusal;
  }
  return undefined;
}

function memberRefusal(member: string, value: unknown, check: UrlCheck): string | undefined {
  // A null member names nothing to call: the same as an absent one.
  if (value === null) return undefined;
  if (typeof value !== 'string') return `${member} is not a URL`;
  return check(value, `${member} ${value}`);
}
