import assert from 'node:assert/strict';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { BodyError, HttpServer, type HttpHandler, type HttpLimits } from './index.js';

/** Echoes method, url and body; `/slow` answers after 50 ms; `/nobody` never reads the body. */
const echo: HttpHandler = (request, response) => {
  const answer = (text: string) => response.send(200, ['Content-Type', 'text/plain'], text);
  if (request.url === '/nobody') {
    answer('ignored');
    return;
  }
  request.readBody().then(
    (body) => {
      const text = `${request.method} ${request.url} ${body.toString()}`;
      if (request.url === '/slow') setTimeout(() => answer(text), 50);
      else answer(text);
    },
    (error: unknown) => {
      const kind = error instanceof BodyError ? error.kind : 'other';
      response.send(kind === 'too-large' ? 413 : 400, [], kind, true);
    },
  );
};

async function startServer(
  handler: HttpHandler,
  limits: Partial<HttpLimits> = {},
): Promise<{ server: HttpServer; port: number }> {
  const server = new HttpServer({
    handler,
    limits: { maxBodyBytes: 1000, ...limits },
    refusalBody: (status, reason) => JSON.stringify({ code: status, message: reason }),
  });
  await new Promise<void>((resolve) => server.socketServer.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.socketServer.address() as AddressInfo).port };
}

/** A raw client: sends bytes as given, collects everything until the server closes or `ms`. */
function exchange(port: number, wire: string | string[], ms = 1000): Promise<string> {
  return new Promise((resolve) => {
    const socket: Socket = connect(port, '127.0.0.1');
    let received = '';
    const timer = setTimeout(() => socket.destroy(), ms);
    socket.on('data', (data) => (received += data.toString('latin1')));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
    socket.on('error', () => undefined);
    const parts = Array.isArray(wire) ? wire : [wire];
    parts.forEach((part, index) => setTimeout(() => socket.write(part, 'latin1'), index * 20));
  });
}

interface Answer {
  readonly status: number;
  readonly head: string;
  readonly body: string;
}

/** Splits what a connection received into responses by their Content-Length. */
function answers(text: string): Answer[] {
  const found: Answer[] = [];
  let rest = text.replace(/^HTTP\/1\.1 100 Continue\r\n\r\n/, '');
  while (rest.startsWith('HTTP/1.1 ')) {
    const end = rest.indexOf('\r\n\r\n');
    const head = rest.slice(0, end);
    const length = Number(/^Content-Length: (\d+)$/m.exec(head)?.[1] ?? 0);
    found.push({
      status: Number(head.slice(9, 12)),
      head,
      body: rest.slice(end + 4, end + 4 + length),
    });
    rest = rest.slice(end + 4 + length);
  }
  return found;
}

function statuses(text: string): number[] {
  return answers(text).map((answer) => answer.status);
}

describe('HttpServer', () => {
  let server: HttpServer;
  let port: number;

  before(async () => ({ server, port } = await startServer(echo)));
  after(() => new Promise<void>((resolve) => server.close(resolve)));

  it('answers in order on one kept-alive connection, pipelined requests included', async () => {
    const wire =
      'POST /slow HTTP/1.1\r\nContent-Length: 3\r\n\r\none' +
      'POST /b HTTP/1.1\r\nContent-Length: 3\r\n\r\ntwo' +
      'GET /c HTTP/1.1\r\nConnection: close\r\n\r\n';
    const replies = answers(await exchange(port, wire));
    assert.deepEqual(
      replies.map((reply) => [reply.status, reply.body]),
      [
        [200, 'POST /slow one'],
        [200, 'POST /b two'],
        [200, 'GET /c '],
      ],
    );
    assert.match(replies[0]?.head ?? '', /Connection: keep-alive\r\nKeep-Alive: timeout=60$/);
    assert.match(replies[0]?.head ?? '', /Content-Length: 14\r\nDate: [A-Z][a-z]{2}, /);
    assert.match(replies[2]?.head ?? '', /Connection: close$/);
  });

  it('reads chunked bodies arriving in pieces', async () => {
    const text = await exchange(port, [
      'POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n4\r\nab',
      'cd\r\n3;ext=1\r\nefg\r\n',
      '0\r\n\r\n',
    ]);
    assert.deepEqual(statuses(text), [200]);
    assert.match(text, /POST \/c abcdefg$/);
  });

  it('sends 100 Continue only when the handler reads the body', async () => {
    const wire = 'POST /e HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n';
    const text = await exchange(port, [wire, 'hi']);
    assert.match(text, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK/);
    const refused = await exchange(port, 'POST /e HTTP/1.1\r\nExpect: magic\r\n\r\n');
    assert.deepEqual(statuses(refused), [417]);
  });

  it('answers HEAD with the length and no body', async () => {
    const text = await exchange(port, 'HEAD /h HTTP/1.1\r\nConnection: close\r\n\r\n');
    assert.match(text, /Content-Length: 8\r\n/);
    assert.ok(text.endsWith('\r\n\r\n'), text);
  });

  it('refuses smuggling-prone framing and malformed heads with a JSON error, then closes', async () => {
    const cases: [string, number][] = [
      ['POST / HTTP/1.1\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400],
      ['POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n', 501],
      ['GET / HTTP/1.1\r\nBad Name: x\r\n\r\n', 400],
      ['GET / HTTP/3.0\r\n\r\n', 505],
      ['GET / HTTP/1.1\nHost: a\n\n', 400],
      [`GET / HTTP/1.1\r\nX: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
    ];
    for (const [wire, status] of cases) {
      const text = await exchange(port, wire);
      assert.deepEqual(statuses(text), [status], wire.slice(0, 60));
      assert.match(text, /Connection: close\r\n\r\n\{"code":\d+,"message":"[^"]+"\}$/);
    }
  });

  it('refuses a malformed chunked body and a body over the limit, closing the connection', async () => {
    const bad = await exchange(port, 'POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n');
    assert.deepEqual(statuses(bad), [400]);
    const big = 'x'.repeat(1001);
    const chunked = `POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3e9\r\n${big}\r\n0\r\n\r\n`;
    for (const wire of [`POST / HTTP/1.1\r\nContent-Length: 1001\r\n\r\n${big}`, chunked]) {
      const text = await exchange(port, `${wire}GET /never HTTP/1.1\r\n\r\n`);
      assert.deepEqual(statuses(text), [413], 'the pipelined request is not answered');
      assert.match(text, /Connection: close/);
    }
  });

  it('refuses a declared length over the limit before any of the body arrives', async () => {
    const text = await exchange(port, 'POST / HTTP/1.1\r\nContent-Length: 1000000\r\n\r\n');
    assert.deepEqual(statuses(text), [413]);
  });

  it('closes after answering a request whose body had not all arrived', async () => {
    const wire = 'POST /nobody HTTP/1.1\r\nContent-Length: 50\r\n\r\nonly part of it';
    const text = await exchange(port, wire);
    assert.deepEqual(statuses(text), [200]);
    assert.match(text, /Connection: close/);
  });

  it('closes HTTP/1.0 connections unless asked to keep them', async () => {
    const text = await exchange(port, 'GET /a HTTP/1.0\r\n\r\n');
    assert.match(text, /Connection: close\r\n/);
    const kept = await exchange(port, 'GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n', 200);
    assert.match(kept, /Connection: keep-alive\r\n/);
  });
});

describe('HttpServer limits and aborts', () => {
  it('answers 408 to a head that takes too long, and drops idle connections', async () => {
    const { server, port } = await startServer(echo, {
      headersTimeoutMs: 200,
      keepAliveTimeoutMs: 200,
    });
    try {
      const slow = await exchange(port, 'GET / HTTP/1.1\r\nX: ', 3000);
      assert.deepEqual(statuses(slow), [408]);
      const idle = await exchange(port, 'GET /a HTTP/1.1\r\n\r\n', 3000);
      assert.deepEqual(statuses(idle), [200], 'closed by the server, not by the test timeout');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('tells the handler when the client goes away before the answer', async () => {
    let aborted: () => void = () => undefined;
    const heard = new Promise<void>((resolve) => (aborted = resolve));
    const { server, port } = await startServer((_request, response) => {
      response.onAbort(() => {
        assert.equal(response.aborted, true);
        aborted();
      });
    });
    try {
      const socket = connect(port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\n\r\n'));
      setTimeout(() => socket.destroy(), 50);
      await heard;
    } finally {
      server.close();
    }
  });
});
