import type { Knex } from 'knex';
import type { Router } from 'express';
import type { OperatorService } from '@switchboard/telco-finder';
import type { AdminTokens } from '../admin/admin-tokens.js';
import { createConsoleData, type ConsoleDataDeps } from './console-data.js';
import { createConsoleSessions, type ConsoleSessions } from './console-sessions.js';
import { createConsoleRouter } from './http/console-router.js';

export interface ConsoleDeps {
  readonly knex: Knex;
  readonly adminTokens: AdminTokens;
  readonly operators: Pick<OperatorService, 'list'>;
  readonly circuitStates?: ConsoleDataDeps['circuitStates'];
  readonly scorecard?: ConsoleDataDeps['scorecard'];
  readonly consoleDir: string;
  readonly traceUrl: string | undefined;
}

export interface Console {
  /** Mounted at `/console` on the admin listener. */
  readonly router: Router;
  readonly sessions: ConsoleSessions;
}

/** The admins' web console (issue 17, docs/console.md): sessions, its data, its router. */
export function createConsole(deps: ConsoleDeps): Console {
  const sessions = createConsoleSessions({ knex: deps.knex, adminTokens: deps.adminTokens });
  const data = createConsoleData({
    knex: deps.knex,
    operators: deps.operators,
    traceUrl: deps.traceUrl,
    ...(deps.circuitStates ? { circuitStates: deps.circuitStates } : {}),
    ...(deps.scorecard ? { scorecard: deps.scorecard } : {}),
  });
  return { router: createConsoleRouter({ sessions, data, consoleDir: deps.consoleDir }), sessions };
}
