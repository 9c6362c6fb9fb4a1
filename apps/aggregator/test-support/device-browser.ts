import { Agent, request } from 'undici';

export interface Page {
  readonly status: number;
  readonly url: string;
  readonly text: string;
  readonly location: string | undefined;
}

/**
 * A device's browser for end-to-end tests: connects from its own loopback source address
 * (undici ignores connect.localAddress, so the Agent gets it), keeps cookies like a browser
 * on one host (not isolated by port), and follows redirects one hop at a time.
 */
export class DeviceBrowser {
  private readonly agent: Agent;
  private readonly jar = new Map<string, { name: string; value: string; path: string }>();

  /**
   * `headers` go with every request (e.g. a spoofed X-Forwarded-For); `agent`: e.g. timeouts,
   * so a load test sees a hang as an error instead of waiting.
   */
  constructor(
    readonly address: string,
    private readonly headers: Record<string, string> = {},
    agent: Omit<Agent.Options, 'localAddress'> = {},
  ) {
    this.agent = new Agent({ ...agent, localAddress: address });
  }

  get(url: string): Promise<Page> {
    return this.send('GET', url);
  }

  postForm(url: string, form: Record<string, string>): Promise<Page> {
    return this.send('POST', url, new URLSearchParams(form).toString());
  }

  /**
   * Follows redirects until one leads to `stopAt` (returned, not fetched) or a page is not a
   * redirect. `rewrite` may change each hop (e.g. send it to another aggregator process).
   */
  async follow(url: string, stopAt: string, rewrite: (u: string) => string = (u) => u) {
    let page = await this.get(rewrite(url));
    for (let hops = 0; hops < 20; hops += 1) {
      if (!page.location) return { page, redirect: undefined };
      if (page.location.startsWith(stopAt)) return { page, redirect: new URL(page.location) };
      page = await this.get(rewrite(page.location));
    }
    throw new Error(`too many redirects from ${url}`);
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private async send(method: string, url: string, body?: string): Promise<Page> {
    const path = new URL(url).pathname;
    const cookie = [...this.jar.values()]
      .filter(
        (c) => path === c.path || path.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`),
      )
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
    const headers: Record<string, string> = { ...this.headers, ...(cookie ? { cookie } : {}) };
    if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await request(url, {
      method,
      dispatcher: this.agent,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    this.remember(res.headers['set-cookie']);
    const location =
      typeof res.headers.location === 'string'
        ? new URL(res.headers.location, url).href
        : undefined;
    return { status: res.statusCode, url, text: await res.body.text(), location };
  }

  private remember(setCookie: string | string[] | undefined): void {
    for (const line of typeof setCookie === 'string' ? [setCookie] : (setCookie ?? [])) {
      const [pair = '', ...attributes] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const attr = (key: string) =>
        attributes.find((a) => a.toLowerCase().startsWith(`${key}=`))?.split('=')[1];
      const path = attr('path') ?? '/';
      const expires = attr('expires');
      const gone =
        value === '' ||
        attr('max-age') === '0' ||
        (expires !== undefined && Date.parse(expires) < Date.now());
      if (gone) this.jar.delete(`${name};${path}`);
      else this.jar.set(`${name};${path}`, { name, value, path });
    }
  }
}
