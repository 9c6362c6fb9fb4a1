import { NV_SCOPES } from '@switchboard/camara';

/**
 * What a new app may request unless an admin says otherwise: the verify operation of
 * NV 2.1 and NV 0.3.1, which answers yes/no for a number the app already has. The
 * device-phone-number ("share") operation returns the number itself, so an admin grants it
 * to an app explicitly (least privilege). Which scopes may be allowed at all is the admin
 * API's contract (`ALLOWABLE_SCOPES` of @switchboard/contracts).
 */
export const DEFAULT_ALLOWED_SCOPES: readonly string[] = [NV_SCOPES.v2.verify, NV_SCOPES.v0.verify];
