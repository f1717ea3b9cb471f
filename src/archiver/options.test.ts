import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCommandLine } from './options.js';

const required = ['--model-name', 'm', '-v', '1.0', '--serialized-file', 'm.onnx'];

describe('parseCommandLine', () => {
  it('reads torch-model-archiver flags', () => {
    const command = parseCommandLine(
      [
        ...required,
        '--handler=h.mjs:run',
        '--extra-files',
        'a.json, dir ,*.txt',
        '--export-path',
        'out',
        '--archive-format',
        'tgz',
        '-c',
        'cfg.yaml',
        '-r',
        'req.txt',
        '--runtime',
        'onnx',
        '--model-file',
        'model.py',
        '-f',
      ],
      '/work',
    );
    assert.deepEqual(command, {
      kind: 'archive',
      options: {
        modelName: 'm',
        version: '1.0',
        serializedFile: 'm.onnx',
        handler: 'h.mjs:run',
        extraFiles: ['a.json', 'dir', '*.txt'],
        exportPath: 'out',
        archiveFormat: 'tgz',
        configFile: 'cfg.yaml',
        requirementsFile: 'req.txt',
        runtime: 'onnx',
        modelFile: 'model.py',
        force: true,
        cwd: '/work',
      },
    });
  });

  it('answers help before checking anything else', () => {
    assert.deepEqual(parseCommandLine(['-h']), { kind: 'help' });
    assert.deepEqual(parseCommandLine(['--model-name', 'm', '--help']), { kind: 'help' });
  });

  it('names the flag at fault in one line', () => {
    const cases: [string[], RegExp][] = [
      [[...required, '--unknown'], /^unknown flag: --unknown$/],
      [[...required, '-x'], /^unknown flag: -x$/],
      [['--model-name'], /^flag --model-name needs a value$/],
      [['-v', '1.0', '--serialized-file', 'm.onnx'], /^--model-name is required$/],
      [['--model-name', 'm', '--serialized-file', 'm.onnx'], /^-v\/--version is required$/],
      [['--model-name', 'm', '-v', '1'], /^--serialized-file is required$/],
      [[...required, 'stray'], /^unexpected argument: stray$/],
      [[...required, '--archive-format', 'zip'], /^--archive-format "zip": expected one of/],
    ];
    for (const [argv, message] of cases) {
      assert.throws(() => parseCommandLine(argv), { message }, argv.join(' '));
    }
  });
});
