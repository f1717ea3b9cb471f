import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ServeError, type ErrorType } from '../errors/index.js';
import { formatCreatedOn, formatManifest, parseManifest } from './manifest.js';

function refusal(type: ErrorType, message: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof ServeError);
    assert.equal(error.type, type);
    assert.match(error.message, message);
    return true;
  };
}

const minimal = (model: Record<string, unknown>, top: Record<string, unknown> = {}): string =>
  JSON.stringify({ ...top, model: { modelName: 'm', serializedFile: 'm.onnx', ...model } });

describe('parseManifest', () => {
  it('reads TorchServe fields and keeps the optional ones given', () => {
    const text = JSON.stringify({
      createdOn: '01/02/2025 03:04:05',
      runtime: 'onnx',
      model: {
        modelName: 'resnet-18',
        serializedFile: 'resnet.onnx',
        handler: 'image_classifier',
        modelVersion: '2.1',
        requirementsFile: 'requirements.txt',
        configFile: 'model-config.yaml',
        envelope: 'kserve',
        extensions: '',
      },
      archiverVersion: '0.12.0',
      description: 'a classifier',
      unknownKey: true,
    });
    assert.deepEqual(parseManifest(text), {
      createdOn: '01/02/2025 03:04:05',
      runtime: 'onnx',
      archiverVersion: '0.12.0',
      description: 'a classifier',
      model: {
        modelName: 'resnet-18',
        serializedFile: 'resnet.onnx',
        handler: 'image_classifier',
        modelVersion: '2.1',
        requirementsFile: 'requirements.txt',
        configFile: 'model-config.yaml',
        envelope: 'kserve',
        extensions: '',
      },
    });
  });

  it('defaults runtime to onnx and modelVersion to 1.0', () => {
    const manifest = parseManifest(minimal({}));
    assert.equal(manifest.runtime, 'onnx');
    assert.equal(manifest.model.modelVersion, '1.0');
  });

  it('refuses any runtime but onnx with the TorchServe message', () => {
    for (const runtime of ['python', 'LSP', 'ONNX']) {
      assert.throws(
        () => parseManifest(minimal({}, { runtime })),
        refusal('BadRequestException', new RegExp(`^Invalid RuntimeType value: ${runtime}$`)),
      );
    }
  });

  it('takes the fallback name only when modelName is absent', () => {
    const text = '{"model": {"serializedFile": "m.onnx"}}';
    assert.equal(parseManifest(text, 'from-file').model.modelName, 'from-file');
    const noName = refusal('InvalidModelException', /no model.modelName/);
    assert.throws(() => parseManifest(text), noName);
    assert.throws(() => parseManifest(text, 'bad name'), noName);
  });

  it('checks the name against the TorchServe pattern', () => {
    for (const modelName of ['a', 'A1', 'm_1-2.3']) {
      assert.equal(parseManifest(minimal({ modelName })).model.modelName, modelName);
    }
    for (const modelName of ['', '-a', '.a', 'a b', 'a/b', 'é', 5]) {
      assert.throws(
        () => parseManifest(minimal({ modelName })),
        refusal('InvalidModelException', /does not match/),
      );
    }
  });

  it('refuses malformed manifests with the field named', () => {
    const cases: [string, RegExp][] = [
      ['not json', /not valid JSON/],
      ['[]', /must be a JSON object/],
      ['{"model": 3}', /"model" must be a JSON object/],
      ['{"model": {"modelName": "m"}}', /no model.serializedFile/],
      [minimal({ serializedFile: 'm.bin' }), /not an .onnx file/],
      [minimal({ handler: 5 }), /model.handler must be a string/],
      [minimal({ modelVersion: 1 }), /modelVersion/],
      [minimal({}, { description: [] }), /description must be a string/],
    ];
    for (const [text, message] of cases) {
      assert.throws(() => parseManifest(text), refusal('InvalidModelException', message), text);
    }
  });
});

describe('formatManifest', () => {
  it('writes TorchServe key order, indented by 2, omitting absent fields', () => {
    const text = formatManifest({
      modelName: 'adder',
      serializedFile: 'add.onnx',
      modelVersion: '1.0',
      configFile: 'model-config.yaml',
      archiverVersion: '0.1.0',
      createdOn: new Date(2025, 2, 7, 9, 5, 3),
    });
    const expected = [
      '{',
      '  "createdOn": "07/03/2025 09:05:03",',
      '  "runtime": "onnx",',
      '  "model": {',
      '    "modelName": "adder",',
      '    "serializedFile": "add.onnx",',
      '    "modelVersion": "1.0",',
      '    "configFile": "model-config.yaml"',
      '  },',
      '  "archiverVersion": "0.1.0"',
      '}',
      '',
    ];
    assert.equal(text, expected.join('\n'));
  });

  it('round-trips through parseManifest', () => {
    const fields = {
      modelName: 'm',
      serializedFile: 'm.onnx',
      modelVersion: '3',
      handler: 'h.mjs:run',
      requirementsFile: 'requirements.txt',
      archiverVersion: '0.1.0',
    };
    assert.deepEqual(parseManifest(formatManifest(fields)).model, {
      modelName: 'm',
      serializedFile: 'm.onnx',
      modelVersion: '3',
      handler: 'h.mjs:run',
      requirementsFile: 'requirements.txt',
    });
  });

  it('formats createdOn day first', () => {
    assert.equal(formatCreatedOn(new Date(2024, 11, 31, 23, 59, 58)), '31/12/2024 23:59:58');
  });
});
