// Keep-alive agents whose idle sockets close after FREE_SOCKET_TIMEOUT_MS: before WeChat Pay's
// own idle close can race a request onto a dying socket, and so a dropped client keeps no socket
// (idle sockets are unref'd, and their timer closes them).
//
// Not Agent's own `timeout` option: with it, every request also arms and clears a socket timeout
// of its own (ClientRequest reads the agent's option), which is per-call work. Here the idle
// timeout is set once per socket and stays; a socket that is busy when it fires is left alone
// (the agent destroys only free sockets on timeout), and calls have their own deadline.
//
// They also bound connecting: a request's `connectTimeout` (passed in its request options) is
// armed once per new connection here, so a call on a pooled socket pays nothing for it.
import { Agent as HttpAgent, type AgentOptions, type ClientRequestArgs } from 'node:http';
import { Agent as HttpsAgent, type AgentOptions as HttpsAgentOptions, type RequestOptions } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { CONNECT_TIMEOUT } from './codes.js';
import { FREE_SOCKET_TIMEOUT_MS } from './limits.js';

type Callback = (err: Error | null, stream: Duplex) => void;

/** Destroys `socket` with a CONNECT_TIMEOUT error unless it connects within `ms`. */
export function armConnectTimeout(socket: Duplex | null | undefined, ms: unknown): void {
  const connecting = socket as (Duplex & { connecting?: boolean }) | null | undefined;
  if (!connecting || typeof ms !== 'number' || !(ms > 0) || !connecting.connecting) return;
  const timer = setTimeout(() => {
    connecting.destroy(Object.assign(new Error(`connect timeout of ${ms}ms exceeded`), { code: CONNECT_TIMEOUT }));
  }, ms);
  const clear = () => clearTimeout(timer);
  connecting.once('connect', clear);
  connecting.once('close', clear);
}

const tuned = new WeakSet<Socket>();

function keepAlive(socket: Socket, keepAliveMsecs: number): boolean {
  // TCP keep-alive once per socket (Node's own agent sets it again on every release).
  if (!tuned.has(socket)) {
    tuned.add(socket);
    socket.setKeepAlive(true, keepAliveMsecs);
    if (socket.timeout !== FREE_SOCKET_TIMEOUT_MS) socket.setTimeout(FREE_SOCKET_TIMEOUT_MS);
  }
  socket.unref();
  return true;
}

export class KeepAliveHttpAgent extends HttpAgent {
  constructor(options: AgentOptions = {}) {
    super({ ...options, keepAlive: true });
  }
  override createConnection(options: ClientRequestArgs, callback?: Callback): Duplex | null | undefined {
    const socket = this.connect(options, callback);
    armConnectTimeout(socket, (options as { connectTimeout?: unknown }).connectTimeout);
    return socket;
  }
  /** Opens the connection (Node's own); a seam for tests. */
  protected connect(options: ClientRequestArgs, callback?: Callback): Duplex | null | undefined {
    return super.createConnection(options, callback);
  }
  override keepSocketAlive(socket: Socket): boolean {
    return keepAlive(socket, (this as unknown as { keepAliveMsecs: number }).keepAliveMsecs);
  }
}

export class KeepAliveHttpsAgent extends HttpsAgent {
  constructor(options: HttpsAgentOptions = {}) {
    super({ ...options, keepAlive: true });
  }
  override createConnection(options: RequestOptions, callback?: Callback): Duplex | null | undefined {
    const socket = super.createConnection(options, callback);
    armConnectTimeout(socket, (options as { connectTimeout?: unknown }).connectTimeout);
    return socket;
  }
  override keepSocketAlive(socket: Socket): boolean {
    return keepAlive(socket, (this as unknown as { keepAliveMsecs: number }).keepAliveMsecs);
  }
}

export function keepAliveAgents(): { http: HttpAgent; https: HttpsAgent } {
  return { http: new KeepAliveHttpAgent(), https: new KeepAliveHttpsAgent() };
}

/** Whether `agent` arms connect timeouts itself (else the adapter does, per request). */
export function armsConnectTimeout(agent: unknown): boolean {
  return agent instanceof KeepAliveHttpAgent || agent instanceof KeepAliveHttpsAgent;
}
