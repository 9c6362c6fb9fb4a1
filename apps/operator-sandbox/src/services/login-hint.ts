import { PHONE_NUMBER_PATTERN } from '@switchboard/camara';
import ipaddr from 'ipaddr.js';

/**
 * A subscriber named by a backend flow (CAMARA ICM "Format of login_hint"): `tel:+E164`,
 * `ipport:1.2.3.4[:port]`, `ipport:[v6][:port]`, or `operatortoken:…` (GSMA TS.43).
 */
export type SubscriberHint =
  | { readonly kind: 'tel'; readonly msisdn: string }
  | { readonly kind: 'ipport'; readonly address: string; readonly port: number | undefined }
  | { readonly kind: 'operatortoken'; readonly token: string };

export type HintParse =
  | { readonly ok: true; readonly hint: SubscriberHint }
  | { readonly ok: false; readonly reason: string };

const IPV4_PORT = /^([0-9.]+)(?::([0-9]{1,5}))?$/;
const IPV6_PORT = /^\[([0-9A-Fa-f:.]+)\](?::([0-9]{1,5}))?$/;

/** Parses a login_hint (CIBA) or an assertion `sub` (JWT-bearer); both use the same formats. */
export function parseSubscriberHint(value: string): HintParse {
  const colon = value.indexOf(':');
  const scheme = value.slice(0, colon);
  const rest = value.slice(colon + 1);
  if (colon > 0 && scheme === 'tel') {
    // RFC 3966 global number without visual separators, E.164 with '+' (ICM).
    return PHONE_NUMBER_PATTERN.test(rest)
      ? { ok: true, hint: { kind: 'tel', msisdn: rest } }
      : { ok: false, reason: 'tel: must be followed by an E.164 number with +, no separators' };
  }
  if (colon > 0 && scheme === 'ipport') return parseIpPort(rest);
  if (colon > 0 && scheme === 'operatortoken' && rest.length > 0)
    return { ok: true, hint: { kind: 'operatortoken', token: rest } };
  return { ok: false, reason: 'must start with tel:, ipport: or operatortoken:' };
}

function parseIpPort(rest: string): HintParse {
  const v6 = IPV6_PORT.exec(rest);
  const v4 = v6 ? undefined : IPV4_PORT.exec(rest);
  const address = v6?.[1] ?? v4?.[1];
  const valid = v6
    ? ipaddr.IPv6.isValid(address!)
    : v4 !== null && v4 !== undefined && ipaddr.IPv4.isValidFourPartDecimal(address!);
  const portText = v6?.[2] ?? v4?.[2];
  const port = portText === undefined ? undefined : Number(portText);
  if (!valid || (port !== undefined && port > 65535)) {
    return {
      ok: false,
      reason: 'ipport: must be followed by an IPv4 address or [IPv6] address, optionally :port',
    };
  }
  return { ok: true, hint: { kind: 'ipport', address: address!, port } };
}
