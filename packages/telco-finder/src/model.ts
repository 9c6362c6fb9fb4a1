import type { Operator } from '@switchboard/contracts';

// An operator's fields, the credentials Switchboard presents, and the routes it serves are
// the admin API's and operator API's contracts; the routing model uses those shapes as is.
export type {
  ClientAuthMethod,
  IpRangeRecord,
  MsisdnPrefixRecord,
  NetworkRecord,
  Operator,
  OperatorCredentials,
  OperatorInput,
  OperatorStatus,
  OperatorUpdate,
  SupportedApi,
} from '@switchboard/contracts';
export type { ScopeStyle } from '@switchboard/camara';

/** Plain HTTP only for operators explicitly marked insecure (sandbox/dev). */
export function insecureUrlProblems(
  op: Pick<Operator, 'issuerUrl' | 'apiRoot' | 'allowInsecureHttp'> & {
    routingUrl?: string | null;
  },
): string[] {
  if (op.allowInsecureHttp) return [];
  const problems: string[] = [];
  if (!op.issuerUrl.startsWith('https:'))
    problems.push('issuerUrl must be https (or mark the operator --insecure for a sandbox)');
  if (!op.apiRoot.startsWith('https:'))
    problems.push('apiRoot must be https (or mark the operator --insecure for a sandbox)');
  if (op.routingUrl && !op.routingUrl.startsWith('https:'))
    problems.push('routingUrl must be https (or mark the operator --insecure for a sandbox)');
  return problems;
}

/** Who made a change, for the audit log. */
export interface Actor {
  kind: 'admin' | 'operator' | 'system';
  id: string;
}

export const actorName = (a: Actor) => `${a.kind}:${a.id}`;
