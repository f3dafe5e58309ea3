import { type CompiledModel, compileModel } from '../../core/model/compileModel.js';
import { parseModelText } from '../../core/model/modelSchema.js';
import type { Logger, Telemetry } from '../../ports.js';

export type ModelRole = 'champion' | 'challenger';

/** One configured model (champion or challenger): what is loaded now, and why not when nothing is. */
export interface ModelSlot {
  readonly role: ModelRole;
  current(): CompiledModel | undefined;
  /** Where the current model came from, for status lines. */
  origin(): string | undefined;
  /** The last problem while nothing valid is loaded. */
  problem(): string | undefined;
  /** A new file: swapped in when valid and of another version, refused otherwise. */
  offer(text: string, origin: string): void;
  /** The model could not be read (missing, unreachable); the current one stays. */
  fail(detail: string): void;
}

export function createModelSlot(
  role: ModelRole,
  deps: { logger: Logger; telemetry: Telemetry },
): ModelSlot {
  let model: CompiledModel | undefined;
  let loadedFrom: string | undefined;
  let problem: string | undefined = 'not loaded yet';

  const keeping = () =>
    model ? `keeping ${model.name}@${model.version}` : `no ${role} model loaded`;

  return {
    role,
    current: () => model,
    origin: () => loadedFrom,
    problem: () => (model ? undefined : problem),
    offer(text, origin) {
      const parsed = parseModelText(text);
      if (!parsed.ok) {
        problem = `${origin} was refused: ${parsed.error}`;
        deps.logger.warn(`Refused ${role} model from ${origin}: ${parsed.error}; ${keeping()}`);
        deps.telemetry.trackEvent('ModelRejected', { role, origin, reason: parsed.error });
        return;
      }
      const { name, version } = parsed.model;
      if (model && model.name === name && model.version === version) {
        deps.logger.info(`${role} model at ${origin} is still ${name}@${version}; nothing to swap`);
        return;
      }
      const previous = model ? ` (was ${model.name}@${model.version})` : '';
      model = compileModel(parsed.model);
      loadedFrom = origin;
      problem = undefined;
      deps.logger.info(`Loaded ${role} model ${name}@${version} from ${origin}${previous}`);
      deps.telemetry.trackEvent('ModelLoaded', { role, origin, name, version });
    },
    fail(detail) {
      if (!model) problem = detail;
      deps.logger.warn(`Could not read ${role} model: ${detail}; ${keeping()}`);
    },
  };
}
