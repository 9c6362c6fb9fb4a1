import {
  ROUTE_KINDS,
  routeSetSchema,
  type RouteChangeMode,
  type RouteSet,
} from '@switchboard/contracts';
import type { z } from 'zod';
import { InputError, type ErrorDetail } from '../errors.js';
import { CidrError, parseCidr } from '../ip/cidr.js';
import { parseMsisdnPrefix, PrefixError } from '../msisdn/msisdn-prefix.js';
import type { RouteKindStore } from './kinds.js';
import { planCount, type Claim } from './plan.js';
import type { ClaimPolicy } from './policies.js';
import { MAX_VIOLATIONS, refuseAny } from './violations.js';

// Requests into canonical, de-duplicated values: every bad value is reported, nothing is
// written. What the values may then claim is the planner's (plan.ts).

export function canonicalCidr(input: string): string {
  try {
    return parseCidr(input.trim()).cidr;
  } catch (e) {
    if (e instanceof CidrError) throw new InputError(e.message);
    throw e;
  }
}

export function canonicalPrefix(input: string): string {
  try {
    return parseMsisdnPrefix(input.trim());
  } catch (e) {
    if (e instanceof PrefixError) throw new InputError(e.message);
    throw e;
  }
}

export function canonicalMccMnc(input: string): string {
  const value = input.trim().replace('-', '');
  if (!/^[0-9]{5,6}$/.test(value)) {
    throw new InputError(`invalid MCC-MNC '${input}' (expected 5 or 6 digits, e.g. 21407)`);
  }
  return value;
}

/** An admin API list of one kind: strings, within the policy's count, each valid, none twice. */
export function normalizeList(
  values: unknown,
  kind: RouteKindStore,
  policy: ClaimPolicy,
): string[] {
  if (!Array.isArray(values) || values.length === 0)
    throw new InputError(`give at least one ${kind.label}`);
  refuseAny(planCount(kind.noun, values.length, policy));
  const details: ErrorDetail[] = [];
  const out = new Set<string>();
  for (const v of values) {
    if (typeof v !== 'string') {
      details.push({ message: `not a ${kind.label}: ${JSON.stringify(v)}` });
      continue;
    }
    try {
      const n = kind.normalize(v);
      if (out.has(n)) details.push({ message: `${n} is listed twice` });
      out.add(n);
    } catch (e) {
      details.push({ message: (e as Error).message });
    }
  }
  if (details.length > 0) throw new InputError(details[0]!.message, details);
  return [...out];
}

/** An operator API route set (the contract's shape), each kind normalized. */
export function normalizeSet(
  raw: unknown,
  mode: RouteChangeMode,
  kinds: Record<string, RouteKindStore>,
): RouteSet {
  const parsed = routeSetSchema.safeParse(raw);
  if (!parsed.success) throw shapeRefusal(parsed.error.issues);
  const set: RouteSet = {};
  const details: ErrorDetail[] = [];
  for (const kind of ROUTE_KINDS) {
    const values = parsed.data[kind];
    if (values === undefined) continue;
    const out = new Set<string>();
    for (const v of values) {
      try {
        out.add(kinds[kind]!.normalize(v));
      } catch (e) {
        details.push({ field: kind, message: (e as Error).message });
      }
    }
    set[kind] = [...out];
  }
  if (details.length > 0)
    throw new InputError(details[0]!.message, details.slice(0, MAX_VIOLATIONS));
  if (mode !== 'replace' && Object.values(set).every((v) => v.length === 0))
    throw new InputError('give at least one range, prefix or network');
  return set;
}

/** The shape's refusal (an unknown field, a kind that is no list) first, else each bad value. */
function shapeRefusal(issues: z.core.$ZodIssue[]): InputError {
  const shape =
    issues.find((i) => i.code === 'unrecognized_keys') ?? issues.find((i) => i.path.length < 2);
  if (shape) return new InputError(shape.message);
  const details = issues
    .slice(0, MAX_VIOLATIONS)
    .map((i) => ({ field: String(i.path[0]), message: i.message }));
  return new InputError(details[0]!.message, details);
}

/**
 * `operator_id,<value>` CSV lines (an optional header, blank lines and `#` comments
 * skipped) into claims carrying their line numbers.
 */
export async function parseCsv(
  lines: AsyncIterable<string>,
  kind: RouteKindStore,
  onParsed?: (rows: number) => void,
): Promise<Claim[]> {
  const rows: Claim[] = [];
  const errors: ErrorDetail[] = [];
  const header = `operator_id,${kind.column}`;
  let line = 0;
  for await (const raw of lines) {
    line++;
    const text = raw.trim();
    if (text === '' || text.startsWith('#')) continue;
    if (line === 1 && text.replace(/\s/g, '').toLowerCase() === header) continue;
    const comma = text.indexOf(',');
    if (comma < 0 || text.indexOf(',', comma + 1) >= 0) {
      if (errors.length < MAX_VIOLATIONS) errors.push({ line, message: `expected "${header}"` });
      continue;
    }
    try {
      const value = kind.normalize(text.slice(comma + 1));
      rows.push({ operatorId: text.slice(0, comma).trim(), value, line });
    } catch (e) {
      if (errors.length < MAX_VIOLATIONS) errors.push({ line, message: (e as Error).message });
    }
    if (rows.length % 100_000 === 0) onParsed?.(rows.length);
  }
  if (errors.length > 0)
    throw new InputError(`line ${errors[0]!.line}: ${errors[0]!.message}`, errors);
  if (rows.length === 0) throw new InputError('the file has no rows');
  return rows;
}
