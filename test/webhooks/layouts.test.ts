// The notification route behind the body parsers shops really have, in real servers: Express 4
// and 5 with an app-wide express.json(), Koa with koa-bodyparser, Fastify with its JSON parser,
// NestJS with its default body parser, and a Fetch route handler (a Next.js route handler is this
// standard Request → Response function; Next.js itself is not started). Each layout the README
// names must accept a genuine notification; a layout that cannot work must be refused with the one
// fix that works for it. Every pattern run here is quoted from the README.
import 'reflect-metadata';
import { Controller, Module, Post, Req, Res } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import bodyParser from 'koa-bodyparser';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { keepRawBody, Wechatpay, type Notification, type WechatpayClient } from '../../src/index.js';
import { deliver } from '../../src/mock/notify.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { fetchHost } from '../helpers/fetch-host.js';

// Express 4 is installed under an alias beside Express 5; its API is the same for what is used here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const express4 = require('express4') as typeof express;

const README = readFileSync(join(__dirname, '../../README.md'), 'utf8');

let mock: MockServer;
let wxpay: WechatpayClient;
const seen: Notification[] = [];
const handler = async (n: Notification): Promise<void> => void seen.push(n);

beforeAll(async () => {
  mock = await startMockServer();
  wxpay = new Wechatpay({ ...mock.clientConfig, apiv3Key: mock.apiv3Key });
});
afterAll(() => mock.close());
beforeEach(() => seen.splice(0));

interface Running {
  url: string;
  close(): Promise<void>;
}

function listen(server: Server, path = '/wxpay/notify'): Promise<Running> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
        close: () => new Promise<void>((done) => (server.closeAllConnections(), server.close(() => done()))),
      }),
    ),
  );
}

async function expectAccepted(start: () => Promise<Running>): Promise<void> {
  const server = await start();
  try {
    const answer = await deliver(server.url, mock.notification('TRANSACTION.SUCCESS'));
    expect(answer.status).toBe(204);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.event_type).toBe('TRANSACTION.SUCCESS');
  } finally {
    await server.close();
  }
}

async function expectRefused(start: () => Promise<Running>, fix: RegExp, not?: RegExp): Promise<void> {
  const server = await start();
  try {
    const answer = await deliver(server.url, mock.notification('TRANSACTION.SUCCESS'));
    expect(answer.status).toBe(500);
    const { code, message } = JSON.parse(answer.body) as { code: string; message: string };
    expect(code).toBe('FAIL');
    expect(message).toMatch(fix);
    if (not) expect(message).not.toMatch(not);
    expect(seen).toHaveLength(0);
  } finally {
    await server.close();
  }
}

const quoted = (line: string) => expect(README).toContain(line);

describe.each([
  ['Express 5', express],
  ['Express 4', express4],
])('%s', (_name, framework) => {
  test('the route registered before an app-wide express.json() reads the bytes itself', async () => {
    quoted("app.post('/wxpay/notify', wxpay.webhooks.express(handler)); // before app.use(express.json())");
    await expectAccepted(async () => {
      const app = framework();
      app.post('/wxpay/notify', wxpay.webhooks.express(handler)); // before app.use(express.json())
      app.use(framework.json());
      return listen(createServer(app));
    });
  });

  test('an app-wide express.json({ verify: keepRawBody }) keeps the bytes beside the parsed body', async () => {
    quoted('app.use(express.json({ verify: keepRawBody }));');
    await expectAccepted(async () => {
      const app = framework();
      app.use(framework.json({ verify: keepRawBody }));
      app.post('/wxpay/notify', wxpay.webhooks.express(handler));
      return listen(createServer(app));
    });
  });

  test('express.raw() on the route, other parsers app-wide for other types', async () => {
    quoted("app.post('/wxpay/notify', express.raw({ type: '*/*' }), wxpay.webhooks.express(handler));");
    await expectAccepted(async () => {
      const app = framework();
      app.use(framework.urlencoded({ extended: false }));
      app.post('/wxpay/notify', framework.raw({ type: '*/*' }), wxpay.webhooks.express(handler));
      return listen(createServer(app));
    });
  });

  test('an app-wide parser for other types (express.urlencoded()) leaves the notification to the adapter', async () => {
    await expectAccepted(async () => {
      const app = framework();
      app.use(framework.urlencoded({ extended: false }));
      app.post('/wxpay/notify', wxpay.webhooks.express(handler));
      return listen(createServer(app));
    });
  });

  test('an app-wide express.json() before the route: refused with route order or keepRawBody as the fix, never express.raw()', async () => {
    await expectRefused(
      async () => {
        const app = framework();
        app.use(framework.json());
        app.post('/wxpay/notify', framework.raw({ type: '*/*' }), wxpay.webhooks.express(handler));
        return listen(createServer(app));
      },
      /register this route before the parser.*keepRawBody/,
      /put express\.raw/,
    );
  });

  test('express.json() on the route itself: refused with express.raw() in its place as the fix', async () => {
    await expectRefused(async () => {
      const app = framework();
      app.post('/wxpay/notify', framework.json(), wxpay.webhooks.express(handler));
      return listen(createServer(app));
    }, /on this route .*express\.raw\(\{ type: "\*\/\*" \}\) in its place/);
  });
});

describe('Koa', () => {
  test('behind koa-bodyparser (which keeps ctx.request.rawBody)', async () => {
    quoted('koa.use(bodyParser());');
    quoted("koa.use((ctx, next) => (ctx.method === 'POST' && ctx.path === '/wxpay/notify' ? notify(ctx) : next()));");
    await expectAccepted(async () => {
      const koa = new Koa();
      koa.use(bodyParser());
      const notify = wxpay.webhooks.koa(handler);
      koa.use((ctx, next) => (ctx.method === 'POST' && ctx.path === '/wxpay/notify' ? notify(ctx) : next()));
      return listen(createServer(koa.callback()));
    });
  });

  test('behind a parser that keeps no raw text: refused, naming koa-bodyparser', async () => {
    await expectRefused(async () => {
      const koa = new Koa();
      koa.use(async (ctx, next) => {
        const chunks: Buffer[] = [];
        for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
        (ctx.request as { body?: unknown }).body = JSON.parse(Buffer.concat(chunks).toString());
        await next();
      });
      koa.use(wxpay.webhooks.koa(handler));
      return listen(createServer(koa.callback()));
    }, /koa-bodyparser/);
  });
});

test('Fastify: the plugin beside the app-wide JSON parser (and a content-type parser of the app)', async () => {
  quoted("await fastify.register(wxpay.webhooks.fastify(handler, { url: '/wxpay/notify' }));");
  await expectAccepted(async () => {
    const fastify = Fastify();
    fastify.addContentTypeParser('text/plain', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    fastify.post('/orders', async (request) => request.body);
    await fastify.register(wxpay.webhooks.fastify(handler, { url: '/wxpay/notify' }));
    await fastify.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(fastify.server.address() as AddressInfo).port}`;
    // The app's own JSON routes still get parsed JSON.
    const order = await fetch(`${url}/orders`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"a":1}' });
    expect(await order.json()).toEqual({ a: 1 });
    return { url: `${url}/wxpay/notify`, close: () => fastify.close() };
  });
});

describe('NestJS (on Express, its default body parser on)', () => {
  // No decorator syntax: Nest's decorators are functions, applied here by hand.
  function appModule(controller?: new () => unknown) {
    class AppModule {}
    Module({ controllers: controller ? [controller] : [] })(AppModule);
    return AppModule;
  }
  function notifyController() {
    class NotifyController {
      notify(req: IncomingMessage, res: import('node:http').ServerResponse) {
        return wxpay.webhooks.express(handler)(req, res);
      }
    }
    const method = Object.getOwnPropertyDescriptor(NotifyController.prototype, 'notify')!;
    Post('wxpay/notify')(NotifyController.prototype, 'notify', method);
    Req()(NotifyController.prototype, 'notify', 0);
    Res()(NotifyController.prototype, 'notify', 1);
    Controller()(NotifyController);
    return NotifyController;
  }
  async function nest(module: unknown, options: { rawBody?: boolean }, before?: (app: { use(...args: unknown[]): unknown }) => void): Promise<Running> {
    const app = await NestFactory.create(module as never, { logger: false, ...options });
    before?.(app);
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}/wxpay/notify`, close: () => app.close() };
  }

  test('NestFactory.create(AppModule, { rawBody: true }) and a controller', async () => {
    quoted('NestFactory.create(AppModule, { rawBody: true })');
    quoted('notify(@Req() req, @Res() res) { return hook(req, res); }');
    await expectAccepted(() => nest(appModule(notifyController()), { rawBody: true }));
  });

  test("nest.use('/wxpay/notify', …) before listen: ahead of Nest's parser", async () => {
    quoted("nest.use('/wxpay/notify', wxpay.webhooks.express(handler));");
    await expectAccepted(() => nest(appModule(), {}, (app) => app.use('/wxpay/notify', wxpay.webhooks.express(handler))));
  });

  test('a controller behind the default parser: refused, naming rawBody: true', async () => {
    await expectRefused(() => nest(appModule(notifyController()), {}), /NestFactory\.create\(AppModule, \{ rawBody: true \}\)/);
  });
});

describe('Fetch API route handler (Next.js App Router: export const POST = …)', () => {
  const host = (route: (request: Request) => Promise<Response>, consume = false) => listen(fetchHost(route, consume));

  test('export const POST = wxpay.webhooks.fetch(handler)', async () => {
    quoted('export const POST = wxpay.webhooks.fetch(handler);');
    const POST = wxpay.webhooks.fetch(handler);
    await expectAccepted(() => host(POST));
  });

  test('a body read before the route: refused, saying to hand the Request over unread', async () => {
    await expectRefused(() => host(wxpay.webhooks.fetch(handler), true), /unread/);
  });
});
