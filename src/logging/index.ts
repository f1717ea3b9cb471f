export { readLogConfig, type LogConfig } from './log-config.js';
export { createLogs, silentLogger, type Logger, type LogOptions, type Logs } from './logs.js';
