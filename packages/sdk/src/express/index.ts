export {
  createVerificationRoutes,
  type VerificationOutcome,
  type VerificationRoutesOptions,
} from './verification-routes.js';
export {
  createMemoryVerificationStore,
  type MemoryVerificationStoreOptions,
  type PendingVerification,
  type VerificationStore,
} from './verification-store.js';
