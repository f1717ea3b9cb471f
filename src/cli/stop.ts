import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig, type CliConfig } from '../config/index.js';
import { messages, printError } from './messages.js';
import { processExists } from '../process-exists.js';
import { removePidFile, runningServerPid } from './pid-file.js';

const STOP_TIMEOUT_MS = 60_000;
const POLL_MS = 50;

/**
 * `--stop`: sends SIGTERM to the server named by the pid file and waits for it to exit. The
 * server removes its own key file; this only tidies the pid file.
 */
export async function stopServer(cli: CliConfig): Promise<number> {
  const pidFile = loadConfig(cli).pidFile;
  const pid = runningServerPid(pidFile);
  if (pid === undefined) {
    removePidFile(pidFile);
    process.stdout.write(`${messages.notRunning}\n`);
    return 0;
  }

  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (processExists(pid)) {
    if (Date.now() > deadline) {
      printError(messages.stopTooLong);
      return 1;
    }
    await sleep(POLL_MS);
  }
  removePidFile(pidFile, pid);
  process.stdout.write(`${messages.stopped}\n`);
  return 0;
}
