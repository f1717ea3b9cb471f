import { basename } from 'node:path';

/** "TorchServe" when run as `torchserve`, so scripts that read its messages keep working. */
export const productName = basename(process.argv[1] ?? '').startsWith('torchserve')
  ? 'TorchServe'
  : 'onnxserve';

const command = productName === 'TorchServe' ? 'torchserve' : 'onnxserve';

export const messages = {
  alreadyRunning: `${productName} is already running, please use ${command} --stop to stop ${productName}.`,
  notRunning: `${productName} is not currently running.`,
  stopped: `${productName} has stopped.`,
  stopTooLong: `Stopping ${productName} took too long.`,
} as const;

/** One line on stderr: what the user must fix. */
export function printError(message: string): void {
  process.stderr.write(`${command}: ${message}\n`);
}
