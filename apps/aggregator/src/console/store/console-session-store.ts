import type { Knex } from 'knex';

/** A console session as stored: only the hash of its id (the cookie's value) is kept. */
export interface ConsoleSessionRow {
  readonly createdAt: Date;
  readonly lastSeenAt: Date;
  readonly expiresAt: Date;
}

export async function insertSession(
  knex: Knex,
  idHash: string,
  now: Date,
  expiresAt: Date,
): Promise<void> {
  await knex('console_sessions').insert({
    id_hash: idHash,
    created_at: now,
    last_seen_at: now,
    expires_at: expiresAt,
  });
}

export async function findSession(
  knex: Knex,
  idHash: string,
): Promise<ConsoleSessionRow | undefined> {
  const row = (await knex('console_sessions')
    .where({ id_hash: idHash })
    .first('created_at', 'last_seen_at', 'expires_at')) as
    | { created_at: Date | string; last_seen_at: Date | string; expires_at: Date | string }
    | undefined;
  if (!row) return undefined;
  return {
    createdAt: new Date(row.created_at),
    lastSeenAt: new Date(row.last_seen_at),
    expiresAt: new Date(row.expires_at),
  };
}

export async function touchSession(knex: Knex, idHash: string, now: Date): Promise<void> {
  await knex('console_sessions').where({ id_hash: idHash }).update({ last_seen_at: now });
}

export async function deleteSession(knex: Knex, idHash: string): Promise<void> {
  await knex('console_sessions').where({ id_hash: idHash }).delete();
}

/** Sessions past their end, codes past theirs, failures older than the throttle window. */
export async function pruneConsoleRows(knex: Knex, now: Date, failuresBefore: Date): Promise<void> {
  await knex('console_sessions').where('expires_at', '<', now).delete();
  await knex('console_login_codes').where('expires_at', '<', now).delete();
  await knex('console_signin_failures').where('occurred_at', '<', failuresBefore).delete();
}

export async function insertLoginCode(
  knex: Knex,
  codeHash: string,
  now: Date,
  expiresAt: Date,
): Promise<void> {
  await knex('console_login_codes').insert({
    code_hash: codeHash,
    created_at: now,
    expires_at: expiresAt,
  });
}

/** Marks the code used; true only for the one caller that found it unused and unexpired. */
export async function consumeLoginCode(knex: Knex, codeHash: string, now: Date): Promise<boolean> {
  const used = await knex('console_login_codes')
    .where({ code_hash: codeHash })
    .whereNull('used_at')
    .andWhere('expires_at', '>', now)
    .update({ used_at: now });
  return used === 1;
}

export async function recordSignInFailure(knex: Knex, source: string, now: Date): Promise<void> {
  await knex('console_signin_failures').insert({ source, occurred_at: now });
}

export async function countSignInFailures(
  knex: Knex,
  source: string,
  since: Date,
): Promise<number> {
  const row = (await knex('console_signin_failures')
    .where({ source })
    .andWhere('occurred_at', '>=', since)
    .count({ n: '*' })
    .first()) as { n: string | number } | undefined;
  return Number(row?.n ?? 0);
}

export async function clearSignInFailures(knex: Knex, source: string): Promise<void> {
  await knex('console_signin_failures').where({ source }).delete();
}
