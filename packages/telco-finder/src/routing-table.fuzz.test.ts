import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { fuzzParameters, fuzzRuns, fuzzTimeout } from '@switchboard/test-kit/test-support';
import { routingTableCase } from '../test-support/routing-tables.js';
import { InputError } from './errors.js';
import { parseCidr } from './ip/cidr.js';
import { parseRoutingTable } from './routing-table.js';

// Hostile input (docs/security.md, "Hostile input"): the GSMA OPG.10 routing-table parser with any body an operator's
// endpoint may serve. It returns only tables of this operator with well-formed ranges of
// the right family, and refuses everything else with an InputError, never anything else.
const op = { id: 'op-a', apiRoot: 'https://api.a.example', issuerUrl: 'https://auth.a.example' };

type Rule = { ipv4?: string[]; ipv6?: string[]; msisdnPrefix?: string[]; network?: string[] };

function outcome(body: unknown) {
  try {
    return { parsed: parseRoutingTable(body, op) };
  } catch (error) {
    return { error };
  }
}

describe('GSMA routing-table parser under hostile tables', () => {
  const runs = fuzzRuns('routing-table parser');
  it(
    "keeps exactly this operator's well-formed routes, or refuses with an InputError",
    () => {
      fc.assert(
        fc.property(routingTableCase(op.id, ['op-b', 'sandbox-a']), (c) => {
          const { parsed, error } = outcome(c.body);
          if (c.valid === true) expect(error).toBeUndefined();
          if (c.valid === false) expect(parsed).toBeUndefined();
          if (error) {
            expect(error).toBeInstanceOf(InputError);
            expect((error as InputError).message).not.toBe('');
            return;
          }
          const rules = c.body as Array<Rule & { static: { operatorId: string } }>;
          expect(rules.every((r) => r.static.operatorId === op.id)).toBe(true);
          expect(parsed!.rules).toBe(rules.length);
          expect(parsed!.routes).toEqual({
            ranges: rules.flatMap((r) => [...(r.ipv4 ?? []), ...(r.ipv6 ?? [])]),
            prefixes: rules.flatMap((r) => r.msisdnPrefix ?? []),
            networks: rules.flatMap((r) => r.network ?? []),
          });
          for (const r of rules) {
            for (const v of r.ipv4 ?? []) expect(parseCidr(v).family).toBe(4);
            for (const v of r.ipv6 ?? []) expect(parseCidr(v).family).toBe(6);
          }
        }),
        fuzzParameters(runs),
      );
    },
    fuzzTimeout(runs, 20),
  );
});
