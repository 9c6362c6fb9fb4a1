import type { Operator } from '@switchboard/telco-finder';

export type MachineTokenSource = (
  op: Operator,
) => Promise<{ accessToken: string; expiresIn: number }>;

/** Switchboard's client-credentials tokens at operators, kept until shortly before expiry. */
export interface OperatorMachineTokens {
  get(op: Operator): Promise<string>;
  /** Forgets a token the operator refused (401), so the next `get` asks for a new one. */
  drop(op: Operator): void;
}

/** A token is used until this long before it expires. */
const MARGIN_MS = 10_000;

export function createOperatorMachineTokens(source: MachineTokenSource): OperatorMachineTokens {
  const kept = new Map<string, { value: string; until: number }>();
  return {
    async get(op) {
      const hit = kept.get(op.id);
      if (hit && hit.until > Date.now()) return hit.value;
      const issued = await source(op);
      kept.set(op.id, {
        value: issued.accessToken,
        until: Date.now() + issued.expiresIn * 1000 - MARGIN_MS,
      });
      return issued.accessToken;
    },
    drop: (op) => void kept.delete(op.id),
  };
}

/** Calls `attempt` with the operator's token; on a 401 once more with a fresh token. */
export async function withMachineToken<T>(
  tokens: OperatorMachineTokens,
  op: Operator,
  attempt: (token: string) => Promise<T | 401>,
): Promise<T> {
  const first = await attempt(await tokens.get(op));
  if (first !== 401) return first;
  tokens.drop(op);
  const second = await attempt(await tokens.get(op));
  if (second === 401) throw new Error(`operator ${op.id} refused Switchboard's token`);
  return second;
}
