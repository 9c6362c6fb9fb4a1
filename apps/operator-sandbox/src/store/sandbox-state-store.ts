import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';

/** A subscriber's recorded decision for one client and purpose (CAMARA ICM consent). */
export interface ConsentRecord {
  readonly accountId: string;
  readonly clientId: string;
  readonly purpose: string;
  readonly grantedAt: string;
  /** oidc-provider grants issued under this consent, revoked with it. */
  readonly grantIds: ReadonlyArray<string>;
}

/**
 * The sandbox's own persistent state (never Switchboard's database): the secret behind
 * pseudonymous subscriber ids, the pseudonym → MSISDN table and the consent master.
 * Persisted as one JSON file when `file` is given ("persistent enough for the demo").
 */
export interface SandboxStateStore {
  readonly secret: string;
  msisdnFor(accountId: string): string | undefined;
  rememberAccount(accountId: string, msisdn: string): Promise<void>;
  findConsent(accountId: string, clientId: string, purpose: string): ConsentRecord | undefined;
  listConsents(accountId: string): ConsentRecord[];
  putConsent(record: ConsentRecord): Promise<void>;
  removeConsent(
    accountId: string,
    clientId: string,
    purpose: string,
  ): Promise<ConsentRecord | undefined>;
  /** Resolves once every change so far is on disk. */
  flush(): Promise<void>;
}

const consentSchema = z.object({
  accountId: z.string(),
  clientId: z.string(),
  purpose: z.string(),
  grantedAt: z.string(),
  grantIds: z.array(z.string()),
});

const stateSchema = z.object({
  version: z.literal(1),
  secret: z.string().min(32),
  accounts: z.record(z.string(), z.string()),
  consents: z.array(consentSchema),
});

type State = z.output<typeof stateSchema>;

export async function createSandboxStateStore(options: {
  file?: string;
}): Promise<SandboxStateStore> {
  const { file } = options;
  const loaded = file ? await readState(file) : undefined;
  const state: State = loaded ?? freshState();
  const persist = createWriter(file, () => JSON.stringify(state, null, 2));
  if (file && !loaded) await persist();
  const find = (a: string, c: string, p: string) =>
    state.consents.find((r) => sameConsent(r, a, c, p));
  return {
    secret: state.secret,
    msisdnFor: (accountId) =>
      Object.hasOwn(state.accounts, accountId) ? state.accounts[accountId] : undefined,
    async rememberAccount(accountId, msisdn) {
      if (state.accounts[accountId] === msisdn) return;
      state.accounts[accountId] = msisdn;
      await persist();
    },
    findConsent: find,
    listConsents: (accountId) => state.consents.filter((r) => r.accountId === accountId),
    async putConsent(record) {
      const others = state.consents.filter(
        (r) => !sameConsent(r, record.accountId, record.clientId, record.purpose),
      );
      state.consents = [...others, { ...record, grantIds: [...record.grantIds] }];
      await persist();
    },
    async removeConsent(a, c, p) {
      const found = find(a, c, p);
      if (!found) return undefined;
      state.consents = state.consents.filter((r) => r !== found);
      await persist();
      return found;
    },
    flush: () => persist.idle(),
  };
}

function freshState(): State {
  return { version: 1, secret: randomBytes(32).toString('base64url'), accounts: {}, consents: [] };
}

function sameConsent(
  r: ConsentRecord,
  accountId: string,
  clientId: string,
  purpose: string,
): boolean {
  return r.accountId === accountId && r.clientId === clientId && r.purpose === purpose;
}

async function readState(file: string): Promise<State | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const parsed = stateSchema.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new Error(`sandbox state file ${file} is not valid: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** Serialised, atomic (write + rename) snapshots; a no-op without a file. */
function createWriter(file: string | undefined, snapshot: () => string) {
  let chain: Promise<void> = Promise.resolve();
  const write = async () => {
    if (!file) return;
    await mkdir(dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, snapshot(), { mode: 0o600 });
    await rename(temp, file);
  };
  const persist = () => (chain = chain.then(write, write));
  return Object.assign(persist, { idle: () => chain });
}
