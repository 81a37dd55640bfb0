/** Minimal `--name value` / `--flag` argument parsing for the CLIs. Errors are UsageError (exit 2). */

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface ArgSpec {
  /** Options taking a value. */
  values: readonly string[];
  /** Boolean flags. */
  flags: readonly string[];
  required: readonly string[];
}

export interface ParsedArgs {
  values: Map<string, string>;
  flags: Set<string>;
}

export function parseArgs(argv: readonly string[], spec: ArgSpec): ParsedArgs {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument "${arg}"`);
    let name = arg.slice(2);
    let inline: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) {
      inline = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    if (spec.flags.includes(name)) {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      flags.add(name);
    } else if (spec.values.includes(name)) {
      const v = inline ?? argv[++i];
      if (v === undefined || (inline === undefined && v.startsWith('--')))
        throw new UsageError(`--${name} needs a value`);
      if (values.has(name)) throw new UsageError(`--${name} given twice`);
      values.set(name, v);
    } else {
      throw new UsageError(`unknown option --${name}`);
    }
  }
  const missing = spec.required.filter((r) => !values.has(r));
  if (missing.length > 0)
    throw new UsageError(
      `missing required option${missing.length > 1 ? 's' : ''} ${missing.map((m) => `--${m}`).join(', ')}`,
    );
  return { values, flags };
}

/** Runs a CLI main: UsageError → one line on stderr + exit code 2; other errors → exit code 1. */
export function runCli(usage: string, main: () => Promise<void>): void {
  main().then(
    () => {
      process.exitCode ??= 0;
    },
    (e: unknown) => {
      if (e instanceof UsageError) {
        process.stderr.write(`error: ${e.message}. usage: ${usage}\n`);
        process.exitCode = 2;
      } else {
        process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exitCode = 1;
      }
    },
  );
}
