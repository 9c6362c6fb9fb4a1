import fc from 'fast-check';
import { MAX_ROUTE_VALUES } from '@switchboard/contracts';
import { hostileString, hostileValue } from '@switchboard/test-kit/test-support/generators';

/**
 * GSMA OPG.10 routing tables as an operator's endpoint might serve them (docs/security.md, "Hostile input"): valid
 * tables of one operator, near misses (another operator's id, bad CIDRs, wrong families,
 * wrong types, missing `static`), any JSON, and tables past the parser's size limits.
 */
export interface TableCase {
  readonly kind: string;
  readonly body: unknown;
  /** true: a well-formed table of this operator; false: must be refused; undefined: either. */
  readonly valid?: boolean;
}

const byte = () => fc.integer({ min: 1, max: 223 });
const hex = () => fc.integer({ min: 0x2001, max: 0x2fff }).map((n) => n.toString(16));

/**
 * CIDRs without host bits, of public-looking blocks no broader than an operator may claim
 * itself (IPv4 /10, IPv6 /19: BROADEST_SELF_CLAIM); broader ones are `tooBroadClaim`.
 */
export const ipv4Cidr = () =>
  fc.oneof(
    byte().map((a) => `${a}.0.0.0/10`),
    fc.tuple(byte(), fc.nat(255)).map(([a, b]) => `${a}.${b}.0.0/16`),
    fc.tuple(byte(), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => `${p.join('.')}/32`),
  );
export const ipv6Cidr = () => fc.tuple(hex(), hex()).map(([a, b]) => `${a}:${b}::/32`);
export const msisdnPrefix = () => fc.stringMatching(/^\+?[1-9][0-9]{3,8}$/);
/** Claims an operator makes only with an admin's approval: /0–/9, /0–/18, 1–3 digits. */
export const tooBroadClaim = () =>
  fc.oneof(
    fc
      .tuple(fc.integer({ min: 1, max: 9 }), byte())
      .map(([len, a]) => `${a & (0xff << (8 - Math.min(len, 8)))}.0.0.0/${len}`),
    fc.integer({ min: 4, max: 18 }).map((len) => `2000::/${len}`),
    fc.stringMatching(/^\+[1-9][0-9]{0,2}$/),
  );
export const network = () => fc.stringMatching(/^[2-7][0-9]{4,5}$/);

const list = <T>(a: fc.Arbitrary<T>) => fc.array(a, { maxLength: 4 });
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

const staticTarget = (operatorId: fc.Arbitrary<unknown>) =>
  fc.record(
    {
      operatorId,
      apiRoot: maybe(
        fc.oneof(
          fc.webUrl(),
          hostileString().map((s) => s.slice(0, 2048)),
        ),
      ),
      authProviderConfiguration: maybe(fc.webUrl()),
    },
    { requiredKeys: ['operatorId'] },
  );

const rule = (
  operatorId: fc.Arbitrary<unknown>,
  value: (good: fc.Arbitrary<string>) => fc.Arbitrary<unknown>,
) =>
  fc.record(
    {
      ipv4: value(ipv4Cidr()),
      ipv6: value(ipv6Cidr()),
      msisdnPrefix: value(msisdnPrefix()),
      network: value(network()),
      static: staticTarget(operatorId),
    },
    { requiredKeys: ['static'] },
  );

const good = (a: fc.Arbitrary<string>) => list(a);
/** A value list where any entry may be hostile (a bad CIDR, a number, a long string…). */
const bad = (a: fc.Arbitrary<string>) =>
  fc.oneof(
    fc.array(fc.oneof(a, hostileString(), ipv6Cidr(), ipv4Cidr(), hostileValue()), {
      maxLength: 4,
    }),
    hostileValue(),
  );
/** Values ok for the parser that the claim pipeline may still refuse (prefixes, networks). */
const raw = (a: fc.Arbitrary<string>) => list(fc.oneof(a, fc.stringMatching(/^[+0-9 -]{0,20}$/)));

/** Tables just past the parser's limits, each otherwise valid; built once per suite. */
function hugeCases(own: string): TableCase[] {
  const target = { operatorId: own };
  return [
    {
      kind: 'more than 10,000 rules',
      body: Array.from({ length: 10_001 }, () => ({ static: target })),
      valid: false,
    },
    {
      kind: `more than ${MAX_ROUTE_VALUES} values in one list`,
      body: [
        {
          msisdnPrefix: Array.from({ length: MAX_ROUTE_VALUES + 1 }, (_, i) => `+${i + 1}`),
          static: target,
        },
      ],
      valid: false,
    },
    {
      kind: 'a value over 64 characters',
      body: [{ network: ['1'.repeat(65)], static: target }],
      valid: false,
    },
    {
      kind: 'an operator id over 128 characters',
      body: [{ static: { operatorId: own.repeat(129) } }],
      valid: false,
    },
    { kind: 'deep nesting', body: JSON.parse('['.repeat(2_000) + ']'.repeat(2_000)), valid: false },
  ];
}

/** Every kind of table body, for the operator `own`; `others` are other operators' ids. */
export function routingTableCase(own: string, others: readonly string[]): fc.Arbitrary<TableCase> {
  const ownId = fc.constant(own);
  const foreignId = fc.constantFrom(...others, `${own} `, own.toUpperCase(), `${own}\u0000`);
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .array(rule(ownId, good), { maxLength: 4 })
        .map((body) => ({ kind: 'valid', body, valid: true })),
    },
    {
      weight: 2,
      arbitrary: fc
        .array(rule(ownId, raw), { minLength: 1, maxLength: 3 })
        .map((body) => ({ kind: 'raw prefixes and networks', body })),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.array(rule(ownId, good), { maxLength: 2 }), rule(foreignId, good), fc.nat())
        .map(([rules, foreign, at]) => {
          const body = [...rules];
          body.splice(at % (rules.length + 1), 0, foreign);
          return { kind: "another operator's rule", body, valid: false };
        }),
    },
    {
      weight: 2,
      arbitrary: fc
        .array(rule(fc.oneof(ownId, hostileValue()), bad), { minLength: 1, maxLength: 3 })
        .map((body) => ({ kind: 'hostile values', body })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(ipv6Cidr(), fc.array(rule(ownId, good), { maxLength: 2 }))
        .map(([v6, rules]) => ({
          kind: 'IPv6 under ipv4',
          body: [...rules, { ipv4: [v6], static: { operatorId: own } }],
          valid: false,
        })),
    },
    {
      weight: 1,
      arbitrary: fc
        .array(
          fc.dictionary(
            fc.string({ maxLength: 12 }).filter((k) => k !== 'static'),
            hostileValue(),
          ),
          {
            minLength: 1,
            maxLength: 3,
          },
        )
        .map((body) => ({ kind: 'rules without static', body, valid: false })),
    },
    {
      weight: 2,
      arbitrary: hostileValue()
        .filter((v) => !Array.isArray(v))
        .map((body) => ({ kind: 'not a list', body, valid: false })),
    },
    { weight: 1, arbitrary: fc.constantFrom(...hugeCases(own)) },
  );
}
