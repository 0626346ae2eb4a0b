/** One request over loopback HTTP with a hard deadline: the answer, a timeout, or a broken connection. */
import http from 'node:http';
import type { FuzzRequest } from './request-generator.ts';

export type SendResult =
  | { kind: 'answer'; status: number; ms: number; head: string; retryAfter?: string }
  | { kind: 'timeout'; ms: number }
  | { kind: 'connection'; ms: number; error: string };

/** Sends `req` to 127.0.0.1:port; gives up after `deadlineMs` (the socket is destroyed). */
export function send(port: number, req: FuzzRequest, fuzzId: string, deadlineMs: number, agent?: http.Agent): Promise<SendResult> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: SendResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(r);
    };
    const headers: Record<string, string | number> = { ...req.headers, 'x-fuzz-id': fuzzId };
    if (req.body !== undefined) headers['content-length'] = Buffer.byteLength(req.body);
    let r: http.ClientRequest;
    try {
      r = http.request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers, agent: agent ?? false });
    } catch (e) {
      // Node refuses some paths client-side (e.g. unescaped characters): nothing reached the server.
      resolve({ kind: 'answer', status: 0, ms: 0, head: `client refused: ${(e as Error).message}` });
      return;
    }
    const timer = setTimeout(() => {
      finish({ kind: 'timeout', ms: performance.now() - t0 });
      r.destroy();
    }, deadlineMs);
    r.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < 4096) chunks.push(c);
        size += c.length;
      });
      res.on('end', () => finish({
        kind: 'answer', status: res.statusCode ?? 0, ms: performance.now() - t0, head: Buffer.concat(chunks).toString('utf8').slice(0, 4096),
        ...(res.headers['retry-after'] ? { retryAfter: String(res.headers['retry-after']) } : {}),
      }));
      res.on('error', (e) => finish({ kind: 'connection', ms: performance.now() - t0, error: e.message }));
    });
    r.on('error', (e) => finish({ kind: 'connection', ms: performance.now() - t0, error: (e as NodeJS.ErrnoException).code ?? e.message }));
    if (req.body !== undefined) r.end(req.body);
    else r.end();
  });
}
