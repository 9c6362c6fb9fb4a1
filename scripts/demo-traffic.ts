// A little traffic for the console of `npm start` (docs/console.md): the demo's bank app (its
// private_key_jwt client, through the SDK) verifies devices of sandbox-a and sandbox-b from their
// loopback addresses, each followed by one proxied Number Verification call, and one device on
// an address no operator serves, which fails at the telco finder. Run by scripts/start-demo.ts
// as its own process (the SDK's source condition); prints one JSON line: what happened.
import fs from 'node:fs';
import { createSwitchboardClient } from '@switchboard/sdk';
import { DeviceBrowser } from '@switchboard/aggregator/test-support/device-browser';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`demo traffic: ${name} is not set`);
  return value;
};

const redirectUri = env('REDIRECT_URI');
const client = createSwitchboardClient({
  issuer: env('ISSUER'),
  clientId: env('CLIENT_ID'),
  privateKey: JSON.parse(fs.readFileSync(env('PRIVATE_KEY_FILE'), 'utf8')),
  redirectUri,
  timeoutMs: 10_000,
  allowInsecureRequests: true,
});

/** Legitimate interest at both sandboxes: no consent page to answer (config/sandbox.json). */
const PURPOSE = 'dpv:RequestedServiceProvision';

/**
 * The demo's devices (README: `127.10.a.b` is sandbox-a's `+346001` + the last 16 bits as six
 * digits, `127.20.a.b` sandbox-b's `+491700` + the same); `127.30.0.9` belongs to no operator.
 */
const DEVICES: ReadonlyArray<{ address: string; number: string }> = [
  { address: '127.10.0.21', number: '+346001000021' },
  { address: '127.10.0.22', number: '+346001000022' },
  { address: '127.10.0.23', number: '+346001000099' },
  { address: '127.20.0.21', number: '+491700000021' },
  { address: '127.20.0.22', number: '+491700000022' },
  { address: '127.30.0.9', number: '+34699999999' },
];

type Outcome = 'verified' | 'not verified' | 'failed';

async function verifyDevice(address: string, phoneNumber: string): Promise<Outcome> {
  const browser = new DeviceBrowser(address);
  try {
    const started = await client.startVerification({ purpose: PURPOSE });
    const { redirect } = await browser.follow(started.url, redirectUri);
    if (!redirect) return 'failed';
    const session = await client.completeVerification(redirect, started.saved);
    return (await client.verify(session, phoneNumber)) ? 'verified' : 'not verified';
  } catch {
    // The unrouted device's error redirect lands here (access_denied): it is meant to fail.
    return 'failed';
  } finally {
    await browser.close();
  }
}

const outcomes: Record<string, Outcome> = {};
for (const d of DEVICES) outcomes[d.address] = await verifyDevice(d.address, d.number);
process.stdout.write(`${JSON.stringify(outcomes)}\n`);
