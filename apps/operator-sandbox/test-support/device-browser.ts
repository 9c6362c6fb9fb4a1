import { Agent, request } from 'undici';

export interface BrowserResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  /** Absolute Location of a redirect. */
  readonly location: string | undefined;
}

interface StoredCookie {
  readonly name: string;
  readonly value: string;
  readonly path: string;
}

/**
 * A device's browser for tests: connects from its own loopback source address (what the
 * operator's network sees), keeps cookies per path, and never follows redirects itself.
 */
export class DeviceBrowser {
  private readonly agent: Agent;
  private readonly jar = new Map<string, StoredCookie>();

  /** `headers` go on every request, e.g. a header-enrichment header added by a proxy. */
  constructor(
    readonly localAddress: string,
    private readonly headers: Record<string, string> = {},
  ) {
    this.agent = new Agent({ localAddress });
  }

  get(url: string, headers: Record<string, string> = {}): Promise<BrowserResponse> {
    return this.send('GET', url, headers);
  }

  postForm(url: string, form: Record<string, string>): Promise<BrowserResponse> {
    const body = new URLSearchParams(form).toString();
    return this.send('POST', url, { 'content-type': 'application/x-www-form-urlencoded' }, body);
  }

  /** Follows redirects while they stay on `origin`; returns the first response that leaves or is not a redirect. */
  async navigate(
    url: string,
    origin = new URL(url).origin,
  ): Promise<{ response: BrowserResponse; url: string }> {
    let current = url;
    for (let hops = 0; hops < 10; hops += 1) {
      const response = await this.get(current);
      if (!response.location || new URL(response.location).origin !== origin)
        return { response, url: current };
      current = response.location;
    }
    throw new Error(`too many redirects from ${url}`);
  }

  cookieNames(): string[] {
    return [...this.jar.values()].map((c) => c.name);
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private async send(
    method: string,
    url: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<BrowserResponse> {
    const path = new URL(url).pathname;
    const cookie = [...this.jar.values()]
      .filter(
        (c) => path === c.path || path.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`),
      )
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
    const res = await request(url, {
      method,
      dispatcher: this.agent,
      headers: { ...this.headers, ...headers, ...(cookie ? { cookie } : {}) },
      ...(body === undefined ? {} : { body }),
    });
    this.remember(res.headers['set-cookie']);
    const location =
      typeof res.headers.location === 'string'
        ? new URL(res.headers.location, url).href
        : undefined;
    return { status: res.statusCode, headers: res.headers, text: await res.body.text(), location };
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
