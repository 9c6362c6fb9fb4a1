/**
 * An OAuth-style error of the operator-token endpoints: `{ error, error_description }` plus
 * any extra members (`fallback_options`), with its HTTP status.
 */
export class OpenId4VpError extends Error {
  override readonly name = 'OpenId4VpError';
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(description);
  }

  body(): Record<string, unknown> {
    return { error: this.error, error_description: this.description, ...this.extra };
  }
}

export const invalidRequest = (description: string) =>
  new OpenId4VpError(400, 'invalid_request', description);
