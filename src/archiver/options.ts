import { parseArgs } from 'node:util';

export const archiveFormats = ['default', 'zip-store', 'tgz', 'no-archive'] as const;
export type ArchiveFormatOption = (typeof archiveFormats)[number];

/** What one archiver run is asked to do; paths are relative to `cwd`. */
export interface ArchiverOptions {
  readonly modelName: string;
  readonly version: string;
  /** The `.onnx` file. */
  readonly serializedFile: string;
  /** A built-in handler name, or a `.js`/`.mjs` file, optionally `file.js:function`. */
  readonly handler?: string | undefined;
  /** Files, directories (their contents) and globs to add at the archive root. */
  readonly extraFiles?: readonly string[] | undefined;
  readonly exportPath?: string | undefined;
  readonly archiveFormat?: ArchiveFormatOption | undefined;
  readonly configFile?: string | undefined;
  readonly requirementsFile?: string | undefined;
  /** Only `onnx` is accepted; present so TorchServe command lines keep working. */
  readonly runtime?: string | undefined;
  /** Accepted and ignored: an ONNX model needs no model definition file. */
  readonly modelFile?: string | undefined;
  readonly force?: boolean | undefined;
  readonly cwd?: string | undefined;
}

export type ParsedCommand =
  { readonly kind: 'help' } | { readonly kind: 'archive'; readonly options: ArchiverOptions };

export const usage = `Usage: onnx-model-archiver --model-name NAME -v VERSION --serialized-file MODEL.onnx [options]

Packs an ONNX model into a model archive that onnxserve can register.

Required:
  --model-name NAME           archive and model name, matching ^[A-Za-z0-9][A-Za-z0-9_\\-.]*$
  -v, --version VERSION       model version, e.g. 1.0
  --serialized-file PATH      the .onnx model; it must load in ONNX Runtime

Options:
  --handler NAME|FILE         a built-in handler (tensor, image_classifier, tabular) or a
                              .js/.mjs file, optionally FILE:function; chosen at load time if absent
  --extra-files LIST          comma-separated files, directories and globs; a directory's contents
                              go to the archive root, sub-directories kept; hidden files, .DS_Store,
                              .pyc and .mar files inside directories and glob matches are left out
  -c, --config-file PATH      model-config.yaml
  -r, --requirements-file PATH
                              copied into the archive; onnxserve installs nothing from it
  --export-path DIR           where the archive is written (default: the current directory)
  --archive-format FORMAT     default (.mar, deflated), zip-store (.mar, stored), tgz (.tar.gz),
                              no-archive (a directory)
  --runtime onnx              the only runtime onnxserve serves
  --model-file PATH           accepted for TorchServe compatibility and ignored
  -f, --force                 overwrite an existing archive
  -h, --help                  show this help
`;

const flags = {
  'model-name': { type: 'string' },
  version: { type: 'string', short: 'v' },
  'serialized-file': { type: 'string' },
  handler: { type: 'string' },
  'extra-files': { type: 'string' },
  'export-path': { type: 'string' },
  'archive-format': { type: 'string' },
  'config-file': { type: 'string', short: 'c' },
  'requirements-file': { type: 'string', short: 'r' },
  runtime: { type: 'string' },
  'model-file': { type: 'string' },
  force: { type: 'boolean', short: 'f' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Reads the command line; throws a TypeError or RangeError naming the flag at fault. */
export function parseCommandLine(argv: readonly string[], cwd?: string): ParsedCommand {
  const { values, positionals } = readFlags(argv);
  if (values.help === true) return { kind: 'help' };
  if (positionals.length > 0) throw new TypeError(`unexpected argument: ${positionals[0]}`);
  const options: ArchiverOptions = {
    modelName: required(values['model-name'], '--model-name'),
    version: required(values.version, '-v/--version'),
    serializedFile: required(values['serialized-file'], '--serialized-file'),
    handler: values.handler,
    extraFiles: values['extra-files']?.split(',').map((item) => item.trim()),
    exportPath: values['export-path'],
    archiveFormat: parseFormat(values['archive-format']),
    configFile: values['config-file'],
    requirementsFile: values['requirements-file'],
    runtime: values.runtime,
    modelFile: values['model-file'],
    force: values.force,
    cwd,
  };
  return { kind: 'archive', options };
}

function readFlags(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: flags, strict: true, allowPositionals: true });
  } catch (error: unknown) {
    throw new TypeError(flagProblem(error));
  }
}

/** Node's parser explains at length; one line naming the flag is enough here. */
function flagProblem(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  const flag = /'(-[^' ,]+)/.exec(message ?? '')?.[1] ?? '';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown flag: ${flag}`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return `flag ${flag} needs a value`;
  return (message ?? String(error)).split('\n')[0] ?? 'invalid command line';
}

function required(value: string | undefined, flag: string): string {
  if (value === undefined || value.trim() === '') throw new TypeError(`${flag} is required`);
  return value;
}

function parseFormat(value: string | undefined): ArchiveFormatOption | undefined {
  if (value === undefined) return undefined;
  const format = archiveFormats.find((choice) => choice === value);
  if (format === undefined) {
    throw new RangeError(
      `--archive-format ${JSON.stringify(value)}: expected one of ${archiveFormats.join(', ')}`,
    );
  }
  return format;
}
