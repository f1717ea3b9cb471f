import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadConfig, type CliConfig } from '../config/index.js';
import type { LaunchMessage } from './foreground.js';
import { messages, printError } from './messages.js';
import { runningServerPid } from './pid-file.js';

const entry = fileURLToPath(new URL('./main.js', import.meta.url));

/**
 * `--start` without `--foreground`: starts the server as a detached process that shares this
 * one's stdout and stderr, and returns once it says `Model server started` (0) or fails (1).
 */
export async function launchInBackground(cli: CliConfig, argv: readonly string[]): Promise<number> {
  const pidFile = loadConfig(cli).pidFile;
  if (runningServerPid(pidFile) !== undefined) {
    printError(messages.alreadyRunning);
    return 1;
  }

  const serverArgs = argv.filter((arg) => arg !== '--start');
  const child = spawn(
    process.execPath,
    [...process.execArgv, entry, ...serverArgs, '--foreground'],
    {
      detached: true,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );

  const outcome = await new Promise<number>((resolve) => {
    child.on('message', (message: LaunchMessage) => resolve(message.type === 'started' ? 0 : 1));
    child.on('exit', (code) => resolve(code === 0 ? 1 : (code ?? 1)));
    child.on('error', (error) => {
      printError(`cannot start the server: ${error.message}`);
      resolve(1);
    });
  });
  if (child.connected) child.disconnect();
  child.unref();
  return outcome;
}
