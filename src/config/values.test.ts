import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  integerIn,
  oneOf,
  parseBoolean,
  parseHost,
  parsePatternList,
  positiveNumberUpTo,
} from './values.js';

describe('setting value parsers', () => {
  it('reads booleans in any case and refuses anything else with a TypeError naming key and value', () => {
    assert.equal(parseBoolean('TRUE', 'k'), true);
    assert.equal(parseBoolean(' false ', 'k'), false);
    for (const bad of ['yes', '1', '', 'maybe']) {
      assert.throws(
        () => parseBoolean(bad, 'flag'),
        (error: unknown) => {
          assert.ok(error instanceof TypeError);
          assert.equal(error.message, `flag=${JSON.stringify(bad)}: expected true or false`);
          return true;
        },
      );
    }
  });

  it('reads whole numbers within range', () => {
    const parse = integerIn(1, 10);
    assert.equal(parse('7', 'n'), 7);
    assert.throws(() => parse('7.5', 'n'), TypeError);
    assert.throws(() => parse('abc', 'n'), TypeError);
    assert.throws(() => parse('0', 'n'), RangeError);
    assert.throws(() => parse('11', 'n'), RangeError);
  });

  it('reads positive finite numbers with fractions, up to a bound', () => {
    const parse = positiveNumberUpTo(525_600);
    assert.equal(parse('0.25', 'm'), 0.25);
    assert.equal(parse('60', 'm'), 60);
    assert.equal(parse('1e1', 'm'), 10);
    for (const bad of ['abc', 'NaN', 'Infinity', '-1', '30d', ''])
      assert.throws(() => parse(bad, 'm'), TypeError);
    for (const bad of ['0', '0.0', '600000']) assert.throws(() => parse(bad, 'm'), RangeError);
  });

  it('reads one of a set of words', () => {
    const parse = oneOf(['log', 'prometheus']);
    assert.equal(parse('Prometheus', 'mode'), 'prometheus');
    assert.throws(() => parse('statsd', 'mode'), /mode="statsd": expected one of log, prometheus/);
  });

  it('compiles URL patterns anchored and case-insensitive, refusing invalid ones', () => {
    const [pattern] = parsePatternList('https://models\\.example/.*', 'allowed_urls');
    assert.ok(pattern?.test('HTTPS://models.example/a.mar'));
    assert.ok(!pattern?.test('https://evil.example/?https://models.example/'));
    assert.throws(
      () => parsePatternList('([', 'allowed_urls'),
      /allowed_urls=.*not a valid regular expression/,
    );
  });

  it('reads host names and IP addresses, IPv6 with or without brackets', () => {
    assert.equal(parseHost(' 127.0.0.1 ', 'host'), '127.0.0.1');
    assert.equal(parseHost('[::1]', 'host'), '::1');
    assert.equal(parseHost('models.internal', 'host'), 'models.internal');
    for (const raw of ['', 'http://x', 'a b', '1:2:3']) {
      assert.throws(() => parseHost(raw, 'host'), TypeError, raw);
    }
  });
});
