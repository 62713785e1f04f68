// The one place a run's stored files are written (the store's checked writers can replace it here).
import type { Io } from '../io/io.js';
import { runFile, type RunFile } from '../store/layout.js';

/** The texts of a run folder's files, written in the order given. */
export type RunFileTexts = Partial<Record<RunFile, string>>;

export async function writeRunFiles(io: Io, runDir: string, files: RunFileTexts): Promise<void> {
  for (const [file, text] of Object.entries(files) as Array<[RunFile, string | undefined]>) {
    if (text !== undefined) await io.writeFileAtomic(runFile(runDir, file), text);
  }
}
