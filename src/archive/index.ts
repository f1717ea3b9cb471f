export { openArchive, discardArchive, type OpenArchiveOptions } from './open.js';
export type { ArchiveFormat, ArchiveHandler, ModelArchive } from './model-archive.js';
export { defaultArchiveLimits, type ArchiveLimits } from './limits.js';
export {
  MANIFEST_PATH,
  MODEL_NAME_PATTERN,
  formatManifest,
  parseManifest,
  type Manifest,
  type ManifestFields,
  type ManifestModel,
} from './manifest.js';
export {
  isFrontendKey,
  parseModelConfig,
  type ModelConfig,
  type ParsedModelConfig,
} from './model-config.js';
export { parseHandler, type HandlerSpec } from './handler.js';
