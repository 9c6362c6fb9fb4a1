import type { Logger, Operator } from '@switchboard/telco-finder';
import type { OperatorGrants } from '../operator-grants.js';
import type { OperatorClient } from './operator-client.js';

export interface GrantRevocationDeps {
  readonly grants: OperatorGrants;
  readonly operator: (id: string) => Promise<Operator>;
  readonly operatorClient: Pick<OperatorClient, 'revoke'>;
  readonly logger: Logger;
}

/**
 * RFC 6749 §4.1.2: when an authorization code is used twice, tokens already issued from it
 * should be revoked. oidc-provider revokes its own grant; the AggregatorAccessToken is
 * self-contained, so what it carries is revoked instead: the OperatorAccessToken at the
 * operator (RFC 7009, where the operator offers it), and our stored copy.
 */
export function createGrantRevocation(
  deps: GrantRevocationDeps,
): (grantId: string) => Promise<void> {
  return async (grantId) => {
    const grant = await deps.grants.find(grantId);
    if (!grant) return;
    let revoked = false;
    try {
      revoked = await deps.operatorClient.revoke(
        await deps.operator(grant.operatorId),
        grant.operatorAccessToken,
      );
    } finally {
      // Removed last, so "the row is gone" means the operator has been asked.
      await deps.grants.remove(grantId);
    }
    deps.logger.warn('grant revoked after authorization code reuse', {
      clientId: grant.clientId,
      operatorId: grant.operatorId,
      operatorTokenRevoked: revoked,
    });
  };
}
