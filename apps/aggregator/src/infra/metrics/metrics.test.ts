import { describe, expect, it } from '@jest/globals';
import express from 'express';
import { register as globalRegistry } from 'prom-client';
import request from 'supertest';
import { createMetricsRouter } from './http-metrics-router.js';
import { createMetrics } from './metrics.js';

describe('metrics', () => {
  it('serves every Switchboard metric from its own registry at GET /metrics', async () => {
    const metrics = createMetrics();
    metrics.observeRequest(
      { operator: 'op-a', api: 'number-verification', operation: 'verify', status: 200 },
      3,
    );
    metrics.observeRequest(
      { operator: 'op-a', api: 'number-verification', operation: 'verify', status: 200 },
      700,
    );
    metrics.recordUpstreamError('op-a', 'timeout');
    metrics.setCircuitState('op-a', 'open');
    metrics.setCircuitState('op-b', 'closed');
    metrics.recordFinderLookup('found');
    metrics.recordFinderLookup('not-found');
    metrics.setUsageBufferDepth(42);
    metrics.recordDroppedUsage(3);

    const app = express();
    app.use(createMetricsRouter(metrics.registry));
    const res = await request(app).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const labels = 'operator="op-a",api="number-verification",operation="verify",status="200"';
    expect(res.text).toContain(`switchboard_proxy_requests_total{${labels}} 2`);
    expect(res.text).toContain(
      `switchboard_proxy_request_duration_seconds_bucket{le="0.005",${labels}} 1`,
    );
    expect(res.text).toContain(
      `switchboard_proxy_request_duration_seconds_bucket{le="1",${labels}} 2`,
    );
    expect(res.text).toContain(
      `switchboard_proxy_request_duration_seconds_bucket{le="+Inf",${labels}} 2`,
    );
    expect(res.text).toContain(`switchboard_proxy_request_duration_seconds_sum{${labels}} 0.703`);
    expect(res.text).toContain(`switchboard_proxy_request_duration_seconds_count{${labels}} 2`);
    expect(res.text).toContain('# TYPE switchboard_proxy_request_duration_seconds histogram');
    expect(res.text).toContain('# TYPE switchboard_proxy_requests_total counter');
    expect(res.text).toContain(
      'switchboard_proxy_upstream_errors_total{operator="op-a",failure="timeout"} 1',
    );
    expect(res.text).toContain('switchboard_proxy_circuit_state{operator="op-a"} 2');
    expect(res.text).toContain('switchboard_proxy_circuit_state{operator="op-b"} 0');
    expect(res.text).toContain('switchboard_finder_lookups_total{result="found"} 1');
    expect(res.text).toContain('switchboard_usage_buffer_depth 42');
    expect(res.text).toContain('switchboard_usage_records_dropped_total 3');
    expect(await globalRegistry.metrics()).not.toContain('switchboard_');
  });

  it('restarts the request tallies from zero on resetMetrics', async () => {
    const metrics = createMetrics();
    const labels = { operator: 'op-a', api: 'nv', operation: 'verify', status: 200 };
    metrics.observeRequest(labels, 3);
    metrics.registry.resetMetrics();
    metrics.observeRequest(labels, 3);
    expect(await metrics.registry.metrics()).toContain(
      'switchboard_proxy_requests_total{operator="op-a",api="nv",operation="verify",status="200"} 1',
    );
  });

  it('keeps two instances apart (no global registry)', async () => {
    const a = createMetrics();
    const b = createMetrics();
    a.recordFinderLookup('error');
    expect(await a.registry.metrics()).toContain(
      'switchboard_finder_lookups_total{result="error"} 1',
    );
    expect(await b.registry.metrics()).not.toContain('result="error"');
  });

  it('adds process metrics only when asked', async () => {
    expect(await createMetrics({ defaultMetrics: true }).registry.metrics()).toContain(
      'switchboard_process_cpu',
    );
    expect(await createMetrics().registry.metrics()).not.toContain('process_cpu');
  });
});
