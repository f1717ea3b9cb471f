import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bodyFraming, isRefusal, parseHead, type RequestHead } from './head.js';

function parsed(text: string): RequestHead {
  const head = parseHead(text);
  if (isRefusal(head)) assert.fail(`refused: ${head.reason}`);
  return head;
}

function refusedWith(text: string): number {
  const head = parseHead(text);
  return isRefusal(head) ? head.status : 0;
}

describe('parseHead', () => {
  it('reads the request line and fields, joining repeats and keeping the raw list', () => {
    const head = parsed(
      'POST /predictions/m?x=1 HTTP/1.1\r\nHost: a\r\nAccept:  text/plain \t\r\naccept: x\r\nX-Empty:',
    );
    assert.equal(head.method, 'POST');
    assert.equal(head.url, '/predictions/m?x=1');
    assert.equal(head.httpVersion, '1.1');
    assert.deepEqual(head.headers, { host: 'a', accept: 'text/plain, x', 'x-empty': '' });
    assert.deepEqual(head.rawHeaders, [
      'Host',
      'a',
      'Accept',
      'text/plain',
      'accept',
      'x',
      'X-Empty',
      '',
    ]);
  });

  it('takes HTTP/1.0 and the asterisk form', () => {
    assert.equal(parsed('OPTIONS * HTTP/1.0').httpVersion, '1.0');
  });

  it('refuses what parsers disagree on (request smuggling) with a 400', () => {
    const refused = [
      'GET / HTTP/1.1\r\nHost : a',
      'GET / HTTP/1.1\r\nX: a\r\n folded',
      'GET / HTTP/1.1\r\nX: a\nY: b',
      'GET / HTTP/1.1\r\nX: a\rY: b',
      'GET / HTTP/1.1\r\nX: a\u0000b',
      'GET / HTTP/1.1\r\n: empty name',
      'GET / HTTP/1.1\r\nno colon',
      'GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1',
      'GET / HTTP/1.1\r\nAuthorization: a\r\nauthorization: b',
      'GET / HTTP/1.1\r\nHost: a\r\nHost: b',
      'GET  / HTTP/1.1',
      'GET / HTTP/1.1 extra',
      'GET http://elsewhere/ HTTP/1.1',
      'GET /a b HTTP/1.1',
      'G(T / HTTP/1.1',
      'GET / HTTP/1.1\n',
      'GET / HTTX/1.1',
    ];
    for (const text of refused) assert.equal(refusedWith(text), 400, JSON.stringify(text));
  });

  it('answers other HTTP versions with 505', () => {
    assert.equal(refusedWith('GET / HTTP/2.0'), 505);
    assert.equal(refusedWith('GET / HTTP/0.9'), 505);
  });
});

describe('bodyFraming', () => {
  const framing = (text: string) => bodyFraming(parsed(text));

  it('reads Content-Length and chunked', () => {
    assert.deepEqual(framing('POST / HTTP/1.1\r\nContent-Length: 12'), {
      kind: 'length',
      length: 12,
    });
    assert.deepEqual(framing('POST / HTTP/1.1\r\nContent-Length: 0'), { kind: 'none' });
    assert.deepEqual(framing('POST / HTTP/1.1\r\nTransfer-Encoding: Chunked'), { kind: 'chunked' });
    assert.deepEqual(framing('GET / HTTP/1.1'), { kind: 'none' });
  });

  it('refuses both framings at once, odd lengths and other codings', () => {
    const status = (text: string) => {
      const result = framing(text);
      return isRefusal(result) ? result.status : 0;
    };
    assert.equal(status('POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked'), 400);
    assert.equal(status('POST / HTTP/1.1\r\nContent-Length: -1'), 400);
    assert.equal(status('POST / HTTP/1.1\r\nContent-Length: 1,1'), 400);
    assert.equal(status('POST / HTTP/1.1\r\nContent-Length: 0x10'), 400);
    assert.equal(status('POST / HTTP/1.1\r\nContent-Length: 9999999999999999'), 400);
    assert.equal(status('POST / HTTP/1.0\r\nTransfer-Encoding: chunked'), 400);
    assert.equal(status('POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked'), 501);
    assert.equal(status('POST / HTTP/1.1\r\nTransfer-Encoding: chunked, chunked'), 501);
  });
});
