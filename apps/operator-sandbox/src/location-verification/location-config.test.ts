import { describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { configErrorOf, minimalInstance } from '../../test-support/index.js';
import { loadSandboxConfig, parseSandboxConfig } from '../config.js';

const REPO_CONFIG = fileURLToPath(new URL('../../../../config/sandbox.json', import.meta.url));

const withLocations = (extra: Record<string, unknown>) => ({
  dataDir: null,
  instances: [minimalInstance(extra)],
});

const errorOf = (raw: unknown) => configErrorOf(() => parseSandboxConfig(raw));

describe('sandbox config: deviceLocations and locationVerification', () => {
  it('reads the demo data: Madrid on sandbox-a, Berlin on sandbox-b', () => {
    const [a, b] = loadSandboxConfig(REPO_CONFIG).instances;
    expect(a!.deviceLocations['+346001000005']).toEqual({
      latitude: 40.4168,
      longitude: -3.7038,
      accuracy: 500,
    });
    expect(a!.locationVerification.minRadius).toBe(1000);
    expect(b!.deviceLocations['+491700001002']).toMatchObject({ latitude: 52.52 });
  });

  it('defaults to no located lines, a 1 m minimum radius and the whole world', () => {
    const instance = parseSandboxConfig(withLocations({})).instances[0]!;
    expect(instance.deviceLocations).toEqual({});
    expect(instance.locationVerification).toEqual({ minRadius: 1 });
  });

  it('names the bad key', () => {
    expect(
      errorOf(withLocations({ deviceLocations: { '34600': 'service-not-applicable' } })),
    ).toMatch(/instances\[0\]\.deviceLocations\.34600: must be an E\.164 number/);
    expect(
      errorOf(
        withLocations({
          deviceLocations: { '+34600000001': { latitude: 91, longitude: 0, accuracy: 10 } },
        }),
      ),
    ).toMatch(/instances\[0\]\.deviceLocations\.\+34600000001/);
    expect(errorOf(withLocations({ deviceLocations: { '+34600000001': 'lost' } }))).toMatch(
      /deviceLocations\.\+34600000001: must be \{latitude, longitude, accuracy, ageSeconds\?\}/,
    );
    expect(
      errorOf(
        withLocations({
          locationVerification: { coverage: { south: 10, north: 0, west: 0, east: 1 } },
        }),
      ),
    ).toMatch(/locationVerification\.coverage: south must not be above north/);
  });
});
