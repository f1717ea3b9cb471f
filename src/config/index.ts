export { addressIdentity, isLoopback, parseAddress, type ListenAddress } from './address.js';
export { checkServerConfig, loadConfig, type CliConfig, type Config } from './load.js';
export type { SettingSource } from './resolve.js';
export { settingSpecs, type SettingKey, type Settings } from './settings.js';
