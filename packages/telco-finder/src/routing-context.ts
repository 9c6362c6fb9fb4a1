import type { Knex } from 'knex';
import type { SecretBox } from '@switchboard/tokens';
import {
  lockRouting,
  notifyRoutingChanged,
  writeAudit,
  type AuditEntry,
} from './store/routing-store.js';

/** What the routing services need from their host process. */
export interface RoutingContext {
  knex: Knex;
  secretBox: SecretBox;
  /** Identifies this process in change notifications, so it can skip its own echo. */
  instanceId: string;
  /** Rebuild this process's index; awaited so a change is visible once a call returns. */
  afterChange(): Promise<void>;
}

/**
 * Runs one routing change: serialised with every other writer (advisory lock), audited,
 * announced to the other processes (NOTIFY, delivered only on commit), then the local
 * index is rebuilt before the caller hears back. An `audit` answering undefined means
 * nothing changed: no audit entry, no announcement, no rebuild.
 */
export async function applyRoutingChange<T>(
  ctx: RoutingContext,
  audit: (result: T) => AuditEntry | undefined,
  change: (trx: Knex.Transaction) => Promise<T>,
  options: { routesChanged?: boolean } = {},
): Promise<T> {
  const announce = options.routesChanged ?? true;
  let changed = false;
  const result = await ctx.knex.transaction(async (trx) => {
    await lockRouting(trx);
    const value = await change(trx);
    const entry = audit(value);
    if (entry) {
      changed = announce;
      await writeAudit(trx, entry);
      if (announce) await notifyRoutingChanged(trx, JSON.stringify({ origin: ctx.instanceId }));
    }
    return value;
  });
  if (changed) await ctx.afterChange();
  return result;
}
