import { z } from 'zod';

// The simulated phone of "Verify with your SIM", as `npm start` writes it (HANDSET_FILE): the
// Telephony PKI (as `telephonyPkiToJson` of @switchboard/handset persists it), the SIMs in its
// slots, and the allowlist Google keeps per operator (contract §2: MCC-MNC → aggregator root
// fingerprints, SHA-256 hex of the root certificate's DER).

const sim = z.strictObject({
  slot: z.number().int().min(0).max(7),
  subscriptionId: z.number().int().min(1),
  carrierId: z
    .number()
    .int()
    .min(1)
    .max(2 ** 31 - 1),
  mccMnc: z.string().regex(/^\d{5,6}$/, 'must be an MCC-MNC of 5 or 6 digits'),
  msisdn: z.string().regex(/^\+[1-9]\d{4,14}$/, 'must be +E.164'),
  secret: z.string().min(1),
  entitlementUrl: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }),
  label: z.string().min(1).max(60),
});

const schema = z.strictObject({
  telephony: z.record(z.string(), z.unknown()),
  sims: z
    .array(sim)
    .min(1)
    .max(8)
    .refine((sims) => new Set(sims.map((s) => s.slot)).size === sims.length, 'slots must differ'),
  allowlist: z.record(
    z.string().regex(/^\d{5,6}$/, 'keys must be MCC-MNCs'),
    z.array(z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 fingerprint, lowercase hex')),
  ),
});

export type HandsetFile = z.infer<typeof schema>;
export type HandsetFileSim = z.infer<typeof sim>;

/** Parses and checks the file's text; the error names the bad field. */
export function parseHandsetFile(text: string): HandsetFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error('not JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}
