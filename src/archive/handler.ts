import { invalidModel, quote } from './invalid.js';

/**
 * The handler an archive asks for: a built-in one by name, or a JavaScript module shipped in the
 * archive with an optional exported function to call.
 */
export type HandlerSpec =
  | { readonly kind: 'builtin'; readonly name: string }
  | { readonly kind: 'file'; readonly file: string; readonly entryPoint: string | undefined };

const FILE_HANDLER = /^(?<file>[^:]+\.m?js)(?::(?<entryPoint>[A-Za-z_$][\w$]*))?$/;
const BUILTIN_HANDLER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Reads a handler as written in a manifest or a register request. Whether a built-in name exists
 * is for the handler loader to say; this only decides which kind of handler is meant.
 */
export function parseHandler(value: string): HandlerSpec {
  const file = FILE_HANDLER.exec(value)?.groups;
  if (file?.file !== undefined) {
    return { kind: 'file', file: file.file, entryPoint: file.entryPoint };
  }
  if (BUILTIN_HANDLER.test(value)) return { kind: 'builtin', name: value };
  if (/\.py(:|$)/.test(value)) {
    throw invalidModel(
      `handler ${quote(value)} is a Python file; onnxserve runs built-in handlers or JavaScript (.js, .mjs)`,
    );
  }
  throw invalidModel(
    `handler ${quote(value)} is neither a built-in handler name nor a .js/.mjs file (optionally file.js:function)`,
  );
}
