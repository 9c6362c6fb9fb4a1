import type { AuditRecord } from '@switchboard/contracts';
import type { Router } from 'express';
import type {
  AuditQuery,
  Logger,
  OperatorRoutes,
  OperatorService,
} from '@switchboard/telco-finder';
import type { ClientService } from '../clients/client-service.js';
import type { EndpointValidationDeps } from './endpoint-validation.js';
import type { KeyService } from '../keys/key-service.js';
import { createMachineTokenVerifier } from '../clients/machine-token-verifier.js';
import { createOperatorRouter } from './http-operator-router.js';
import { OPERATOR_API_SCOPE, operatorApiAudience } from './operator-api-scope.js';
import { createOperatorSelfService } from './operator-self-service.js';

export interface OperatorApiDeps {
  readonly issuer: string;
  readonly keys: Pick<KeyService, 'tokenKeyring'>;
  readonly clients: Pick<ClientService, 'metadata' | 'operatorOf'>;
  readonly operators: OperatorService;
  readonly operatorRoutes: OperatorRoutes;
  readonly validation: EndpointValidationDeps;
  readonly audit: (query: AuditQuery) => Promise<AuditRecord[]>;
  readonly logger: Logger;
}

/** `/operators/v1`: operators maintain their own profile and routes; mount on the public app. */
export function createOperatorApi(deps: OperatorApiDeps): Router {
  return createOperatorRouter({
    service: createOperatorSelfService({
      operators: deps.operators,
      routes: deps.operatorRoutes,
      validation: deps.validation,
      audit: deps.audit,
    }),
    tokens: createMachineTokenVerifier({
      issuer: deps.issuer,
      audience: operatorApiAudience(deps.issuer),
      scope: OPERATOR_API_SCOPE,
      tokenKeyring: (kid) => deps.keys.tokenKeyring(kid),
      isActiveClient: async (id) => (await deps.clients.metadata(id)) !== undefined,
    }),
    operatorOf: (id) => deps.clients.operatorOf(id),
    isOperatorActive: async (id) => (await deps.operators.get(id)).status === 'active',
    logger: deps.logger,
  });
}
