import type { RequestHandler } from 'express';
import type { AdminTokens } from './admin-tokens.js';
import { camaraError } from '@switchboard/camara';

export function requireAdminToken(tokens: AdminTokens): RequestHandler {
  return async (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer ([A-Za-z0-9._~+/=-]{16,512})$/.exec(header);
    if (!match || !(await tokens.verify(match[1]!))) {
      throw camaraError(
        'UNAUTHENTICATED',
        'a valid admin token is required (Authorization: Bearer …)',
      );
    }
    next();
  };
}
