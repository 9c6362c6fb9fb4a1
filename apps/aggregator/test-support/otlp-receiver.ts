import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One span as an OTLP/HTTP receiver got it (ids as lowercase hex). */
export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  /** '' for a root span. */
  readonly parentSpanId: string;
  readonly name: string;
  readonly kind: number;
  readonly startTimeUnixNano: bigint;
  readonly endTimeUnixNano: bigint;
  readonly attributes: Readonly<Record<string, string | number | boolean>>;
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  readonly statusCode: number;
  readonly statusMessage: string;
  readonly resource: Readonly<Record<string, string | number | boolean>>;
}

export interface OtlpReceiver {
  /** What OTEL_EXPORTER_OTLP_ENDPOINT is set to (the exporter appends /v1/traces). */
  readonly endpoint: string;
  readonly spans: ReceivedSpan[];
  /** Requests received, whatever their body. */
  readonly requests: number;
  /** Resolves once `predicate` holds for the spans received (checked on each export). */
  waitFor(predicate: (spans: readonly ReceivedSpan[]) => boolean): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real OTLP/HTTP trace receiver in the test process (OTLP 1.x, `POST /v1/traces`,
 * `application/x-protobuf`), decoding ExportTraceServiceRequest with a small protobuf
 * wire-format reader: the SDK ships an encoder only. `decode: false` only counts requests
 * (the bench, where the receiver's work must not weigh on the proxy it measures).
 */
export async function startOtlpReceiver(options: { decode?: boolean } = {}): Promise<OtlpReceiver> {
  const decode = options.decode ?? true;
  const spans: ReceivedSpan[] = [];
  const waiters: { predicate: (s: readonly ReceivedSpan[]) => boolean; resolve: () => void }[] = [];
  let requests = 0;
  const server: Server = createServer((req, res) => {
    void readAll(req).then((body) => {
      requests += 1;
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      if (decode) spans.push(...decodeExportTraceServiceRequest(body));
      for (const w of [...waiters])
        if (w.predicate(spans)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      // An empty ExportTraceServiceResponse: full success.
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    get requests() {
      return requests;
    },
    waitFor(predicate) {
      if (predicate(spans)) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ predicate, resolve }));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** A protobuf field: its number, and its value (varint/fixed as bigint, length-delimited as bytes). */
interface Field {
  readonly no: number;
  readonly value: bigint | Buffer;
}

/** The fields of one message, in order (protobuf encoding: tag = field << 3 | wire type). */
function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = buf[pos++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (pos < buf.length) {
    const tag = Number(varint());
    const no = tag >>> 3;
    switch (tag & 7) {
      case 0:
        out.push({ no, value: varint() });
        break;
      case 1:
        out.push({ no, value: buf.readBigUInt64LE(pos) });
        pos += 8;
        break;
      case 2: {
        const length = Number(varint());
        out.push({ no, value: buf.subarray(pos, pos + length) });
        pos += length;
        break;
      }
      case 5:
        out.push({ no, value: BigInt(buf.readUInt32LE(pos)) });
        pos += 4;
        break;
      default:
        throw new Error(`unsupported protobuf wire type ${tag & 7}`);
    }
  }
  return out;
}

const bytesOf = (f: Field[], no: number): Buffer[] =>
  f.filter((x) => x.no === no).map((x) => x.value as Buffer);
const first = (f: Field[], no: number) => f.find((x) => x.no === no)?.value;
const text = (f: Field[], no: number) =>
  (first(f, no) as Buffer | undefined)?.toString('utf8') ?? '';
const hex = (f: Field[], no: number) => (first(f, no) as Buffer | undefined)?.toString('hex') ?? '';
const num = (f: Field[], no: number) => Number((first(f, no) as bigint | undefined) ?? 0n);

/** KeyValue { key = 1; AnyValue value = 2 }, AnyValue { string 1, bool 2, int 3, double 4 }. */
function keyValues(list: Buffer[]): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const kv of list) {
    const f = fields(kv);
    const value = fields((first(f, 2) as Buffer | undefined) ?? Buffer.alloc(0));
    const v = value[0];
    if (!v) continue;
    out[text(f, 1)] =
      v.no === 1
        ? (v.value as Buffer).toString('utf8')
        : v.no === 2
          ? v.value === 1n
          : v.no === 3
            ? Number(BigInt.asIntN(64, v.value as bigint))
            : v.no === 4
              ? new Float64Array(new BigUint64Array([v.value as bigint]).buffer)[0]!
              : String(v.value);
  }
  return out;
}

/**
 * opentelemetry-proto trace.proto: ExportTraceServiceRequest { ResourceSpans resource_spans = 1 },
 * ResourceSpans { Resource resource = 1; ScopeSpans scope_spans = 2 }, ScopeSpans { spans = 2 },
 * Span { trace_id 1, span_id 2, parent_span_id 4, name 5, kind 6, start 7, end 8,
 * attributes 9, status 15 { message 2, code 3 } }.
 */
export function decodeExportTraceServiceRequest(body: Buffer): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const rs of bytesOf(fields(body), 1)) {
    const r = fields(rs);
    const resourceFields = fields((first(r, 1) as Buffer | undefined) ?? Buffer.alloc(0));
    const resource = keyValues(bytesOf(resourceFields, 1));
    for (const ss of bytesOf(r, 2))
      for (const sp of bytesOf(fields(ss), 2)) {
        const s = fields(sp);
        const status = fields((first(s, 15) as Buffer | undefined) ?? Buffer.alloc(0));
        out.push({
          traceId: hex(s, 1),
          spanId: hex(s, 2),
          parentSpanId: hex(s, 4),
          name: text(s, 5),
          kind: num(s, 6),
          startTimeUnixNano: (first(s, 7) as bigint | undefined) ?? 0n,
          endTimeUnixNano: (first(s, 8) as bigint | undefined) ?? 0n,
          attributes: keyValues(bytesOf(s, 9)),
          statusCode: num(status, 3),
          statusMessage: text(status, 2),
          resource,
        });
      }
  }
  return out;
}
