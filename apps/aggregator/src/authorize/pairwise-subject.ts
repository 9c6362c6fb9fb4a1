import { createHmac } from 'node:crypto';

/**
 * ICM r4.2 "ID Token sub claim" and OIDC Core §8: the `sub` an app sees is a pairwise
 * pseudonym for (app, operator, the operator's subject), never the MSISDN nor the operator's
 * own `sub`. In the backend flows the operator's subject is the app's hint (`tel:…`, `ipport:…`).
 */
export function pairwiseSubject(
  secret: Buffer,
  clientId: string,
  operatorId: string,
  operatorSubject: string,
): string {
  return createHmac('sha256', secret)
    .update(`${clientId}\0${operatorId}\0${operatorSubject}`)
    .digest('base64url');
}
