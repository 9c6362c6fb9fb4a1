// The aggregator's own pieces of an operator-token exchange (CAMARA NV "Operator Token
// Acquisition" guide §5.1, §5.2), for the bench's in-process breakdown of where an exchange
// spends its time (bench/operator-token.ts): the SD-JWT verifier, the X.509 parsing it uses and
// the ECDH-ES decryption.
export { verifySdJwt } from '../src/openid4vp/sd-jwt-verifier.js';
export {
  certificateFromDer,
  certificatesFromPem,
  nodeCertificates,
} from '../src/openid4vp/x509-certificates.js';
export { decryptEcdhEsA128Gcm } from '../src/authorize/backend/vp-token-exchange.js';
export { ephemeralKeyContext, sha256 } from '../src/openid4vp/credential-request.js';
