import type { CliConfig } from '../config/index.js';

export type CliAction = 'start' | 'stop' | 'version' | 'help';

export interface CliRequest {
  readonly action: CliAction;
  readonly foreground: boolean;
  readonly config: CliConfig;
}

/** A command line that cannot be run; the CLI prints the message and exits 1. */
export class UsageError extends Error {}

type Flag =
  | { readonly kind: 'action'; readonly action: CliAction }
  | { readonly kind: 'switch'; readonly apply: (request: MutableRequest) => void }
  | { readonly kind: 'value'; readonly apply: (request: MutableRequest, value: string) => void }
  | {
      readonly kind: 'values';
      readonly apply: (request: MutableRequest, values: string[]) => void;
    };

interface MutableRequest {
  actions: CliAction[];
  foreground: boolean;
  config: { -readonly [K in keyof CliConfig]: CliConfig[K] };
}

const ignoredValue: Flag = { kind: 'value', apply: () => undefined };

/** TorchServe's launcher flags, with their aliases. */
const flags: Readonly<Record<string, Flag>> = {
  '--start': { kind: 'action', action: 'start' },
  '--stop': { kind: 'action', action: 'stop' },
  '-v': { kind: 'action', action: 'version' },
  '--version': { kind: 'action', action: 'version' },
  '-h': { kind: 'action', action: 'help' },
  '--help': { kind: 'action', action: 'help' },
  '--foreground': { kind: 'switch', apply: (r) => (r.foreground = true) },
  '--ncs': { kind: 'switch', apply: (r) => (r.config.snapshots = false) },
  '--no-config-snapshots': { kind: 'switch', apply: (r) => (r.config.snapshots = false) },
  '--dt': { kind: 'switch', apply: (r) => (r.config.disableTokenAuth = true) },
  '--disable-token-auth': { kind: 'switch', apply: (r) => (r.config.disableTokenAuth = true) },
  '--enable-model-api': { kind: 'switch', apply: (r) => (r.config.enableModelApi = true) },
  '--model-store': { kind: 'value', apply: (r, v) => (r.config.modelStore = v) },
  '--ts-config': { kind: 'value', apply: (r, v) => (r.config.tsConfig = v) },
  '--log-config': { kind: 'value', apply: (r, v) => (r.config.logConfig = v) },
  '--models': {
    kind: 'values',
    apply: (r, v) => (r.config.models = [...(r.config.models ?? []), ...v]),
  },
  '--workflow-store': ignoredValue,
  '--cpp-log-config': ignoredValue,
  '--plugins-path': ignoredValue,
  '--ppath': ignoredValue,
};

export const usage = `usage: onnxserve [--start | --stop | -v] [--foreground] [--ncs]
                 [--model-store DIR] [--models NAME=FILE ...] [--ts-config FILE]
                 [--log-config FILE] [--disable-token-auth | --dt] [--enable-model-api]

Serves ONNX models behind TorchServe's APIs. The same program answers to "torchserve".

  --start               start the server in the background (the default)
  --stop                stop the running server
  --foreground          with --start: run in this process until SIGINT or SIGTERM
  --model-store DIR     directory of model archives (or model_store in config.properties)
  --models A [B ...]    models to load at startup: NAME=FILE, FILE, or all
  --ts-config FILE      config.properties to read (TS_CONFIG_FILE wins when set)
  --log-config FILE     YAML or JSON log settings, e.g. "level: debug"
  --ncs                 do not save or restore config snapshots
  --disable-token-auth  turn token authorization off (alias --dt)
  --enable-model-api    allow registering and unregistering models through the API
  -v, --version         print the version
  -h, --help            print this help`;

/** Parses argv (without node and script), as TorchServe's argparse would accept it. */
export function parseFlags(argv: readonly string[]): CliRequest {
  const request: MutableRequest = { actions: [], foreground: false, config: {} };
  for (let index = 0; index < argv.length; index++) {
    const token = argv[index] ?? '';
    const [name = '', inline] = token.startsWith('--') ? splitInline(token) : [token, undefined];
    const flag = flags[name];
    if (flag === undefined) throw new UsageError(`unrecognized arguments: ${token}`);
    index = applyFlag(flag, name, inline, argv, index, request);
  }

  const distinct = [...new Set(request.actions)];
  if (distinct.length > 1)
    throw new UsageError(`${distinct.map((a) => `--${a}`).join(' and ')} cannot be combined`);
  return { action: distinct[0] ?? 'start', foreground: request.foreground, config: request.config };
}

function splitInline(token: string): [string, string | undefined] {
  const equals = token.indexOf('=');
  return equals < 0 ? [token, undefined] : [token.slice(0, equals), token.slice(equals + 1)];
}

function applyFlag(
  flag: Flag,
  name: string,
  inline: string | undefined,
  argv: readonly string[],
  index: number,
  request: MutableRequest,
): number {
  if (flag.kind === 'action' || flag.kind === 'switch') {
    if (inline !== undefined) throw new UsageError(`${name} takes no value`);
    if (flag.kind === 'action') request.actions.push(flag.action);
    else flag.apply(request);
    return index;
  }
  if (flag.kind === 'value') {
    const value = inline ?? argv[index + 1];
    if (value === undefined || (inline === undefined && value.startsWith('-'))) {
      throw new UsageError(`${name} needs a value`);
    }
    flag.apply(request, value);
    return inline === undefined ? index + 1 : index;
  }
  const values = inline === undefined ? [] : [inline];
  let next = index + 1;
  while (inline === undefined && next < argv.length && !(argv[next] ?? '').startsWith('-')) {
    values.push(argv[next] ?? '');
    next++;
  }
  if (values.length === 0) throw new UsageError(`${name} needs at least one value`);
  flag.apply(request, values);
  return next - 1;
}
