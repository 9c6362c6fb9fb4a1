import type { RequestHandler } from 'express';

// The listeners' 404s, in the CAMARA shape of every other answer. Errors are answered by
// problemHandler (problem-responses.ts).

export const publicNotFound: RequestHandler = (req, res) => {
  res.status(404).json({
    status: 404,
    code: 'NOT_FOUND',
    message: `no such endpoint: ${req.method} ${req.path}`,
  });
};

export const adminNotFound: RequestHandler = (req, res) => {
  res.status(404).json({
    status: 404,
    code: 'NOT_FOUND',
    message: `no such admin endpoint: ${req.method} ${req.path}`,
  });
};
