import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  makeWorkDir,
  runCli,
  separateListeners,
  startCli,
  writeConfig,
} from './support/server-process.js';

interface Case {
  readonly file?: string;
  readonly gate: boolean;
  readonly env?: string;
  readonly flag: boolean;
}

/** CLI > environment (only behind the file's gate) > file > default (auth on). */
function expectedDisabled({ file, gate, env, flag }: Case): boolean {
  if (flag) return true;
  if (gate && env !== undefined) return env === 'true';
  if (file !== undefined) return file === 'true';
  return false;
}

function allCases(): Case[] {
  const cases: Case[] = [];
  for (const file of [undefined, 'true', 'false'])
    for (const gate of [false, true])
      for (const env of [undefined, 'true', 'false'])
        for (const flag of [false, true]) cases.push({ file, gate, env, flag });
  return cases;
}

describe('disable_token_authorization: every combination of CLI, environment and file', () => {
  for (const testCase of allCases()) {
    const name = `file=${testCase.file ?? '-'} gate=${testCase.gate} env=${testCase.env ?? '-'} flag=${testCase.flag}`;
    it(`${name} → ${expectedDisabled(testCase) ? 'disabled' : 'enabled'}`, async () => {
      const config: Record<string, string> = { enable_envvars_config: String(testCase.gate) };
      if (testCase.file !== undefined) config.disable_token_authorization = testCase.file;
      const env: Record<string, string> = {};
      if (testCase.env !== undefined) env.TS_DISABLE_TOKEN_AUTHORIZATION = testCase.env;
      const args = testCase.flag ? ['--dt'] : [];

      const server = await startCli({ config, env, args });
      try {
        const disabled = expectedDisabled(testCase);
        assert.equal(existsSync(join(server.dir, 'key_file.json')), !disabled);
        assert.equal((await server.call('management', '/models')).status, disabled ? 200 : 401);
      } finally {
        await server.stop();
      }
    });
  }

  it("the seed's example 1: file enables, --disable-token-auth disables", async () => {
    const server = await startCli({
      config: { disable_token_authorization: 'false' },
      args: ['--disable-token-auth'],
    });
    try {
      assert.equal((await server.call('management', '/models')).status, 200);
    } finally {
      await server.stop();
    }
  });

  it("the seed's example 2: file disables, no flag", async () => {
    const server = await startCli({ config: { disable_token_authorization: 'true' } });
    try {
      assert.equal((await server.call('management', '/models')).status, 200);
    } finally {
      await server.stop();
    }
  });

  it('reads TRUE and False in any case', async () => {
    const server = await startCli({ config: { disable_token_authorization: 'TRUE' } });
    try {
      assert.equal((await server.call('management', '/models')).status, 200);
    } finally {
      await server.stop();
    }
  });
});

describe('enable_model_api: the gate on register and unregister', () => {
  const cases: [string, Record<string, string>, Record<string, string>, string[], boolean][] = [
    ['default', {}, {}, [], false],
    ['file true', { enable_model_api: 'true' }, {}, [], true],
    ['flag', {}, {}, ['--enable-model-api'], true],
    ['env without gate', {}, { TS_ENABLE_MODEL_API: 'true' }, [], false],
    ['env with gate', { enable_envvars_config: 'true' }, { TS_ENABLE_MODEL_API: 'true' }, [], true],
    [
      'flag beats env false',
      { enable_envvars_config: 'true' },
      { TS_ENABLE_MODEL_API: 'false' },
      ['--enable-model-api'],
      true,
    ],
    [
      'env false beats file true',
      { enable_envvars_config: 'true', enable_model_api: 'true' },
      { TS_ENABLE_MODEL_API: 'false' },
      [],
      false,
    ],
  ];
  for (const [name, config, env, args, enabled] of cases) {
    it(`${name} → ${enabled ? 'open' : '405'}`, async () => {
      const server = await startCli({ config, env, args });
      try {
        const key = server.keys().management.key;
        const register = await server.call('management', '/models', { method: 'POST', key });
        const unregister = await server.call('management', '/models/m', { method: 'DELETE', key });
        if (enabled) {
          assert.equal(register.status, 400, 'reaches the handler: url is required');
          assert.equal(register.json().message, 'Parameter url is required.');
          assert.equal(unregister.status, 404);
        } else {
          for (const reply of [register, unregister]) {
            assert.equal(reply.status, 405);
            assert.deepEqual(reply.json(), {
              code: 405,
              type: 'MethodNotAllowedException',
              message: 'Requested method is not allowed, please refer to API document.',
            });
          }
        }
        const list = await server.call('management', '/models', { key });
        assert.equal(list.status, 200, 'everything else works either way');
        const noKey = await server.call('management', '/models', { method: 'POST' });
        assert.equal(noKey.status, 401, 'a request without a key is refused before the gate');
      } finally {
        await server.stop();
      }
    });
  }
});

describe('invalid auth settings stop startup with one line', () => {
  const bad: [string, string][] = [
    ['token_expiration_min', 'abc'],
    ['token_expiration_min', '0'],
    ['token_expiration_min', '-5'],
    ['token_expiration_min', 'Infinity'],
    ['token_expiration_min', 'NaN'],
    ['token_expiration_min', '600000'],
    ['disable_token_authorization', 'maybe'],
    ['enable_model_api', 'yes'],
    ['token_authorization_failure_limit', '0'],
  ];
  for (const [key, value] of bad) {
    it(`${key}=${value}`, async () => {
      const dir = makeWorkDir();
      writeConfig(dir, { ...separateListeners, [key]: value });
      const result = await runCli(['--start', '--foreground', '--model-store', 'store'], {
        cwd: dir,
      });
      assert.equal(result.code, 1);
      const lines = result.stderr.trim().split('\n');
      assert.equal(lines.length, 1, result.stderr);
      assert.ok(lines[0]?.includes(key) && lines[0].includes(value), lines[0]);
      assert.equal(existsSync(join(dir, 'key_file.json')), false);
    });
  }

  it('accepts a fractional token_expiration_min from TS_TOKEN_EXPIRATION_TIME_MIN behind the gate', async () => {
    const server = await startCli({
      config: { enable_envvars_config: 'true' },
      env: { TS_TOKEN_EXPIRATION_TIME_MIN: '0.5' },
    });
    try {
      const expires = Date.parse(server.keys().management['expiration time']);
      assert.ok(Math.abs(expires - Date.now() - 30_000) < 5_000);
    } finally {
      await server.stop();
    }
  });
});
