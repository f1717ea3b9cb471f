import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ServeError } from '../errors/index.js';
import { createAccessLog, silentLogger } from '../logging/index.js';
import { createDispatcher } from './dispatcher.js';
import type { Guard } from './guard.js';
import { PendingReplies } from './pending-replies.js';
import { createReplyWriter } from './responses.js';
import type { KeyScope, Route } from './route.js';

/** A guard that admits `Bearer <scope>` for that scope. */
const scopeGuard: Guard = {
  check(req: IncomingMessage, scopes: readonly KeyScope[]): void {
    const presented = req.headers.authorization?.replace(/^Bearer /, '');
    if (!scopes.some((scope) => scope === presented)) throw new ServeError('InvalidKeyException');
  },
};

describe('dispatcher', () => {
  let server: Server;
  let base: string;
  let draining = false;
  let seenHeaders: IncomingMessage['headers'] = {};
  let seenRaw: string[] = [];

  const routes: Route[] = [
    {
      apis: ['inference'],
      path: '/echo',
      methods: ['POST'],
      access: 'inference',
      summary: 'echo',
      handle: async (context) => {
        seenHeaders = { ...context.req.headers };
        seenRaw = [...context.req.rawHeaders];
        return { body: await context.readBody(), contentType: 'application/octet-stream' };
      },
    },
    {
      apis: ['management'],
      path: '/register',
      methods: ['POST'],
      access: 'management',
      modelApi: true,
      summary: 'r',
      handle: () => ({ json: {} }),
    },
    {
      apis: ['management'],
      path: '/boom',
      methods: ['GET'],
      access: 'open',
      summary: 'b',
      handle: () => Promise.reject(new Error('secret internals')),
    },
  ];

  before(async () => {
    server = createServer(
      createDispatcher({
        apis: new Set(['inference', 'management']),
        routes,
        guard: scopeGuard,
        writer: createReplyWriter([]),
        replies: new PendingReplies(),
        maxRequestSize: 64,
        modelApiEnabled: false,
        healthOpen: true,
        isDraining: () => draining,
        serverLog: silentLogger(),
        accessLog: createAccessLog({ kind: 'off' }, 'info'),
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const post = (path: string, body: string, key?: string) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      body,
      headers: key === undefined ? {} : { authorization: `Bearer ${key}` },
    });

  it('hands the handler the body but never the Authorization header', async () => {
    const reply = await post('/echo', 'hello', 'inference');
    assert.equal(reply.status, 200);
    assert.equal(await reply.text(), 'hello');
    assert.equal(seenHeaders.authorization, undefined);
    assert.ok(
      !seenRaw.some((value) => value.toLowerCase() === 'authorization' || value.includes('Bearer')),
    );
  });

  it('checks the key before anything else about the route', async () => {
    assert.equal((await post('/echo', 'x', 'management')).status, 401);
    assert.equal((await post('/nowhere', 'x')).status, 401, 'unknown paths need a key too');
    assert.equal((await post('/nowhere', 'x', 'management')).status, 404);
    assert.equal((await post('/register', 'x')).status, 401, 'the key comes before the gate');
    assert.equal((await post('/register', 'x', 'management')).status, 405, 'then the gate');
  });

  it('refuses bodies over the limit while reading them (chunked, no length)', async () => {
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('x'.repeat(100)));
        controller.close();
      },
    });
    const reply = await fetch(`${base}/echo`, {
      method: 'POST',
      body: stream,
      duplex: 'half',
      headers: { authorization: 'Bearer inference' },
    });
    assert.equal(reply.status, 413);
  });

  it('turns unexpected errors into a 500 envelope without internals', async () => {
    const reply = await fetch(`${base}/boom`);
    assert.equal(reply.status, 500);
    const body = (await reply.json()) as { message: string; type: string };
    assert.equal(body.type, 'InternalServerException');
    assert.ok(!body.message.includes('secret'));
  });

  it('answers 503 while draining', async () => {
    draining = true;
    try {
      const reply = await post('/echo', 'x', 'inference');
      assert.equal(reply.status, 503);
      assert.equal(((await reply.json()) as { type: string }).type, 'ServiceUnavailableException');
    } finally {
      draining = false;
    }
  });
});
