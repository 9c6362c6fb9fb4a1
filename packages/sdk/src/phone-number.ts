// CAMARA NV 2.1 phone-number rules, from the one place they are written (@switchboard/camara):
// `isE164` (`PhoneNumber`: E.164 with its '+') and `hashPhoneNumber` (`hashedPhoneNumber`:
// SHA-256 hex of the E.164 number *with* '+', so the number itself never travels to the API).
// Restated with their types so the published declarations need no private package.
import { hashPhoneNumber as hash, isE164 as e164 } from '@switchboard/camara';

/** True for an E.164 number with its '+', e.g. `+34600000001` (CAMARA `PhoneNumber`). */
export const isE164: (value: string) => boolean = e164;
/** SHA-256 hex of the E.164 number with its '+' (CAMARA NV `hashedPhoneNumber`). */
export const hashPhoneNumber: (phoneNumber: string) => string = hash;

/** Strips spaces, dots, dashes and brackets people type: `+34 600-00 00 01` → `+34600000001`. */
export function normalisePhoneNumber(input: string): string {
  return input.replace(/[\s.\-()]/g, '');
}
