export { mintAggregatorAccessToken } from './mint-aggregator-access-token.js';
