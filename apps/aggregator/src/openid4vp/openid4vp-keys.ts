import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { OpenId4VpKeyView } from '@switchboard/contracts';
import { isDatabaseUnavailable } from '@switchboard/db';
import type { SecretBox } from '@switchboard/tokens';
import {
  getOpenId4VpKey,
  insertOpenId4VpKey,
  listOpenId4VpKeys,
  withOpenId4VpKeyLock,
  type OpenId4VpKeyRow,
} from './store/openid4vp-key-store.js';
import {
  certificateFromDer,
  createLeafCertificate,
  createRootCertificate,
  exportPkcs8,
  generateP256,
  importPkcs8,
  type CryptoKey,
} from './x509-certificates.js';

/** What signs a credential_authorization_jwt: the newest leaf key and its chain. */
export interface OpenId4VpSigner {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  /** `[leaf, root]`, standard base64 DER (RFC 7515 §4.1.6). */
  readonly x5c: string[];
}

/**
 * The aggregator's OpenID4VP signing keys (the guide's Appendix B: the aggregator signs the
 * credential_authorization_jwt with a key whose chain is in `x5c`; Google's allowlist holds the
 * root's fingerprint per operator). A root CA certifies leaves; only the newest leaf signs.
 */
export interface OpenId4VpKeys {
  /** Creates a missing or expired root / leaf (first boot); safe with several processes. */
  bootstrap(): Promise<void>;
  signer(): Promise<OpenId4VpSigner>;
  /** A new leaf certified by the current root; with `root`, a new root and a leaf under it. */
  rotate(options?: { root?: boolean }): Promise<OpenId4VpKeyView>;
  view(): Promise<OpenId4VpKeyView>;
}

/** The secret-box context (AAD) of an OpenID4VP private key. */
export const openId4VpKeyContext = (kid: string) => `openid4vp-key:${kid}`;

const DAY_MS = 86_400_000;
const ROOT_DAYS = 3650;
const LEAF_DAYS = 365;
/** Other processes sign with a rotated leaf within this time. */
const CACHE_MS = 10_000;

export function createOpenId4VpKeys(deps: {
  knex: Knex;
  secretBox: SecretBox;
  /** Names the certificates (CN), e.g. the issuer's host. */
  name: string;
  clock?: () => number;
}): OpenId4VpKeys {
  const { knex, secretBox } = deps;
  const now = deps.clock ?? Date.now;
  let cached: { signer: OpenId4VpSigner; until: number } | undefined;

  const open = (row: OpenId4VpKeyRow) =>
    importPkcs8(secretBox.open(row.private_key_enc, openId4VpKeyContext(row.kid)));
  const validity = (days: number) => ({
    // A minute back: a relying party whose clock is slightly behind still accepts it.
    notBefore: new Date(now() - 60_000),
    notAfter: new Date(now() + days * DAY_MS),
  });
  const live = (row: OpenId4VpKeyRow | undefined) =>
    row !== undefined && new Date(row.not_after).getTime() > now();

  async function insertRoot(db: Knex): Promise<OpenId4VpKeyRow> {
    const keys = await generateP256();
    const kid = `ovp-root-${randomBytes(6).toString('base64url')}`;
    const cert = await createRootCertificate(
      `${deps.name} OpenID4VP root ${kid}`,
      keys,
      validity(ROOT_DAYS),
    );
    const row = {
      kid,
      role: 'root' as const,
      issuer_kid: null,
      private_key_enc: secretBox.seal(await exportPkcs8(keys.privateKey), openId4VpKeyContext(kid)),
      certificate: cert.der,
      fingerprint: cert.fingerprint,
      not_after: cert.certificate.notAfter,
    };
    await insertOpenId4VpKey(db, row);
    return { ...row, created_at: new Date(now()) };
  }

  async function insertLeaf(db: Knex, root: OpenId4VpKeyRow): Promise<void> {
    const keys = await generateP256();
    const kid = `ovp-${randomBytes(6).toString('base64url')}`;
    const rootCert = certificateFromDer(root.certificate);
    // A leaf never outlives its root.
    const leafValidity = validity(LEAF_DAYS);
    if (leafValidity.notAfter > rootCert.notAfter) leafValidity.notAfter = rootCert.notAfter;
    const cert = await createLeafCertificate(
      `${deps.name} OpenID4VP signing ${kid}`,
      keys.publicKey,
      { certificate: rootCert, privateKey: await open(root) },
      leafValidity,
    );
    await insertOpenId4VpKey(db, {
      kid,
      role: 'leaf',
      issuer_kid: root.kid,
      private_key_enc: secretBox.seal(await exportPkcs8(keys.privateKey), openId4VpKeyContext(kid)),
      certificate: cert.der,
      fingerprint: cert.fingerprint,
      not_after: cert.certificate.notAfter,
    });
  }

  async function ensure(trx: Knex, options: { root?: boolean; leaf?: boolean }): Promise<void> {
    let [root] = await listOpenId4VpKeys(trx, 'root');
    const [leaf] = await listOpenId4VpKeys(trx, 'leaf');
    const newRoot = options.root || !live(root);
    if (newRoot) root = await insertRoot(trx);
    if (newRoot || options.leaf || !live(leaf) || leaf?.issuer_kid !== root!.kid)
      await insertLeaf(trx, root!);
  }

  async function current(db: Knex): Promise<{ leaf: OpenId4VpKeyRow; root: OpenId4VpKeyRow }> {
    const [leaf] = await listOpenId4VpKeys(db, 'leaf');
    const root = leaf?.issuer_kid ? await getOpenId4VpKey(db, leaf.issuer_kid) : undefined;
    if (!leaf || !root)
      throw new Error(
        'the OpenID4VP signing keys are missing: the aggregator creates them at boot',
      );
    return { leaf, root };
  }

  async function load(): Promise<OpenId4VpSigner> {
    const { leaf, root } = await current(knex);
    const signer = {
      kid: leaf.kid,
      privateKey: await open(leaf),
      x5c: [leaf.certificate, root.certificate],
    };
    cached = { signer, until: now() + CACHE_MS };
    return signer;
  }

  async function view(): Promise<OpenId4VpKeyView> {
    const { leaf, root } = await current(knex);
    const part = (row: OpenId4VpKeyRow) => ({
      kid: row.kid,
      fingerprint: row.fingerprint,
      notAfter: new Date(row.not_after).toISOString(),
      createdAt: new Date(row.created_at).toISOString(),
    });
    return { root: part(root), leaf: part(leaf), x5c: [leaf.certificate, root.certificate] };
  }

  return {
    async bootstrap() {
      await withOpenId4VpKeyLock(knex, (trx) => ensure(trx, {}));
    },
    async signer() {
      if (cached && cached.until > now()) return cached.signer;
      try {
        return await load();
      } catch (err) {
        // Requests keep being signed while the database is down: rotation needs it too.
        if (cached && isDatabaseUnavailable(err)) return cached.signer;
        throw err;
      }
    },
    async rotate(options = {}) {
      await withOpenId4VpKeyLock(knex, (trx) => ensure(trx, { root: options.root, leaf: true }));
      cached = undefined;
      return view();
    },
    view,
  };
}
