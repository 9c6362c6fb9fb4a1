// The one module that sets up @peculiar/x509: its dependency injection (tsyringe) needs a
// Reflect metadata polyfill loaded first, and its crypto provider is Node's WebCrypto.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(globalThis.crypto);

export { x509 };
