// A bare loopback HTTP server for tests that must shape every byte of an answer.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RawRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export interface RawAnswer {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface RawServer {
  url: string;
  requests: RawRequest[];
  connections: number;
  close(): Promise<void>;
}

export async function startRawServer(answer: (request: RawRequest) => RawAnswer | Promise<RawAnswer>): Promise<RawServer> {
  const state: RawServer = {
    url: '',
    requests: [],
    connections: 0,
    close: async () => undefined,
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const request = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) };
      state.requests.push(request);
      const out = await answer(request);
      const body = out.body ?? '';
      res.writeHead(out.status ?? 200, { 'Content-Type': 'application/json', ...out.headers, 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  server.on('connection', () => state.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  state.close = () => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  };
  return state;
}
