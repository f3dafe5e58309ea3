import type { Config } from './config.js';
import type {
  Access,
  DeadLetterSink,
  EventQueue,
  Logger,
  ModelSource,
  ScoreStore,
  Telemetry,
} from './ports.js';

/** Everything the functions need, built once per process by createDeps. */
export interface Deps {
  config: Config;
  queue: EventQueue;
  store: ScoreStore;
  models: ModelSource;
  deadLetters: DeadLetterSink;
  access: Access;
  telemetry: Telemetry;
  logger: Logger;
  now: () => number;
  newId: () => string;
  close(): Promise<void>;
}
