import type { z } from 'zod';
import {
  operatorProfileUpdateSchema,
  type AuditRecord,
  type OperatorProfile,
  type OperatorRouteTable,
  type RouteChangeMode,
  type RouteDiff,
} from '@switchboard/contracts';
import {
  InputError,
  type Actor,
  type AuditQuery,
  type OperatorRoutes,
  type OperatorService,
} from '@switchboard/telco-finder';
import { validateEndpointChange, type EndpointValidationDeps } from './endpoint-validation.js';

export interface OperatorSelfService {
  profile(operatorId: string): Promise<OperatorProfile>;
  updateProfile(operatorId: string, body: unknown, actor: Actor): Promise<OperatorProfile>;
  routes(operatorId: string): Promise<OperatorRouteTable>;
  changeRoutes(
    operatorId: string,
    mode: RouteChangeMode,
    body: unknown,
    actor: Actor,
  ): Promise<RouteDiff>;
  audit(operatorId: string, query: { since?: Date; limit?: number }): Promise<AuditRecord[]>;
}

export interface OperatorSelfServiceDeps {
  readonly operators: OperatorService;
  readonly routes: OperatorRoutes;
  readonly validation: EndpointValidationDeps;
  /** The audit trail, read only (the operator's own entries are asked for). */
  readonly audit: (query: AuditQuery) => Promise<AuditRecord[]>;
}

export function createOperatorSelfService(deps: OperatorSelfServiceDeps): OperatorSelfService {
  const profile = async (id: string): Promise<OperatorProfile> => {
    const { allowInsecureHttp: _hidden, ...view } = await deps.operators.get(id);
    return view;
  };
  return {
    profile,
    async updateProfile(operatorId, body, actor) {
      const patch = parsePatch(body);
      const current = await deps.operators.get(operatorId);
      // Validation first: a failed check leaves every old value in place.
      await validateEndpointChange(current, patch, deps.validation);
      await deps.operators.update(operatorId, patch, actor);
      return profile(operatorId);
    },
    routes: (operatorId) => deps.routes.list(operatorId),
    changeRoutes: (operatorId, mode, body, actor) =>
      deps.routes.change(operatorId, mode, body as never, actor, `routes.${mode}`),
    audit: (operatorId, query) => deps.audit({ ...query, operatorId }),
  };
}

/** What an operator may change itself: the operator API's contract, the admin fields' rules. */
function parsePatch(body: unknown): z.output<typeof operatorProfileUpdateSchema> {
  const r = operatorProfileUpdateSchema.safeParse(body);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const field = issue.path.join('.');
    throw new InputError(field ? `${field}: ${issue.message}` : issue.message);
  }
  if (Object.keys(r.data).length === 0) throw new InputError('nothing to update');
  return r.data;
}
