import type { Knex } from 'knex';
import * as m0001 from './20261125_0001_telco_finder.js';
import * as m0002 from './20261125_0002_aggregator_core.js';
import * as m0003 from './20261125_0003_usage_events.js';
import * as m0004 from './20261202_0004_operator_onboarding.js';
import * as m0005 from './20261202_0005_rate_limits.js';
import * as m0006 from './20261202_0006_resilience.js';
import * as m0007 from './20261203_0007_operator_flow_binding.js';
import * as m0008 from './20261203_0008_client_allowed_scopes.js';
import * as m0009 from './20261203_0009_backend_authorization.js';
import * as m0011 from './20261204_0011_request_objects.js';
import * as m0012 from './20261204_0012_dynamic_routes.js';
import * as m0013 from './20261204_0013_operator_conformance.js';
import * as m0014 from './20261205_0014_operator_token_settings.js';
import * as m0015 from './20261205_0015_openid4vp.js';
import * as m0017 from './20261206_0017_verification_steps.js';
import * as m0019 from './20261206_0019_console_sessions.js';

/** Every schema migration, in order. Append only: landed migrations never change. */
export const migrations: ReadonlyArray<readonly [name: string, migration: Knex.Migration]> = [
  ['20261125_0001_telco_finder', m0001],
  ['20261125_0002_aggregator_core', m0002],
  ['20261125_0003_usage_events', m0003],
  ['20261202_0004_operator_onboarding', m0004],
  ['20261202_0005_rate_limits', m0005],
  ['20261202_0006_resilience', m0006],
  ['20261203_0007_operator_flow_binding', m0007],
  ['20261203_0008_client_allowed_scopes', m0008],
  ['20261203_0009_backend_authorization', m0009],
  ['20261204_0011_request_objects', m0011],
  ['20261204_0012_dynamic_routes', m0012],
  ['20261204_0013_operator_conformance', m0013],
  ['20261205_0014_operator_token_settings', m0014],
  ['20261205_0015_openid4vp', m0015],
  ['20261206_0017_verification_steps', m0017],
  ['20261206_0019_console_sessions', m0019],
];
