import { z } from 'zod';
import {
  verifyCredentialAuthorization,
  type ConsentData,
  type DcqlCredential,
} from './credential-authorization.js';
import { acquireTemporaryToken, type Fetch } from './entitlement-client.js';
import { HandsetError } from './handset-error.js';
import { buildSdJwt, randomTempToken, type Tamper } from './sd-jwt.js';
import type { TelephonyPki } from './telephony-pki.js';

/** One active SIM (or eSIM) of the handset. */
export interface HandsetSim {
  readonly slot: number;
  /** Android `subId`: the Binding JWT's `subscription_hint`. */
  readonly subscriptionId: number;
  /** Android canonical carrier id (`activeCarrierIds()`, `android_carrier_hint`). */
  readonly carrierId: number;
  /** MCC+MNC of the SIM's operator (`carrier_hint`). */
  readonly mccMnc: string;
  readonly msisdn: string;
  /** Simulated SIM credential for the sandbox entitlement server (stands in for the SIM's AKA key). */
  readonly secret: string;
  /** The operator's base URL (the sandbox), which serves `/ts43/v1/…`. */
  readonly entitlementUrl: string;
  /** What the SIM picker shows, e.g. "Sandbox A". */
  readonly label: string;
}

export interface HandsetOptions {
  readonly telephony: TelephonyPki;
  readonly sims: ReadonlyArray<HandsetSim>;
  /** Google's role: per MCC-MNC, the aggregator root fingerprints (SHA-256 hex of root DER) allowed. */
  readonly allowlist: Readonly<Record<string, ReadonlyArray<string>>>;
  /** What Telephony puts in the Binding JWT `aud`: the calling app's web origin, or `android:apk-key-hash:<b64url sha256>`. */
  readonly callerIdentity: string;
  /** Milliseconds since the epoch; default `Date.now`. */
  readonly now?: () => number;
  /** For the entitlement server; default the global fetch. */
  readonly fetch?: Fetch;
}

export interface HandsetReview {
  readonly consent: ConsentData;
  /** The SIMs the OS dialog offers: those whose carrier allowlists the aggregator's root. */
  readonly sims: HandsetSim[];
  readonly vct: string;
}

export interface Handset {
  /** Guide Step 1.1: one distinct carrier id per active SIM, in slot order. */
  activeCarrierIds(): number[];
  /**
   * Guide Step 2 before the dialog: verifies the credential_authorization_jwt (`x5c` chain,
   * the leaf's signature, root fingerprint allowlisted for a SIM's MCC-MNC, nonce, exp) and
   * returns what the OS dialog shows. Throws HandsetError `aggregator_not_allowlisted` |
   * `invalid_credential_request` | `no_eligible_sim`.
   */
  review(credential: DcqlCredential, nonce: string): Promise<HandsetReview>;
  /**
   * The user accepted on `slot` (default: the first eligible SIM): TS.43 authentication and
   * temp_token at the SIM's entitlement server, then the SD-JWT. Throws what `review` throws,
   * `no_eligible_sim` for a slot the dialog did not offer, `entitlement_failed`.
   */
  present(
    credential: DcqlCredential,
    nonce: string,
    slot?: number,
    tamper?: Tamper,
  ): Promise<string>;
}

const FINGERPRINT = /^[0-9a-f]{64}$/;

const simShape = z.strictObject({
  slot: z.number().int().min(0),
  subscriptionId: z.number().int(),
  carrierId: z
    .number()
    .int()
    .min(1)
    .max(2 ** 31 - 1),
  mccMnc: z.string().regex(/^[0-9]{5,6}$/, 'must be an MCC-MNC such as 21407'),
  msisdn: z.string().regex(/^\+[1-9][0-9]{4,14}$/, "must be E.164 with '+'"),
  secret: z.string().min(1),
  entitlementUrl: z.url({ protocol: /^https?$/ }),
  label: z.string().min(1),
});

const optionsShape = z.looseObject({
  sims: z
    .array(simShape)
    .refine((s) => new Set(s.map((sim) => sim.slot)).size === s.length, 'slots must be distinct'),
  allowlist: z.record(
    z.string().regex(/^[0-9]{5,6}$/, 'keys must be MCC-MNC'),
    z.array(z.string().regex(FINGERPRINT, 'must be SHA-256 lowercase hex')),
  ),
  callerIdentity: z.string().min(1),
});

/** The simulated Android handset (Telephony + GMS) of the operator-token path. */
export function createHandset(options: HandsetOptions): Handset {
  const parsed = optionsShape.safeParse(options);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new HandsetError('invalid_options', `handset options: ${details.join('; ')}`);
  }
  const sims = [...options.sims].sort((a, b) => a.slot - b.slot);
  const now = options.now ?? Date.now;

  const review = async (credential: DcqlCredential, nonce: string) => {
    if (sims.length === 0)
      throw new HandsetError('no_eligible_sim', 'the handset has no active SIM');
    const authorization = await verifyCredentialAuthorization(credential, nonce, new Date(now()));
    // Guide Appendix B.1: the root fingerprint must be allowlisted for the SIM's CSP; the
    // dialog lists only SIMs whose carrier allowlists this aggregator (guide Step 1.4).
    const eligible = sims.filter((sim) =>
      (options.allowlist[sim.mccMnc] ?? []).includes(authorization.rootFingerprint),
    );
    if (eligible.length === 0)
      throw new HandsetError(
        'aggregator_not_allowlisted',
        `the aggregator's root ${authorization.rootFingerprint} is not allowlisted for the carrier of any SIM`,
      );
    return { authorization, eligible };
  };

  return {
    activeCarrierIds: () => [...new Set(sims.map((sim) => sim.carrierId))],

    async review(credential, nonce) {
      const { authorization, eligible } = await review(credential, nonce);
      return { consent: authorization.consent, sims: eligible, vct: authorization.vct };
    },

    async present(credential, nonce, slot, tamper = {}) {
      const { authorization, eligible } = await review(credential, nonce);
      const sim = slot === undefined ? eligible[0]! : eligible.find((s) => s.slot === slot);
      if (!sim)
        throw new HandsetError(
          'no_eligible_sim',
          `the SIM in slot ${slot} is not eligible for this request`,
        );
      const tempToken =
        tamper.tempToken ??
        (tamper.skipEcs ? randomTempToken() : await acquireTemporaryToken(sim, options.fetch));
      return buildSdJwt({
        telephony: options.telephony,
        authorization,
        nonce,
        callerIdentity: options.callerIdentity,
        tempToken,
        sim,
        now: Math.floor(now() / 1000),
        tamper,
      });
    },
  };
}
