export { parseCidr } from '../src/ip/cidr.js';
export { IpPrefixIndex, type IpRoute } from '../src/ip/ip-prefix-index.js';
export { parseMsisdnPrefix } from '../src/msisdn/msisdn-prefix.js';
export { sqlLookupIp } from '../src/store/routing-store.js';
export * from './fixtures.js';
export * from './routing-tables.js';
