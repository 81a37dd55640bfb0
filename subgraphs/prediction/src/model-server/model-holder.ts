/**
 * Holds the forecaster currently served and swaps in a newer artifact version when one appears in
 * the artifact directory. Polling (not fs.watch): artifacts arrive by rename on local disks and on
 * mounted volumes alike, and fs.watch misses events on the latter.
 */
import type { Forecaster } from '@sport-venue/forecast';
import { latestArtifact, loadArtifact } from '@sport-venue/forecast';
import type { Logger } from '@sport-venue/shared';

export class ModelHolder {
  #current: { dir: string; forecaster: Forecaster } | null = null;
  #timer: ReturnType<typeof setInterval> | undefined;
  #checking: Promise<void> | undefined;
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
