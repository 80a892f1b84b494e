// An SDK error a shop's route lets through must not become the shop's own answer: WeChat Pay's
// 401 or 404 reaching Express's, Koa's, Fastify's or Nest's default error handler would tell the
// shop's customer "unauthorized" or "not found". Real servers, real errors from real calls to the
// mock (an ApiError with httpStatus 404, a VerificationError of a 401 answer).
import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError, untyped, VerificationError, Wechatpay, type WechatpayClient } from '../../src/index.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';

let mock: MockServer;
let wxpay: WechatpayClient;

beforeAll(async () => {
  mock = await startMockServer();
  wxpay = new Wechatpay({ ...mock.clientConfig, retry: false });
  mock.route('GET', 'v3/shop/forbidden', () => ({ status: 401, json: { code: 'SIGN_ERROR', message: '签名错误' } }));
});
afterAll(() => mock.close());

// What the shop's route does: a call to WeChat Pay that fails, not caught.
const errors: Record<string, () => Promise<unknown>> = {
  'ApiError (404 ORDER_NOT_EXIST)': () => wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.get({ out_trade_no: 'NONE', query: { mchid: mock.merchant.mchid } }),
  'VerificationError (of a 401 answer)': () => {
    mock.fault({ kind: 'bad-signature' }, { template: 'v3/shop/forbidden', times: 1 });
    return untyped(wxpay).chain('v3/shop/forbidden').get();
  },
};

test('the errors under test carry WeChat Pay\'s status as httpStatus, and no status or statusCode', async () => {
  const api = await errors['ApiError (404 ORDER_NOT_EXIST)']!().catch((e: unknown) => e);
  expect(api).toBeInstanceOf(ApiError);
  expect(api).toMatchObject({ httpStatus: 404, code: 'ORDER_NOT_EXIST', expose: false });
  expect(api).not.toHaveProperty('status');
  expect(api).not.toHaveProperty('statusCode');
  expect(JSON.parse(JSON.stringify(api))).toMatchObject({ httpStatus: 404 });
  const forged = await errors['VerificationError (of a 401 answer)']!().catch((e: unknown) => e);
  expect(forged).toBeInstanceOf(VerificationError);
  expect(forged).toMatchObject({ httpStatus: 401, code: 'BAD_SIGNATURE', expose: false });
  expect(forged).not.toHaveProperty('status');
});

async function serve(server: Server): Promise<{ url: string; close(): Promise<void> }> {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/order`,
    close: () => new Promise<void>((done) => (server.closeAllConnections(), server.close(() => done()))),
  };
}

const frameworks: Record<string, (route: () => Promise<unknown>) => Promise<{ url: string; close(): Promise<void> }>> = {
  express: (route) => {
    const app = express();
    app.get('/order', async (_req, res) => void res.json(await route()));
    return serve(createServer(app));
  },
  koa: (route) => {
    const app = new Koa();
    app.silent = true;
    app.use(async (ctx) => {
      ctx.body = await route();
    });
    return serve(createServer(app.callback()));
  },
  fastify: async (route) => {
    const app = Fastify();
    app.get('/order', () => route());
    await app.listen({ port: 0, host: '127.0.0.1' });
    return { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/order`, close: () => app.close() };
  },
  nest: async (route) => {
    class OrderController {
      order() {
        return route();
      }
    }
    Get('order')(OrderController.prototype, 'order', Object.getOwnPropertyDescriptor(OrderController.prototype, 'order')!);
    Controller()(OrderController);
    class AppModule {}
    Module({ controllers: [OrderController] })(AppModule);
    const app = await NestFactory.create(AppModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    return { url: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/order`, close: () => app.close() };
  },
};

describe.each(Object.keys(frameworks))('%s default error handler', (framework) => {
  test.each(Object.keys(errors))('%s: answered 500, not WeChat Pay\'s status', async (kind) => {
    let thrown: unknown;
    const server = await frameworks[framework]!(() =>
      errors[kind]!().catch((error: unknown) => {
        thrown = error;
        throw error;
      }),
    );
    try {
      const answer = await fetch(server.url);
      expect(thrown).toBeInstanceOf(kind.startsWith('ApiError') ? ApiError : VerificationError);
      expect(answer.status).toBe(500);
    } finally {
      await server.close();
    }
  });
});
