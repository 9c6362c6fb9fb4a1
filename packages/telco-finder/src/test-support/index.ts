export { parseCidr } from '../ip/cidr.js';
export { IpPrefixIndex, type IpRoute } from '../ip/ip-prefix-index.js';
export { parseMsisdnPrefix } from '../msisdn/msisdn-prefix.js';
export { sqlLookupIp } from '../store/routing-store.js';
