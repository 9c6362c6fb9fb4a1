import { z } from 'zod';
import { CAMARA_APIS, camaraError } from '@switchboard/camara';

/** One operation of a CAMARA API: `method` on `path` (relative to `/<api>/<version>`). */
export interface ApiOperationRule {
  readonly operation: string;
  readonly method: string;
  /** Segments starting with ':' match any one non-empty segment (CAMARA path params). */
  readonly path: string;
  /** The token must carry every one of these scopes. */
  readonly scopes: readonly string[];
  /**
   * Validates the parsed request body (`undefined`: none) when we know the operation's
   * schema; throws a CamaraError (400 INVALID_ARGUMENT).
   */
  readonly checkBody?: (body: unknown) => void;
}

/** One version of one CAMARA API that the proxy forwards. */
export interface ApiDefinition {
  readonly name: string;
  readonly version: string;
  readonly operations: readonly ApiOperationRule[];
}

export interface MatchedOperation {
  readonly api: string;
  readonly version: string;
  readonly operation: string;
  readonly requiredScopes: readonly string[];
  /** `/<api>/<version>`, appended to the operator's api root. */
  readonly basePath: string;
  /** The request path below `basePath`, forwarded unchanged. */
  readonly apiPath: string;
  readonly checkBody?: ((body: unknown) => void) | undefined;
}

export interface ApiCatalog {
  readonly apis: readonly ApiDefinition[];
  /**
   * True when `path` lies under one of the catalog's API names (`/<api>`, any version): an
   * unknown version or operation of a known API is a CAMARA 404, not another handler's page.
   */
  ownsPath(path: string): boolean;
  matchOperation(method: string, path: string): MatchedOperation | undefined;
  /** Like matchOperation, but throws 404 NOT_FOUND / 405 METHOD_NOT_ALLOWED (CAMARA). */
  resolveOperation(method: string, path: string): MatchedOperation;
}

const operationSchema = z.object({
  operation: z.string().regex(/^[a-z][a-z0-9-]*$/),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
  path: z.string().regex(/^(\/(:?[A-Za-z0-9._~-]+))+$/, 'must look like /segment or /:param'),
  scopes: z.array(z.string().min(1)).min(1),
});

/** Config schema for extra APIs (e.g. SIM Swap v1 `POST /check`, `POST /retrieve-date`). */
export const apiDefinitionSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be a CAMARA API name like sim-swap'),
  version: z.string().regex(/^v[0-9][0-9a-z.]*$/, 'must be a CAMARA URL version like v1'),
  operations: z.array(operationSchema).min(1),
});

export const apiDefinitionsSchema = z.array(apiDefinitionSchema);

/**
 * The APIs Switchboard knows (`CAMARA_APIS`: Number Verification 2.1 and 0.3.1), with the
 * scopes each spec names and the body checks Switchboard applies itself.
 */
export const DEFAULT_APIS: readonly ApiDefinition[] = CAMARA_APIS.map((api) => ({
  name: api.name,
  version: api.version,
  operations: api.operations.map((op) => ({
    operation: op.operation,
    method: op.method,
    path: op.path,
    scopes: [op.scope],
    ...(op.checkBody ? { checkBody: op.checkBody } : {}),
  })),
}));

interface CompiledOperation {
  readonly rule: ApiOperationRule;
  readonly segments: readonly string[];
}

interface CompiledApi {
  readonly api: ApiDefinition;
  readonly basePath: string;
  readonly operations: readonly CompiledOperation[];
}

// A path parameter is one plain segment: never empty, never '.' or '..' (which the operator
// could resolve to another resource), never percent-encoded (RFC 3986 §3.3 unreserved only).
const PARAM_SEGMENT = /^(?!\.{1,2}$)[A-Za-z0-9._~-]+$/;

function segmentsMatch(pattern: readonly string[], actual: readonly string[]): boolean {
  if (pattern.length !== actual.length) return false;
  return pattern.every((p, i) =>
    p.startsWith(':') ? PARAM_SEGMENT.test(actual[i] ?? '') : p === actual[i],
  );
}

function compile(apis: readonly ApiDefinition[]): CompiledApi[] {
  const seen = new Set<string>();
  return apis.map((api) => {
    const basePath = `/${api.name}/${api.version}`;
    if (seen.has(basePath)) throw new Error(`API ${basePath} is configured twice`);
    seen.add(basePath);
    const operations = api.operations.map((rule) => ({
      rule,
      segments: rule.path.split('/').slice(1),
    }));
    return { api, basePath, operations };
  });
}

interface Candidates {
  readonly api: CompiledApi;
  readonly apiPath: string;
  readonly ops: readonly CompiledOperation[];
}

function findApi(compiled: readonly CompiledApi[], path: string): CompiledApi | undefined {
  return compiled.find((c) => path.startsWith(`${c.basePath}/`));
}

/** The operations of the API owning `path` whose pattern fits it, whatever their method. */
function candidates(compiled: readonly CompiledApi[], path: string): Candidates | undefined {
  const api = findApi(compiled, path);
  if (!api) return undefined;
  const apiPath = path.slice(api.basePath.length);
  const actual = apiPath.split('/').slice(1);
  return { api, apiPath, ops: api.operations.filter((o) => segmentsMatch(o.segments, actual)) };
}

function toMatch(found: Candidates, rule: ApiOperationRule): MatchedOperation {
  return {
    api: found.api.api.name,
    version: found.api.api.version,
    operation: rule.operation,
    requiredScopes: rule.scopes,
    basePath: found.api.basePath,
    apiPath: found.apiPath,
    checkBody: rule.checkBody,
  };
}

function ruleFor(found: Candidates | undefined, method: string): ApiOperationRule | undefined {
  const upper = method.toUpperCase();
  return found?.ops.find((o) => o.rule.method === upper)?.rule;
}

/** Paths whose matches the catalog remembers. */
const MATCH_MEMO_PATHS = 1_000;

/** The catalog of forwarded APIs: the defaults plus `extra` from configuration. */
export function createApiCatalog(
  extra: readonly ApiDefinition[] = [],
  base = DEFAULT_APIS,
): ApiCatalog {
  const apis = [...base, ...extra];
  const compiled = compile(apis);
  const names = [...new Set(apis.map((a) => `/${a.name}`))];
  const prefixes = names.map((n) => `${n}/`);
  // Matches per path and method: an app calls the same few paths, and splitting and testing
  // segments on every call showed in the proxy's profile. Bounded, since paths with
  // parameters are as many as the apps make up; cleared whole when full.
  const matched = new Map<string, Map<string, MatchedOperation>>();
  const remember = (path: string, method: string, match: MatchedOperation): MatchedOperation => {
    if (matched.size >= MATCH_MEMO_PATHS) matched.clear();
    let byMethod = matched.get(path);
    if (!byMethod) matched.set(path, (byMethod = new Map()));
    byMethod.set(method, match);
    return match;
  };
  return {
    apis,
    ownsPath: (path) => names.some((n, i) => path === n || path.startsWith(prefixes[i]!)),
    matchOperation(method, path) {
      const found = candidates(compiled, path);
      const rule = ruleFor(found, method);
      return found && rule ? toMatch(found, rule) : undefined;
    },
    resolveOperation(method, path) {
      const hit = matched.get(path)?.get(method);
      if (hit) return hit;
      const found = candidates(compiled, path);
      if (!found || found.ops.length === 0) throw camaraError('NOT_FOUND');
      const rule = ruleFor(found, method);
      if (!rule) {
        // RFC 9110 §15.5.6: a 405 lists the methods the resource supports.
        const allow = found.ops.map((o) => o.rule.method).join(', ');
        throw camaraError('METHOD_NOT_ALLOWED', undefined, { headers: { allow } });
      }
      return remember(path, method, toMatch(found, rule));
    },
  };
}
