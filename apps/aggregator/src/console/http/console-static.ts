import fs from 'node:fs/promises';
import path from 'node:path';
import express, { type Router } from 'express';

const escape = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** A plain page of the console's own (no script, no style). */
export function consolePage(title: string, text: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Switchboard console: ${escape(title)}</title></head><body><h1>${escape(title)}</h1><p>${escape(text)}</p></body></html>`;
}

/**
 * The React bundle from SWITCHBOARD_CONSOLE_DIR: `/assets/*` as files, every other path its
 * index.html (client-side routes). Read per request, so a rebuilt bundle is served at once; a
 * missing bundle is a 503 that says how to build it.
 */
export function createConsoleStatic(consoleDir: string): Router {
  const router = express.Router();
  router.use(
    '/assets',
    express.static(path.join(consoleDir, 'assets'), {
      index: false,
      dotfiles: 'ignore',
      fallthrough: false,
      setHeaders: (res) => res.setHeader('cache-control', 'no-cache'),
    }),
  );
  router.get(['/', '/*page'], async (_req, res) => {
    let html: string;
    try {
      html = await fs.readFile(path.join(consoleDir, 'index.html'), 'utf8');
    } catch {
      res
        .status(503)
        .type('html')
        .send(
          consolePage(
            'Console unavailable',
            'the console is not built: run `npm run build:console`',
          ),
        );
      return;
    }
    res.type('html').send(html);
  });
  return router;
}
