import {
  SIM_SWAP_HASH_STYLE_SCOPES,
  SIM_SWAP_OPERATIONS,
  SIM_SWAP_SCOPES,
  type SimSwapOperation,
} from '@switchboard/camara';

const USES: Readonly<Record<SimSwapOperation, string>> = {
  check: 'check whether the SIM card of this mobile line changed recently',
  'retrieve-date': 'learn when the SIM card of this mobile line last changed',
};

/** What the consent page says a client wants to do for these API scopes (either style's name). */
export function simSwapUses(apiScopes: ReadonlyArray<string>): string[] {
  return SIM_SWAP_OPERATIONS.filter(
    (op) =>
      apiScopes.includes(SIM_SWAP_SCOPES[op]) || apiScopes.includes(SIM_SWAP_HASH_STYLE_SCOPES[op]),
  ).map((op) => USES[op]);
}
