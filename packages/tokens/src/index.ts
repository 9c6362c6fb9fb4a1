export { createSecretBox, masterKeyId, SecretBoxError, type SecretBox } from './secret-box.js';
