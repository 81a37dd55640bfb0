/**
 * Holds the forecaster currently served and swaps in a newer artifact version when one appears in
 * the artifact directory. Polling (not fs.watch): artifacts arrive by rename on local disks and on
 * mounted volumes alike, and fs.watch misses events on the latter.
 */
import type { BaselinePrior, Forecaster } from '@sport-venue/forecast';
import { buildBaselinePrior, latestArtifact, loadArtifact, readOccupancyCsv } from '@sport-venue/forecast';
import type { Logger } from '@sport-venue/shared';

export class ModelHolder {
  #current: { dir: string; forecaster: Forecaster } | null = null;
  #timer: ReturnType<typeof setInterval> | undefined;
  #checking: Promise<void> | undefined;
  #baseline: BaselinePrior | null = null;
  readonly root: string;
  readonly #logger: Logger;

  constructor(root: string, logger: Logger) {
    this.root = root;
    this.#logger = logger;
  }

  get forecaster(): Forecaster | null {
    return this.#current?.forecaster ?? null;
  }

  get version(): string | null {
    return this.#current?.forecaster.manifest.version ?? null;
  }

  /** Served while no artifact exists (see loadBaseline). */
  get baseline(): BaselinePrior | null {
    return this.#baseline;
  }

  /** What answers a Forecast call now: the newest artifact, else the baseline, else nothing. */
  get source(): Forecaster | BaselinePrior | null {
    return this.#current?.forecaster ?? this.#baseline;
  }

  /**
   * Builds the baseline from an occupancy CSV (seconds for the shipped file). Never throws: without
   * it the server just waits for an artifact, as before.
   */
  async loadBaseline(path: string, timeZone: string): Promise<void> {
    try {
      const { rows } = await readOccupancyCsv(path);
      this.#baseline = buildBaselinePrior(rows, timeZone);
      this.#logger.info(
        { path, venues: Object.keys(this.#baseline.venues).length },
        'baseline forecasts ready (served until a model artifact exists)',
      );
    } catch (err) {
      this.#logger.warn({ err: (err as Error).message, path }, 'baseline data unreadable; no baseline');
    }
  }

  /** Loads the newest artifact if it differs from the one served. Never throws: a broken artifact keeps the old one. */
  check(): Promise<void> {
    // One check at a time; a tick during a slow load joins it instead of loading twice.
    this.#checking ??= this.#load().finally(() => {
      this.#checking = undefined;
    });
    return this.#checking;
  }

  async #load() {
    try {
      const dir = await latestArtifact(this.root);
      if (!dir || dir === this.#current?.dir) return;
      const forecaster = await loadArtifact(dir);
      const previous = this.#current;
      this.#current = { dir, forecaster };
      this.#logger.info({ version: forecaster.manifest.version, dir }, 'model artifact loaded');
      // Inference is synchronous, so no request still uses the old network once we get here.
      previous?.forecaster.network.dispose();
    } catch (err) {
      this.#logger.error({ err, root: this.root }, 'loading model artifact failed; keeping the current one');
    }
  }

  watch(intervalMs: number) {
    this.#timer = setInterval(() => void this.check(), intervalMs);
    this.#timer.unref();
  }

  async stop() {
    clearInterval(this.#timer);
    await this.#checking;
    this.#current?.forecaster.network.dispose();
    this.#current = null;
  }
}
