// A real HTTP gateway in front of the mock, the kind a merchant puts between the application and
// WeChat Pay: it forwards each request, after rewriting its path or body as configured, and passes
// the answer back unchanged.
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Gateway {
  url: string;
  close(): Promise<void>;
}

export interface Rewrite {
  /** The path and query forwarded for the one received. */
  path?: (received: string) => string;
  /** The body forwarded for the one received. */
  body?: (received: Buffer) => Buffer;
}

export async function startGateway(target: string, rewrite: Rewrite): Promise<Gateway> {
  const upstream = new URL(target);
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const received = Buffer.concat(chunks);
      const body = rewrite.body && received.length ? rewrite.body(received) : received;
      const headers: Record<string, string | string[] | undefined> = { ...req.headers, host: upstream.host };
      if (received.length) headers['content-length'] = String(body.length);
      const forward = httpRequest({ hostname: upstream.hostname, port: upstream.port, method: req.method, path: rewrite.path ? rewrite.path(req.url!) : req.url, headers }, (answer) => {
        res.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(res);
      });
      forward.on('error', () => res.destroy());
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
