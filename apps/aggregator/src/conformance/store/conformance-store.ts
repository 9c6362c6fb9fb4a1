import type { Knex } from 'knex';
import type { ConformanceResult, ScenarioResult, TestSubscriber } from '@switchboard/contracts';

interface ResultRow {
  operator_id: string;
  ran_at: Date;
  passed: boolean;
  failed_count: number;
  scenarios: ScenarioResult[] | string;
}

const toResult = (r: ResultRow): ConformanceResult => ({
  operatorId: r.operator_id,
  ranAt: new Date(r.ran_at).toISOString(),
  passed: r.passed,
  failed: r.failed_count,
  // PGlite hands jsonb back parsed; some drivers as text.
  scenarios: typeof r.scenarios === 'string' ? JSON.parse(r.scenarios) : r.scenarios,
});

export async function saveConformanceResult(knex: Knex, r: ConformanceResult): Promise<void> {
  await knex('operator_conformance_results').insert({
    operator_id: r.operatorId,
    ran_at: new Date(r.ranAt),
    passed: r.passed,
    failed_count: r.failed,
    scenarios: JSON.stringify(r.scenarios),
  });
}

/** The latest runs of one operator, newest first. */
export async function listConformanceResults(
  knex: Knex,
  operatorId: string,
  limit: number,
): Promise<ConformanceResult[]> {
  const rows = await knex<ResultRow>('operator_conformance_results')
    .where({ operator_id: operatorId })
    .orderBy([
      { column: 'ran_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(limit);
  return rows.map(toResult);
}

/** The latest run of each operator (without its scenarios). */
export async function latestConformanceSummaries(
  knex: Knex,
): Promise<Map<string, { ranAt: string; passed: boolean; failed: number }>> {
  const rows = await knex.select('operator_id', 'ran_at', 'passed', 'failed_count').from(
    knex('operator_conformance_results')
      .distinctOn('operator_id')
      .select('operator_id', 'ran_at', 'passed', 'failed_count')
      .orderBy([
        { column: 'operator_id' },
        { column: 'ran_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .as('latest'),
  );
  return new Map(
    rows.map((r: Omit<ResultRow, 'scenarios'>) => [
      r.operator_id,
      { ranAt: new Date(r.ran_at).toISOString(), passed: r.passed, failed: r.failed_count },
    ]),
  );
}

export async function getTestSubscriber(
  knex: Knex,
  operatorId: string,
): Promise<TestSubscriber | undefined> {
  const row = await knex('operator_test_subscribers').where({ operator_id: operatorId }).first();
  return row ? { deviceIp: row.device_ip, phoneNumber: row.phone_number } : undefined;
}

/** Sets the given fields (null clears one); returns the subscriber as stored. */
export async function setTestSubscriber(
  knex: Knex,
  operatorId: string,
  patch: Partial<TestSubscriber>,
): Promise<TestSubscriber> {
  const columns = {
    ...(patch.deviceIp !== undefined ? { device_ip: patch.deviceIp } : {}),
    ...(patch.phoneNumber !== undefined ? { phone_number: patch.phoneNumber } : {}),
  };
  const [row] = await knex('operator_test_subscribers')
    .insert({ operator_id: operatorId, ...columns, updated_at: knex.fn.now() })
    .onConflict('operator_id')
    .merge({ ...columns, updated_at: knex.fn.now() })
    .returning(['device_ip', 'phone_number']);
  return { deviceIp: row.device_ip ?? null, phoneNumber: row.phone_number ?? null };
}
