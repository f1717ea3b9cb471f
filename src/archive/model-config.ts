import { parse as parseYaml } from 'yaml';
import { invalidModel } from './invalid.js';

/**
 * `model-config.yaml`: the frontend keys TorchServe reads (`ModelConfig.java`) plus onnxserve's
 * `intraOpThreads` and `inline`. A key is absent when the file does not set it to a valid value; TorchServe's
 * implicit values (120 s timeouts for archives with a config file) are the registry's to apply.
 */
export interface ModelConfig {
  /** Values below 1 become 1, as in TorchServe. */
  readonly minWorkers?: number;
  readonly maxWorkers?: number;
  readonly batchSize?: number;
  /** Milliseconds. */
  readonly maxBatchDelay?: number;
  /** Seconds. */
  readonly responseTimeout?: number;
  /** Seconds. */
  readonly startupTimeout?: number;
  readonly jobQueueSize?: number;
  readonly deviceType?: 'cpu' | 'gpu';
  readonly deviceIds?: readonly number[];
  readonly parallelType?: 'pp' | 'tp' | 'pptp' | 'custom';
  readonly parallelLevel?: number;
  readonly torchrun?: Readonly<Record<string, unknown>>;
  readonly maxRetryTimeoutInSec?: number;
  readonly clientTimeoutInMills?: number;
  readonly useJobTicket?: boolean;
  readonly sequenceBatching?: boolean;
  readonly sequenceMaxIdleMSec?: number;
  readonly sequenceTimeoutMSec?: number;
  readonly maxSequenceJobQueueSize?: number;
  readonly maxNumSequence?: number;
  readonly continuousBatching?: boolean;
  readonly asyncCommunication?: boolean;
  readonly useVenv?: boolean;
  /** Threads one ONNX Runtime operator may use in each worker. */
  readonly intraOpThreads?: number;
  /**
   * Workers run on the server's own thread instead of worker threads: no thread hop per request,
   * but the server waits while the model runs. For models that answer in microseconds, with a
   * built-in handler.
   */
  readonly inline?: boolean;
  /** Every key above left out: parameters for the handler. */
  readonly handlerConfig: Readonly<Record<string, unknown>>;
  /** The whole file, which TorchServe hands to handlers as `context.model_yaml_config`. */
  readonly raw: Readonly<Record<string, unknown>>;
}

export interface ParsedModelConfig {
  readonly config: ModelConfig;
  /** One line per value that was ignored, naming the key and the value. */
  readonly warnings: readonly string[];
}

type Parser = (value: unknown) => unknown;

const INT_MAX = 2 ** 31 - 1;

function wholeNumber(min: number): Parser {
  return (value) => {
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      throw new TypeError('expected a whole number');
    }
    if (value < min || value > INT_MAX) {
      throw new RangeError(`expected a whole number from ${min} to ${INT_MAX}`);
    }
    return value;
  };
}

const boolean: Parser = (value) => {
  if (typeof value !== 'boolean') throw new TypeError('expected true or false');
  return value;
};

function oneOf(choices: readonly string[]): Parser {
  return (value) => {
    if (typeof value !== 'string' || !choices.includes(value)) {
      throw new RangeError(`expected one of ${choices.join(', ')}`);
    }
    return value;
  };
}

const minWorkers: Parser = (value) => Math.max(1, wholeNumber(-INT_MAX)(value) as number);

const deviceIds: Parser = (value) => {
  if (!Array.isArray(value)) throw new TypeError('expected a list of whole numbers');
  return value.map(wholeNumber(0));
};

const mapping: Parser = (value) => {
  if (!isMapping(value)) throw new TypeError('expected a mapping');
  return value;
};

const frontendKeys: Readonly<Record<string, Parser>> = {
  minWorkers,
  maxWorkers: wholeNumber(1),
  batchSize: wholeNumber(1),
  maxBatchDelay: wholeNumber(0),
  responseTimeout: wholeNumber(1),
  startupTimeout: wholeNumber(1),
  jobQueueSize: wholeNumber(1),
  deviceType: oneOf(['cpu', 'gpu']),
  deviceIds,
  parallelType: oneOf(['pp', 'tp', 'pptp', 'custom']),
  parallelLevel: wholeNumber(0),
  torchrun: mapping,
  maxRetryTimeoutInSec: wholeNumber(0),
  clientTimeoutInMills: wholeNumber(0),
  useJobTicket: boolean,
  sequenceBatching: boolean,
  sequenceMaxIdleMSec: wholeNumber(0),
  sequenceTimeoutMSec: wholeNumber(0),
  maxSequenceJobQueueSize: wholeNumber(1),
  maxNumSequence: wholeNumber(1),
  continuousBatching: boolean,
  asyncCommunication: boolean,
  useVenv: boolean,
  intraOpThreads: wholeNumber(1),
  inline: boolean,
};

/** True for the keys onnxserve or TorchServe's frontend interprets; the rest go to the handler. */
export function isFrontendKey(key: string): boolean {
  return Object.hasOwn(frontendKeys, key);
}

/**
 * Parses the text of a model config file. Broken YAML or a document that is not a mapping is
 * refused; a frontend key with a bad value is left out and reported in `warnings`.
 */
export function parseModelConfig(text: string, fileName = 'model-config.yaml'): ParsedModelConfig {
  const raw = readDocument(text, fileName);
  const config: Record<string, unknown> = {};
  const handlerConfig: Record<string, unknown> = {};
  const warnings: string[] = [];
  for (const [key, value] of Object.entries(raw)) {
    const parse = isFrontendKey(key) ? frontendKeys[key] : undefined;
    if (parse === undefined) {
      setOwn(handlerConfig, key, value);
      continue;
    }
    try {
      setOwn(config, key, parse(value));
    } catch (error: unknown) {
      const reason = error instanceof Error ? error.message : String(error);
      warnings.push(`${fileName}: ignoring ${key}=${JSON.stringify(value)}: ${reason}`);
    }
  }
  return { config: { ...config, handlerConfig, raw }, warnings };
}

function readDocument(text: string, fileName: string): Record<string, unknown> {
  let document: unknown;
  try {
    document = parseYaml(text, { maxAliasCount: 100 });
  } catch (error: unknown) {
    // The parser's message goes on to draw the offending lines; the first line says it all.
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw invalidModel(`${fileName} is not valid YAML: ${reason}`);
  }
  if (document === null || document === undefined) return {};
  if (!isMapping(document)) throw invalidModel(`${fileName} must be a mapping of keys to values`);
  return document;
}

/** Plain assignment would let a `__proto__` key replace the object's prototype. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A config with nothing set, for archives without a config file. */
export const emptyModelConfig: ModelConfig = Object.freeze({ handlerConfig: {}, raw: {} });
