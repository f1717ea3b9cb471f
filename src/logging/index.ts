export {
  logNames,
  readLogConfig,
  type LogConfig,
  type LogDestination,
  type LogName,
  type LogTarget,
} from './log-config.js';
export { createAccessLog, type AccessLine, type AccessLog } from './access-log.js';
export { createLogs, silentLogger, type Logger, type LogOptions, type Logs } from './logs.js';
