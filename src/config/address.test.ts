import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressIdentity, isLoopback, parseAddress } from './address.js';

describe('listener addresses', () => {
  it('reads TorchServe address forms, with default ports', () => {
    assert.deepEqual(parseAddress('http://127.0.0.1:8080', 'a', 80, 443), {
      kind: 'tcp',
      tls: false,
      host: '127.0.0.1',
      port: 8080,
    });
    assert.deepEqual(parseAddress('https://0.0.0.0', 'a', 8081, 8444), {
      kind: 'tcp',
      tls: true,
      host: '0.0.0.0',
      port: 8444,
    });
    assert.deepEqual(parseAddress('http://[::1]:9000', 'a', 80, 443), {
      kind: 'tcp',
      tls: false,
      host: '::1',
      port: 9000,
    });
    assert.deepEqual(parseAddress('unix:/tmp/ts.sock', 'a', 80, 443), {
      kind: 'unix',
      path: '/tmp/ts.sock',
    });
  });

  it('refuses unparseable addresses, naming the key', () => {
    for (const bad of [
      '127.0.0.1:8080',
      'ftp://h:1',
      'http://h:99999',
      'http://h:port',
      'unix:relative',
      'http://[nope]:1',
    ]) {
      assert.throws(
        () => parseAddress(bad, 'inference_address', 80, 443),
        (error: unknown) => {
          assert.ok(error instanceof TypeError);
          assert.ok(
            error.message.startsWith(`inference_address=${JSON.stringify(bad)}`),
            error.message,
          );
          return true;
        },
      );
    }
  });

  it('gives equal identities to equal addresses and tells loopback apart', () => {
    const a = parseAddress('http://LOCALHOST:8080/', 'a', 80, 443);
    const b = parseAddress('http://localhost:8080', 'b', 80, 443);
    assert.equal(addressIdentity(a), addressIdentity(b));
    assert.ok(isLoopback(a));
    assert.ok(isLoopback(parseAddress('http://127.0.0.2:1', 'a', 80, 443)));
    assert.ok(!isLoopback(parseAddress('http://0.0.0.0:1', 'a', 80, 443)));
    assert.ok(!isLoopback(parseAddress('http://10.1.2.3:1', 'a', 80, 443)));
  });
});
