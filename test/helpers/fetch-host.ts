// A minimal Fetch API host, as Next.js route handlers and Hono run: node request → Request →
// route(request) → Response → node response. `consume` reads the body first, as a middleware
// that called request.json() would.
import { createServer, type Server } from 'node:http';
import { Readable } from 'node:stream';

export function fetchHost(route: (request: Request) => Promise<Response>, consume = false): Server {
  return createServer(async (req, res) => {
    const request = new Request(`http://127.0.0.1${req.url}`, {
      method: req.method,
      headers: req.headers as Record<string, string>,
      body: Readable.toWeb(req) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    if (consume) await request.json().catch(() => undefined);
    const response = await route(request);
    // A route that answered before reading the whole body (413): this connection is done.
    if (!req.readableEnded) res.setHeader('Connection', 'close');
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
}
