/**
 * Progress of a long run (a catch-up of thousands of items, plan, audit, redrive) for a person
 * at a terminal: one bar redrawn in place on a TTY, plain counted lines otherwise (logs, CI).
 * Written to stderr so `--json` output on stdout stays clean.
 */
export interface Progress {
  /** `n` more done (default 1), with an optional note (the page, the item). */
  tick(n?: number, note?: string): void;
  /** The run is over: prints the final count and the summary. */
  done(summary?: string): void;
}

export interface ProgressOptions {
  stream?: NodeJS.WriteStream;
  /** Plain lines at most this often when not a TTY (every page is fine; every item is noise). */
  everyMs?: number;
  now?: () => number;
}

export function progress(label: string, total?: number, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const tty = Boolean(stream.isTTY);
  const now = options.now ?? Date.now;
  const everyMs = options.everyMs ?? 2000;
  let count = 0;
  let lastLine = 0;
  const counted = () => (total !== undefined ? `${count}/${total}` : `${count}`);
  const bar = () => {
    if (total === undefined || total === 0) return "";
    const width = 24;
    const filled = Math.min(width, Math.round((count / total) * width));
    return `[${"#".repeat(filled)}${".".repeat(width - filled)}] `;
  };
  return {
    tick(n = 1, note) {
      count += n;
      if (tty) {
        stream.write(`\r${label}: ${bar()}${counted()}${note ? ` ${note}` : ""}\x1b[K`);
      } else if (now() - lastLine >= everyMs || (total !== undefined && count >= total)) {
        lastLine = now();
        stream.write(`${label}: ${counted()}${note ? ` ${note}` : ""}\n`);
      }
    },
    done(summary) {
      stream.write(
        `${tty ? "\r" : ""}${label}: ${counted()} done${summary ? `, ${summary}` : ""}${tty ? "\x1b[K" : ""}\n`,
      );
    },
  };
}
