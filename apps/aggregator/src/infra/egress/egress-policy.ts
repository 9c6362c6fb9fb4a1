import { isForbiddenHost, type Operator } from '@switchboard/telco-finder';

/** Where a connection goes, as undici's connector sees it. */
export interface EgressTarget {
  readonly protocol: string;
  readonly hostname: string;
  readonly port: string | number;
}

/**
 * How Switchboard may talk to one operator's URLs (operator-egress.ts applies it to
 * every connection; endpoint validation and the flow apply it to every URL first, for a clear
 * message).
 */
export interface EgressPolicy {
  /** Plain `http:` is allowed: development, or an operator an admin registered as insecure. */
  readonly allowHttp: boolean;
  /** True when a connection to `target` skips the special-purpose address guard. */
  unguarded(target: EgressTarget): boolean;
}

/**
 * URLs an operator chose itself (its discovery document at registration, its routing table):
 * guarded everywhere outside OPERATOR_DEV_MODE.
 */
export function operatorChosenPolicy(devMode: boolean): EgressPolicy {
  return { allowHttp: devMode, unguarded: () => devMode };
}

/**
 * One operator's OIDC endpoints during the flow. Outside OPERATOR_DEV_MODE every connection is
 * guarded except to the *vouched* origins of an operator an admin registered as insecure (the
 * loopback sandboxes): the origins of its registered issuer and api root that the operator API
 * could not have set — an `http:` URL or a host forbidden in itself — so only an admin chose
 * them. An insecure operator that moved its issuer to `https://` through the operator API, and
 * any other origin its discovery document names, stays guarded.
 */
export function operatorPolicy(
  op: Pick<Operator, 'issuerUrl' | 'apiRoot' | 'allowInsecureHttp'>,
  devMode: boolean,
): EgressPolicy {
  if (devMode) return operatorChosenPolicy(true);
  if (!op.allowInsecureHttp) return operatorChosenPolicy(false);
  const vouched = new Set(
    [op.issuerUrl, op.apiRoot]
      .map(parse)
      .filter((u): u is URL => u !== undefined)
      .filter((u) => u.protocol === 'http:' || isForbiddenHost(u.hostname))
      .map((u) => originKey(u)),
  );
  return { allowHttp: true, unguarded: (target) => vouched.has(originKey(target)) };
}

/**
 * Why Switchboard must not contact `url` under `policy`, as `<label> must be an https URL` or
 * `<label>: <host> is a loopback or private host …`; undefined when it may. The connect-time
 * guard stops the same hosts; this says so before any request, naming the field.
 */
export function urlRefusal(
  policy: EgressPolicy,
  url: string,
  label: string,
  { httpsOnly }: { httpsOnly: boolean },
): string | undefined {
  const u = parse(url);
  if (!u || (u.protocol !== 'https:' && u.protocol !== 'http:'))
    return `${label} must be an http(s) URL`;
  if (httpsOnly && u.protocol === 'http:' && !policy.allowHttp)
    return `${label} must be an https URL`;
  if (policy.unguarded(u) || !isForbiddenHost(u.hostname)) return undefined;
  return `${label}: ${u.hostname} is a loopback or private host (allowed only with OPERATOR_DEV_MODE)`;
}

/** scheme://host:port with the default port filled in and IPv6 brackets removed. */
function originKey({ protocol, hostname, port }: EgressTarget): string {
  const host = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return `${protocol}//${host}:${port || (protocol === 'https:' ? 443 : 80)}`;
}

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}
