import type { Knex } from 'knex';
import * as m0001 from './20261125_0001_telco_finder.js';

/** Every schema migration, in order. Append only: landed migrations never change. */
export const migrations: ReadonlyArray<readonly [name: string, migration: Knex.Migration]> = [
  ['20261125_0001_telco_finder', m0001],
];
