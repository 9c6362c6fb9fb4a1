export { main } from './main.js';
export { EXIT, type CliIo } from './io.js';
