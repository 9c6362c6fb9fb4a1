import ipaddr from 'ipaddr.js';

/** The small logging port every module takes; only the composition root builds winston. */
export interface Logger {
  debug(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
  child(meta: Record<string, unknown>): Logger;
}

export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};

/**
 * A device address fit for logs: the network half only (IPv4 /16, IPv6 /32), because
 * full device IPs are personal data (style: "never log full device IPs").
 */
export function maskAddress(address: string | undefined): string {
  if (!address || !ipaddr.isValid(address)) return 'unknown';
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') {
    const [a, b] = (parsed as ipaddr.IPv4).octets;
    return `${a}.${b}.x.x`;
  }
  const parts = (parsed as ipaddr.IPv6).parts;
  return `${parts[0]!.toString(16)}:${parts[1]!.toString(16)}::/32`;
}
