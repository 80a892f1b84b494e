// Keep-alive agents whose idle sockets close after FREE_SOCKET_TIMEOUT_MS: before WeChat Pay's
// own idle close can race a request onto a dying socket, and so a dropped client keeps no socket
// (idle sockets are unref'd, and their timer closes them).
//
// Not Agent's own `timeout` option: with it, every request also arms and clears a socket timeout
// of its own (ClientRequest reads the agent's option), which is per-call work. Here the idle
// timeout is set once per socket and stays; a socket that is busy when it fires is left alone
// (the agent destroys only free sockets on timeout), and calls have their own deadline.
//
// One pair serves every client of the process (sharedAgents): the merchant is in each request's
// Authorization header, not in the connection, and Node pools sockets per origin and TLS
// settings, so calls to one origin share the sockets they need at once instead of each client
// keeping its own. An agent carrying a merchant's client certificate (APIv2 mutual TLS) is that
// client's own, and an agent the merchant passes in is used as given.
//
// A pooled socket the server has just closed is not handed to a request that cannot be sent
// twice: see `addRequest` below.
//
// They also bound connecting: a request's `connectTimeout` (passed in its request options) is
// armed once per new connection here, so a call on a pooled socket pays nothing for it.
import { Agent as HttpAgent, type AgentOptions, type ClientRequest, type ClientRequestArgs } from 'node:http';
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

type AddRequest = (this: HttpAgent, req: ClientRequest, options: ClientRequestArgs) => void;
const nodeAddRequest = (HttpAgent.prototype as unknown as { addRequest: AddRequest }).addRequest;

// Methods that are idempotent whatever they carry, so a failure on a reused socket is left to
// the retry policy (sender.ts); a request with any other method waits for the pool to be
// checked first.
const RESENDABLE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Hands `req` a pooled socket only once a close the server already sent has been read. A peer's
 * FIN sits unread in the kernel until the event loop next polls; a request queued in the same
 * turn (the server closed its idle connections, and the next call follows without I/O between)
 * would be written onto the dead socket and fail with ECONNRESET, and a write that is not
 * provably idempotent cannot be resent, though the server never saw it. So a request of such a
 * method that would reuse a socket waits until the loop has polled once (two check phases), and
 * sockets whose peer has ended are dropped before the pick. GETs go at once: a GET that meets
 * a dead socket is retried by the sender's policy (it is idempotent).
 */
function addPooledRequest(agent: HttpAgent, req: ClientRequest, options: ClientRequestArgs): void {
  // The pool's key as Node's addRequest computes it: the agent's own (TLS) options win.
  const name = agent.getName({ ...options, ...(agent as unknown as { options?: ClientRequestArgs }).options });
  const freeSockets = agent.freeSockets as Record<string, Socket[] | undefined>;
  const free = freeSockets[name];
  if (!free || free.length === 0) return nodeAddRequest.call(agent, req, options);
  if (RESENDABLE.has(req.method)) {
    dropEnded(freeSockets, name);
    return nodeAddRequest.call(agent, req, options);
  }
  // Two turns: the first check phase may follow the very poll during which the server closed.
  // (setImmediate passes the arguments on: no closures are made for the wait.)
  setImmediate(addAfterPoll, agent, req, options, name);
}

function addAfterPoll(agent: HttpAgent, req: ClientRequest, options: ClientRequestArgs, name: string): void {
  setImmediate(addNow, agent, req, options, name);
}

function addNow(agent: HttpAgent, req: ClientRequest, options: ClientRequestArgs, name: string): void {
  dropEnded(agent.freeSockets as Record<string, Socket[] | undefined>, name);
  nodeAddRequest.call(agent, req, options);
}

/**
 * Takes the free sockets whose peer has closed out of the pool and destroys them. Node's own
 * pick skips only destroyed sockets at the head of the list, and its agent forgets a socket
 * only once its 'close' has been emitted, a turn later.
 */
function dropEnded(freeSockets: Record<string, Socket[] | undefined>, name: string): void {
  const free = freeSockets[name];
  if (!free) return;
  let kept = 0;
  for (const socket of free) {
    if (socket.readableEnded || !socket.writable) socket.destroy();
    else free[kept++] = socket;
  }
  free.length = kept;
  if (kept === 0) delete freeSockets[name];
}

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
  // Node's own hook (untyped in @types/node), called by every ClientRequest given this agent.
  addRequest(req: ClientRequest, options: ClientRequestArgs): void {
    addPooledRequest(this, req, options);
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
  // Node's own hook (untyped in @types/node), called by every ClientRequest given this agent.
  addRequest(req: ClientRequest, options: ClientRequestArgs): void {
    addPooledRequest(this, req, options);
  }
  override keepSocketAlive(socket: Socket): boolean {
    return keepAlive(socket, (this as unknown as { keepAliveMsecs: number }).keepAliveMsecs);
  }
}

export interface Agents {
  http: HttpAgent;
  https: HttpsAgent;
}

/** A pair of keep-alive agents of one's own (a test, or settings no one else shares). */
export function keepAliveAgents(): Agents {
  return { http: new KeepAliveHttpAgent(), https: new KeepAliveHttpsAgent() };
}

let shared: Agents | undefined;

/**
 * The process-wide pair every client uses unless it was given its own agents. Never closed by
 * a client: idle sockets end after FREE_SOCKET_TIMEOUT_MS and never hold the process open.
 */
export function sharedAgents(): Agents {
  return (shared ??= keepAliveAgents());
}

/** Whether `agent` arms connect timeouts itself (else the adapter does, per request). */
export function armsConnectTimeout(agent: unknown): boolean {
  return agent instanceof KeepAliveHttpAgent || agent instanceof KeepAliveHttpsAgent;
}
