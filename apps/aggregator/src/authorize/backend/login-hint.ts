import { isE164 } from '@switchboard/camara';
import { ipportAddress } from '../flow/login-hint.js';

/**
 * A subject as ICM r4.2 "Format of login_hint" spells it: `tel:+E164` (RFC 3966 global
 * number, no separators) or `ipport:` with an IPv4 or bracketed IPv6 address and an optional
 * port. `operatortoken:` (TS.43) is refused from apps: they present the operator token as
 * `vp_token:<SD-JWT>` (the JWT-bearer grant, jwt-bearer.ts), and Switchboard alone sends
 * `operatortoken:` to operators (CAMARA NV "Operator Token Acquisition" guide §5.1, §5.3).
 */
export type Subject =
  | { readonly kind: 'tel'; readonly phoneNumber: string; readonly hint: string }
  | { readonly kind: 'ipport'; readonly address: string; readonly hint: string };

export const LOGIN_HINT_FORMATS = 'tel:+E164, ipport:1.2.3.4[:port] or ipport:[2001:db8::1][:port]';

/** The subject a hint names, or a description of what is wrong with it. */
export function parseSubject(value: string): Subject | { readonly refusal: string } {
  if (value.startsWith('tel:')) {
    const phoneNumber = value.slice(4);
    return isE164(phoneNumber)
      ? { kind: 'tel', phoneNumber, hint: value }
      : { refusal: 'a tel: subject must be a global E.164 number, e.g. tel:+34666666666' };
  }
  if (value.startsWith('ipport:')) {
    const address = ipportAddress(value);
    return address
      ? { kind: 'ipport', address, hint: value }
      : {
          refusal:
            'an ipport: subject must be ipport:1.2.3.4[:port] or ipport:[2001:db8::1][:port]',
        };
  }
  if (value.startsWith('operatortoken:'))
    return {
      refusal:
        'operatortoken: subjects are what Switchboard sends to operators; an app presents an operator token as sub=vp_token:<SD-JWT> with the JWT-bearer grant',
    };
  return { refusal: `the subject must be one of ${LOGIN_HINT_FORMATS}` };
}
