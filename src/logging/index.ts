export { createLogs, silentLogger, type Logger, type LogOptions, type Logs } from './logs.js';
