import { isIP } from 'node:net';
import { SwitchboardError } from './errors.js';
import { isE164 } from './phone-number.js';

/** A device's public IP address, with the source port when the app saw one (behind CGNAT). */
export type DeviceAddress = string | { readonly address: string; readonly port?: number };

/** Who the backend flow is about: exactly one of the two. */
export type Subject =
  | { readonly phoneNumber: string; readonly deviceAddress?: undefined }
  | { readonly deviceAddress: DeviceAddress; readonly phoneNumber?: undefined };

/**
 * The CIBA `login_hint` (ICM r4.2 "Format of login_hint"): `tel:+34666666666`,
 * `ipport:80.90.34.2:16790`, `ipport:[2001:db8::1]:8080`, `ipport:[2001:db8::1]`.
 */
export function loginHint(subject: Subject): string {
  const { phoneNumber, deviceAddress } = subject as Partial<Record<string, unknown>>;
  if ((phoneNumber === undefined) === (deviceAddress === undefined)) {
    throw new SwitchboardError(
      'INVALID_ARGUMENT',
      'give exactly one of phoneNumber or deviceAddress',
    );
  }
  if (phoneNumber !== undefined) return telHint(phoneNumber);
  const { address, port } = parseDeviceAddress(deviceAddress as DeviceAddress);
  const host = isIP(address) === 6 ? `[${address}]` : address;
  return `ipport:${host}${port === undefined ? '' : `:${port}`}`;
}

/** `tel:+E164` for an E.164 number (the `login_hint`, and the JWT-bearer `sub`). */
export function telHint(phoneNumber: unknown): string {
  if (typeof phoneNumber !== 'string' || !isE164(phoneNumber)) {
    throw new SwitchboardError(
      'INVALID_PHONE_NUMBER',
      'phone number must be E.164 with its +, e.g. +34600000001',
    );
  }
  return `tel:${phoneNumber}`;
}

/**
 * Accepts `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1`, `[2001:db8::1]`, `[2001:db8::1]:5678`
 * or `{address, port}`. An IPv4-mapped IPv6 address (`::ffff:1.2.3.4`, what a dual-stack
 * socket reports) is the IPv4 address.
 */
export function parseDeviceAddress(input: DeviceAddress): { address: string; port?: number } {
  const { address, port } = typeof input === 'string' ? splitHostPort(input.trim()) : input;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address ?? '');
  const ip = mapped ? mapped[1]! : address;
  if (typeof ip !== 'string' || isIP(ip) === 0) throw invalidAddress(input);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535))
    throw invalidAddress(input);
  return port === undefined ? { address: ip.toLowerCase() } : { address: ip.toLowerCase(), port };
}

function splitHostPort(value: string): { address: string; port?: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(value);
  if (bracketed) return withPort(bracketed[1]!, bracketed[2]);
  const v4 = /^(\d+\.\d+\.\d+\.\d+):(\d{1,5})$/.exec(value);
  if (v4) return withPort(v4[1]!, v4[2]);
  return { address: value };
}

const withPort = (address: string, port: string | undefined) =>
  port === undefined ? { address } : { address, port: Number(port) };

function invalidAddress(input: unknown): SwitchboardError {
  return new SwitchboardError(
    'INVALID_ARGUMENT',
    `deviceAddress must be an IP address with an optional port, e.g. 80.90.34.2:16790 or [2001:db8::1]:8080; got ${JSON.stringify(input)}`,
  );
}
