import { NV_SCOPES } from '@switchboard/camara';

/** The Number Verification operations an app may ask for (CAMARA NV 2.1 scopes). */
export type NumberVerificationOperation = 'verify' | 'device-phone-number';

const OPERATION_SCOPES: Readonly<Record<NumberVerificationOperation, string>> = NV_SCOPES.v2;

// ICM: the purpose is a W3C DPV term, e.g. dpv:FraudPreventionAndDetection.
const PURPOSE = /^dpv:[A-Za-z][A-Za-z0-9]*$/;

/** Accepts `dpv:FraudPreventionAndDetection` or the bare `FraudPreventionAndDetection`. */
export function normalisePurpose(purpose: string): string {
  const withPrefix = purpose.startsWith('dpv:') ? purpose : `dpv:${purpose}`;
  if (!PURPOSE.test(withPrefix)) {
    throw new TypeError(`purpose must be one dpv: term such as dpv:FraudPreventionAndDetection`);
  }
  return withPrefix;
}

/**
 * `openid dpv:<Purpose> number-verification:verify …`: exactly one purpose (ICM profile),
 * then the NV scopes of the requested operations and any other API scopes, in the CAMARA
 * scope style.
 */
export function buildScope(
  purpose: string,
  operations: readonly NumberVerificationOperation[] = ['verify'],
  scopes: readonly string[] = [],
): string {
  for (const scope of scopes)
    if (!/^[a-z][a-z0-9-]*(:[a-z0-9-]+)+$/.test(scope))
      throw new TypeError(`not a CAMARA API scope: ${JSON.stringify(scope)}`);
  if (operations.length === 0 && scopes.length === 0)
    throw new TypeError('at least one operation or scope is required');
  const nv = [...new Set(operations)].map((op) => {
    const scope = OPERATION_SCOPES[op];
    if (!scope) throw new TypeError(`unknown operation ${String(op)}`);
    return scope;
  });
  return ['openid', normalisePurpose(purpose), ...new Set([...nv, ...scopes])].join(' ');
}

/**
 * The scope of a backend flow: `openid dpv:<Purpose> <API scopes>` for CIBA, the same without
 * `openid` for a JWT-bearer `scope` claim (ICM r4.2: a purpose and CAMARA scopes). Exactly one
 * purpose: a `dpv:` term among the API scopes is refused.
 */
export function buildBackendScope(
  purpose: string,
  scopes: readonly string[],
  { openid = true }: { openid?: boolean } = {},
): string {
  if (!Array.isArray(scopes) || scopes.length === 0)
    throw new TypeError('scopes: give at least one CAMARA API scope, e.g. sim-swap:check');
  if (scopes.some((s) => /^dpv:/i.test(s)))
    throw new TypeError('give exactly one purpose, in purpose, not among the scopes');
  const scope = buildScope(purpose, [], scopes);
  return openid ? scope : scope.replace(/^openid /, '');
}
