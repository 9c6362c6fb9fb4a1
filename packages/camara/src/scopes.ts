/** Number Verification API versions served: NV 2.1 (`/v2`) and NV 0.3.1 (`/v0`, the seed's). */
export type NvApiVersion = 'v2' | 'v0';

/** The two NV operations: `POST /verify` and `GET /device-phone-number`. */
export type NvOperation = 'verify' | 'device-phone-number';

export const NV_API_VERSIONS: ReadonlyArray<NvApiVersion> = ['v2', 'v0'];
export const NV_OPERATIONS: ReadonlyArray<NvOperation> = ['verify', 'device-phone-number'];

export const NV_BASE_PATHS: Readonly<Record<NvApiVersion, string>> = {
  v2: '/number-verification/v2',
  v0: '/number-verification/v0',
};

/**
 * Operation scopes. NV 2.1 `security.openId`: `number-verification:verify`,
 * `number-verification:device-phone-number:read`; NV 0.3.1 (and the CAMARA AuthN
 * inventory of that time): `number-verification-verify-read`, `number-verification-share-read`.
 */
export const NV_SCOPES = {
  v2: {
    verify: 'number-verification:verify',
    'device-phone-number': 'number-verification:device-phone-number:read',
  },
  v0: {
    verify: 'number-verification-verify-read',
    'device-phone-number': 'number-verification-share-read',
  },
} as const satisfies Record<NvApiVersion, Record<NvOperation, string>>;

export const ALL_NV_SCOPES: ReadonlyArray<string> = NV_API_VERSIONS.flatMap((v) =>
  NV_OPERATIONS.map((op) => NV_SCOPES[v][op]),
);

/** The scope an access token needs to call `operation` on `version`, as that spec names it. */
export function requiredScope(version: NvApiVersion, operation: NvOperation): string {
  return NV_SCOPES[version][operation];
}

/** Which version and operation an NV operation scope belongs to, if it is one. */
export function operationForScope(
  scope: string,
): { version: NvApiVersion; operation: NvOperation } | undefined {
  for (const version of NV_API_VERSIONS) {
    for (const operation of NV_OPERATIONS) {
      if (NV_SCOPES[version][operation] === scope) return { version, operation };
    }
  }
  return undefined;
}
