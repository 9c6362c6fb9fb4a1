export interface IpRoute {
  operatorId: string;
  /** Canonical CIDR (see parseCidr); other valid spellings are accepted and canonicalised. */
  cidr: string;
}

export interface IpMatch {
  operatorId: string;
  /** The winning (longest) prefix, canonical. */
  cidr: string;
}
