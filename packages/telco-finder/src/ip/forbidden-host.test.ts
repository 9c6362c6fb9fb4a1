import { describe, expect, it } from '@jest/globals';
import { isForbiddenHost } from './forbidden-host.js';

// The API-root/issuer host check accepted `localhost.`, `foo.localhost` and `[::a9fe:a9fe]`
// (an IPv4-compatible form of 169.254.169.254): one host check now serves every caller.
describe('isForbiddenHost: one host check for every operator URL', () => {
  it.each([
    // RFC 6761 §6.3: localhost and every name under it, trailing dot or not, any case.
    ['localhost', 'localhost'],
    ['localhost.', 'localhost with the trailing dot'],
    ['LocalHost', 'localhost in capitals'],
    ['foo.localhost', 'a name under localhost'],
    ['foo.localhost.', 'a name under localhost with the trailing dot'],
    ['a.b.localhost..', 'trailing dots'],
    // IANA special-purpose IPv4 (RFC 6890), in the spellings a URL parser accepts.
    ['127.0.0.1', 'loopback'],
    ['127.0.0.1.', 'loopback with a trailing dot'],
    ['0x7f.1', 'loopback in hex shorthand'],
    ['2130706433', 'loopback as one decimal number'],
    ['0.0.0.0', '"this network"'],
    ['10.1.2.3', 'private-use'],
    ['100.64.0.1', 'shared address space'],
    ['169.254.169.254', 'link-local (cloud metadata)'],
    ['172.16.0.1', 'private-use'],
    ['192.168.1.1', 'private-use'],
    ['198.18.0.1', 'benchmarking'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'limited broadcast'],
    // IPv6 special-purpose, bracketed as in URLs or bare as resolvers answer.
    ['[::1]', 'IPv6 loopback'],
    ['::1', 'IPv6 loopback, bare'],
    ['[::]', 'unspecified'],
    ['[fd00::1]', 'unique local'],
    ['[fe80::1]', 'link-local'],
    ['[ff02::1]', 'multicast'],
    ['[2001:db8::1]', 'documentation'],
    ['[2002:a9fe:a9fe::1]', '6to4'],
    ['[64:ff9b:1::a9fe:a9fe]', 'local-use NAT64 (RFC 8215)'],
    // Embedded IPv4: mapped (RFC 4291 §2.5.5.2), compatible (§2.5.5.1), NAT64 (RFC 6052).
    ['[::ffff:169.254.169.254]', 'IPv4-mapped link-local'],
    ['[::ffff:a9fe:a9fe]', 'IPv4-mapped link-local in hex'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback, bare'],
    ['[::a9fe:a9fe]', 'IPv4-compatible link-local'],
    ['[::169.254.169.254]', 'IPv4-compatible link-local, dotted'],
    ['[::127.0.0.1]', 'IPv4-compatible loopback'],
    ['[::8.8.8.8]', 'IPv4-compatible public address (the deprecated form itself)'],
    ['[64:ff9b::a9fe:a9fe]', 'NAT64 of link-local'],
    ['[64:ff9b::127.0.0.1]', 'NAT64 of loopback'],
    ['[64:ff9b::a00:1]', 'NAT64 of private-use'],
    // Not a host at all: fail closed.
    ['', 'empty'],
    ['exa mple', 'a space'],
  ])('refuses %s (%s)', (host) => {
    expect(isForbiddenHost(host)).toBe(true);
  });

  it.each([
    ['auth.operator.example', 'a public name (its addresses are checked at connect time)'],
    ['localhost.example', 'a name that merely starts with localhost'],
    ['mylocalhost', 'a name that merely ends with localhost'],
    ['88.1.2.3', 'a public IPv4 address'],
    ['[2a02:9000::1]', 'a public IPv6 address'],
    ['[::ffff:88.1.2.3]', 'an IPv4-mapped public address'],
    ['[64:ff9b::808:808]', 'NAT64 of a public address (DNS64)'],
    ['64:ff9b::8.8.8.8', 'NAT64 of a public address, bare'],
  ])('accepts %s (%s)', (host) => {
    expect(isForbiddenHost(host)).toBe(false);
  });
});
