import { parseAddress, type ListenAddress } from './address.js';
import {
  integerIn,
  oneOf,
  parseBoolean,
  parseHost,
  parseJsonObject,
  parseList,
  parseNonEmptyText,
  parsePatternList,
  parseText,
  positiveNumberUpTo,
  type ValueParser,
} from './values.js';

/** One setting: its default, how its text is parsed, and the environment names that set it. */
export interface SettingSpec<T> {
  readonly fallback: T;
  readonly parse: ValueParser<T>;
  /** `false`: not settable from the environment. Omitted: `TS_` + the key in capitals. */
  readonly env?: readonly string[] | false;
}

function setting<T>(spec: SettingSpec<T>): SettingSpec<T> {
  return spec;
}

function optional<T>(
  parse: ValueParser<T>,
  env?: readonly string[] | false,
): SettingSpec<T | undefined> {
  return env === undefined ? { fallback: undefined, parse } : { fallback: undefined, parse, env };
}

function address(port: number, tlsPort: number, fallback: string): SettingSpec<ListenAddress> {
  const parse: ValueParser<ListenAddress> = (raw, key) => parseAddress(raw, key, port, tlsPort);
  return { fallback: parse(fallback, 'default'), parse };
}

const MINUTES_PER_YEAR = 525_600;
const SECONDS_PER_DAY = 86_400;
/** The longest delay a Node timer takes (unset means no limit). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Every `config.properties` key onnxserve reads, with TorchServe's names and defaults except
 * where SPEC.md deliberately differs (`allowed_urls`, `metrics_mode`, the auth extras).
 */
export const settingSpecs = {
  inference_address: address(8080, 443, 'http://127.0.0.1:8080'),
  management_address: address(8081, 8444, 'http://127.0.0.1:8081'),
  metrics_address: address(8082, 8445, 'http://127.0.0.1:8082'),
  enable_metrics_api: setting({ fallback: true, parse: parseBoolean }),
  private_key_file: optional(parseNonEmptyText),
  certificate_file: optional(parseNonEmptyText),
  grpc_inference_address: setting({ fallback: '127.0.0.1', parse: parseHost }),
  grpc_management_address: setting({ fallback: '127.0.0.1', parse: parseHost }),
  grpc_inference_port: setting({ fallback: 7070, parse: integerIn(0, 65535) }),
  grpc_management_port: setting({ fallback: 7071, parse: integerIn(0, 65535) }),
  grpc_inference_max_connection_age_ms: optional(integerIn(1, MAX_TIMER_MS)),
  grpc_inference_max_connection_age_grace_ms: optional(integerIn(1, MAX_TIMER_MS)),
  grpc_management_max_connection_age_ms: optional(integerIn(1, MAX_TIMER_MS)),
  grpc_management_max_connection_age_grace_ms: optional(integerIn(1, MAX_TIMER_MS)),
  enable_grpc_ssl: setting({ fallback: false, parse: parseBoolean }),

  model_store: optional(parseNonEmptyText),
  load_models: setting({ fallback: [] as readonly string[], parse: parseList }),
  models: optional(parseJsonObject, false),
  default_workers_per_model: setting({ fallback: 0, parse: integerIn(0, 1024) }),
  job_queue_size: setting({ fallback: 100, parse: integerIn(1, 1_000_000) }),
  default_response_timeout: setting({ fallback: 120, parse: integerIn(1, SECONDS_PER_DAY) }),
  default_startup_timeout: setting({ fallback: 120, parse: integerIn(1, SECONDS_PER_DAY) }),
  unregister_model_timeout: setting({ fallback: 120, parse: integerIn(1, SECONDS_PER_DAY) }),
  allowed_urls: setting({ fallback: [] as readonly RegExp[], parse: parsePatternList }),
  max_model_download_size: setting({ fallback: 2 ** 30, parse: integerIn(1, 2 ** 40) }),
  max_request_size: setting({ fallback: 6_553_500, parse: integerIn(1, 2 ** 31 - 1) }),
  max_response_size: setting({ fallback: 6_553_500, parse: integerIn(1, 2 ** 31 - 1) }),
  default_service_handler: optional(parseNonEmptyText),

  disable_token_authorization: setting({ fallback: false, parse: parseBoolean }),
  token_expiration_min: setting({
    fallback: 60,
    parse: positiveNumberUpTo(MINUTES_PER_YEAR),
    env: ['TS_TOKEN_EXPIRATION_TIME_MIN', 'TS_TOKEN_EXPIRATION_MIN'],
  }),
  token_authorization_health_open: setting({ fallback: true, parse: parseBoolean }),
  token_authorization_failure_limit: setting({ fallback: 20, parse: integerIn(1, 1_000_000) }),
  token_authorization_failure_window_sec: setting({
    fallback: 60,
    parse: integerIn(1, SECONDS_PER_DAY),
  }),
  enable_model_api: setting({ fallback: false, parse: parseBoolean }),
  enable_envvars_config: setting({ fallback: false, parse: parseBoolean, env: false }),

  cors_allowed_origin: optional(parseText),
  cors_allowed_methods: optional(parseText),
  cors_allowed_headers: optional(parseText),

  metrics_mode: setting({ fallback: 'prometheus', parse: oneOf(['prometheus', 'log', 'legacy']) }),
  metric_time_interval: setting({ fallback: 60, parse: integerIn(1, SECONDS_PER_DAY), env: false }),
  disable_system_metrics: setting({ fallback: false, parse: parseBoolean }),
  shutdown_timeout_sec: setting({ fallback: 10, parse: integerIn(0, 3600) }),
  /** Heap limit of each worker thread in MiB; 0 keeps Node's default. */
  worker_heap_limit_mb: setting({ fallback: 0, parse: integerIn(0, 1 << 20) }),
  pid_file: optional(parseNonEmptyText),
} as const;

export type SettingKey = keyof typeof settingSpecs;

type ValueOf<S> = S extends SettingSpec<infer T> ? T : never;

/** The resolved value of every setting. */
export type Settings = { readonly [K in SettingKey]: ValueOf<(typeof settingSpecs)[K]> };

/**
 * TorchServe keys onnxserve accepts without acting on them (JVM, Netty, Python and GPU tuning),
 * so a TorchServe config file starts without a warning for each.
 */
export const acceptedTorchServeKeys: ReadonlySet<string> = new Set([
  'vmargs',
  'plugins_path',
  'number_of_netty_threads',
  'netty_client_threads',
  'async_logging',
  'prefer_direct_buffer',
  'number_of_gpu',
  'initial_worker_port',
  'install_py_dep_per_model',
  'blacklist_env_vars',
  'limit_max_image_pixels',
  'model_snapshot',
  'workflow_store',
  'metrics_config',
  'model_metrics_auto_detect',
  'system_metrics_cmd',
  'debug',
  'service_envelope',
  'decode_input_request',
  'use_env_allowed_urls',
  'keystore',
  'keystore_pass',
  'keystore_type',
  'ts_open_inference_protocol',
  'use_native_io',
  'io_ratio',
  'ts_header_key_sequence_id',
  'ts_header_key_sequence_start',
  'ts_header_key_sequence_end',
  'cpp_log_config',
  'disable_system_metrics',
]);

export function environmentNames(key: SettingKey): readonly string[] {
  const env = settingSpecs[key].env;
  if (env === false) return [];
  return env ?? [`TS_${key.toUpperCase()}`];
}
