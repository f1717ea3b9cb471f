import { checkServerConfig, loadConfig, type CliConfig } from '../config/index.js';
import { createLogs, readLogConfig } from '../logging/index.js';
import { startServer } from '../server/index.js';
import { AlreadyRunningError, claimPidFile, removePidFile } from './pid-file.js';
import { messages, printError } from './messages.js';

/** What a background launcher hears from the server it started. */
export type LaunchMessage = { readonly type: 'started' } | { readonly type: 'failed' };

function notifyLauncher(message: LaunchMessage): void {
  if (process.send === undefined) return;
  process.send(message, () => process.disconnect());
}

function describe(error: unknown): string {
  if (error instanceof AlreadyRunningError) return messages.alreadyRunning;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs the server in this process until SIGINT or SIGTERM. Resolves with the exit code:
 * 0 after an orderly stop, 1 when startup fails (after printing one line saying why).
 */
export async function runForeground(cli: CliConfig): Promise<number> {
  let pidFile: string | undefined;
  // Listening from the start: a signal that lands while the server starts still stops it cleanly.
  const signalled = untilSignalled();
  try {
    const config = loadConfig(cli);
    checkServerConfig(config);
    const logConfig = readLogConfig(config.logConfigFile, config.logDir);
    claimPidFile(config.pidFile);
    pidFile = config.pidFile;

    const logs = createLogs({ logDir: config.logDir, config: logConfig, console: process.stdout });
    const server = await startServer(config, logs).catch((error: unknown) => {
      logs.server.error(describe(error));
      throw error;
    });
    notifyLauncher({ type: 'started' });

    logs.server.info(`Received ${await signalled}`);
    await server.close();
    removePidFile(config.pidFile, process.pid);
    return 0;
  } catch (error: unknown) {
    printError(describe(error));
    if (pidFile !== undefined) removePidFile(pidFile, process.pid);
    notifyLauncher({ type: 'failed' });
    return 1;
  }
}

function untilSignalled(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}
