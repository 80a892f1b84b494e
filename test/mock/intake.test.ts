// The mock survives what a hostile client sends before any check runs: a request target that is
// not a URL (#15 M5), a body larger than it will read, and an endless stream of requests (L7).
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Wechatpay, untyped } from '../../src/index.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';

/** Send raw bytes and collect whatever comes back until the server closes or `ms` pass. */
function raw(url: string, bytes: string, ms = 2000): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(bytes));
    let text = '';
    const timer = setTimeout(() => socket.destroy(), ms);
    socket.on('data', (chunk) => {
      text += chunk.toString();
      if (/\r\n\r\n/.test(text)) {
        clearTimeout(timer);
        socket.destroy();
      }
    });
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
  });
}

const pause = { stock_id: 'S1', json: { stock_creator_mchid: '8956000' } };

describe('embedded mock', () => {
  let mock: MockServer;
  beforeAll(async () => {
    mock = await startMockServer({ maxBodyBytes: 1024, maxRecordedRequests: 5 });
  });
  afterAll(() => mock.close());

  test.each(['GET //[ HTTP/1.1', 'GET //[::1 HTTP/1.1', 'POST //%zz/v3/x HTTP/1.1'])('%s is answered (4XX) and the mock keeps serving', async (line) => {
    const answer = await raw(mock.url, `${line}\r\nHost: x\r\nContent-Length: 0\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 4\d\d /);
    const response = await untyped(new Wechatpay(mock.clientConfig)).v3.marketing.favor.stocks._stock_id_.pause.post(pause);
    expect(response.verified).toBe(true);
  });

  test('a request line Node cannot parse gets a bare 400', async () => {
    expect(await raw(mock.url, 'GET /a b c\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
  });

  test('a body over maxBodyBytes is refused with 413 before it is read whole, announced or chunked', async () => {
    const announced = await raw(mock.url, `POST /v3/x HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n\r\n${'a'.repeat(10)}`);
    expect(announced).toMatch(/^HTTP\/1\.1 413/);
    const chunk = 'a'.repeat(800);
    const chunked = await raw(mock.url, `POST /v3/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${chunk.length.toString(16)}\r\n${chunk}\r\n${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    expect(chunked).toMatch(/^HTTP\/1\.1 413/);
    expect(mock.requests.at(-1)).toMatchObject({ status: 413, body: '' });
  });

  test('requests are kept in a ring of maxRecordedRequests, newest last', async () => {
    const wxpay = untyped(new Wechatpay(mock.clientConfig));
    for (let i = 0; i < 8; i += 1) await wxpay.v3.marketing.favor.stocks._stock_id_.pause.post({ ...pause, stock_id: `R${i}` });
    expect(mock.requests).toHaveLength(5);
    expect(mock.requests.map((r) => r.params.stock_id)).toEqual(['R3', 'R4', 'R5', 'R6', 'R7']);
  });

  test('bounds must be positive integers', async () => {
    await expect(startMockServer({ maxBodyBytes: 0, model: false })).rejects.toThrow(/maxBodyBytes/);
    await expect(startMockServer({ maxRecordedRequests: 1.5, model: false })).rejects.toThrow(/maxRecordedRequests/);
  });
});

describe('`wxpay-chain mock` in its own process', () => {
  let child: ChildProcess;
  let url: string;
  beforeAll(async () => {
    const script = `require(${JSON.stringify(join(__dirname, '../../src/cli/mock.ts'))}).run(['--port', '0']).then((c) => process.exit(c))`;
    child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const found = /listening at (\S+)/.exec(out);
        if (found) resolve(found[1]!);
      });
      child.once('exit', (code) => reject(new Error(`mock exited with ${code}: ${out}`)));
    });
  }, 30_000);
  afterAll(() => {
    child.kill('SIGTERM');
  });

  test('GET //[ HTTP/1.1 does not kill it', async () => {
    expect(await raw(url, 'GET //[ HTTP/1.1\r\nHost: x\r\n\r\n')).toMatch(/^HTTP\/1\.1 4\d\d /);
    expect(child.exitCode).toBeNull();
    // Still serving: an unsigned request is refused as WeChat Pay does.
    expect(await raw(url, 'GET /v3/certificates HTTP/1.1\r\nHost: x\r\n\r\n')).toMatch(/^HTTP\/1\.1 401/);
  });
});
