import { ServeError } from '../errors/index.js';
import type { ModelVersion } from './model-version.js';

interface ModelEntry {
  defaultVersion: string;
  readonly versions: Map<string, ModelVersion>;
}

/** Registered models by name and version, each model with one default version. */
export class ModelRegistry {
  private readonly models = new Map<string, ModelEntry>();

  private entry(name: string): ModelEntry {
    const entry = this.models.get(name);
    if (entry === undefined)
      throw new ServeError('ModelNotFoundException', `Model not found: ${name}`);
    return entry;
  }

  /** The named version, or the default version when `version` is omitted. */
  get(name: string, version?: string): ModelVersion {
    const entry = this.entry(name);
    const wanted = version ?? entry.defaultVersion;
    const found = entry.versions.get(wanted);
    if (found === undefined) {
      throw new ServeError(
        'ModelVersionNotFoundException',
        `Model version: ${wanted} does not exist for model: ${name}`,
      );
    }
    return found;
  }

  versions(name: string): readonly ModelVersion[] {
    return [...this.entry(name).versions.values()];
  }

  isDefault(model: ModelVersion): boolean {
    return this.models.get(model.name)?.defaultVersion === model.version;
  }

  /** Default versions of every model, sorted by name. */
  defaults(): ModelVersion[] {
    return [...this.models.keys()].sort().map((name) => this.get(name));
  }

  add(model: ModelVersion): void {
    const entry = this.models.get(model.name);
    if (entry === undefined) {
      this.models.set(model.name, {
        defaultVersion: model.version,
        versions: new Map([[model.version, model]]),
      });
      return;
    }
    if (entry.versions.has(model.version)) {
      throw new ServeError(
        'ConflictStatusException',
        `Model version ${model.version} is already registered for model ${model.name}`,
      );
    }
    entry.versions.set(model.version, model);
  }

  /** Removes a version; the default version goes only when it is the last one. */
  remove(name: string, version?: string): ModelVersion {
    const model = this.get(name, version);
    const entry = this.entry(name);
    if (entry.defaultVersion === model.version && entry.versions.size > 1) {
      throw new ServeError(
        'InvalidModelVersionException',
        `Cannot remove default version for model ${name}`,
      );
    }
    entry.versions.delete(model.version);
    if (entry.versions.size === 0) this.models.delete(name);
    return model;
  }

  setDefault(name: string, version: string): void {
    const entry = this.entry(name);
    if (!entry.versions.has(version)) {
      throw new ServeError(
        'ModelVersionNotFoundException',
        `Model version ${version} does not exist for model ${name}`,
      );
    }
    entry.defaultVersion = version;
  }

  all(): ModelVersion[] {
    return [...this.models.values()].flatMap((entry) => [...entry.versions.values()]);
  }
}
