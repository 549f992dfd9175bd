/**
 * The functions' code as Lambda takes it: the bundles `npm run build` makes (the esbuild settings
 * the template gives `sam build`: the processor's and the settings check's, one zip for both),
 * zipped with fixed times so that the same code makes the same
 * zip, and so the same object key, every time.
 */
import { createHash } from 'node:crypto';
import { relative, resolve } from 'node:path';
import { build } from 'esbuild';
import { type Zippable, zipSync } from 'fflate';
import { BUILD_OPTIONS, FUNCTION_BUILDS } from '../../scripts/build-options';

/** 1980-01-01, the earliest time a zip entry holds. */
const FIXED_TIME = new Date(1980, 0, 1);

export interface CodeZip {
  readonly bytes: Uint8Array;
  /** The first 16 hex digits of its sha256: the object key names it. */
  readonly digest: string;
  /** Its whole sha256 in base64, as S3 keeps an object's (ChecksumSHA256). */
  readonly sha256: string;
}

export async function buildCodeZip(): Promise<CodeZip> {
  const outdir = resolve(BUILD_OPTIONS.outdir as string);
  const outputs = await Promise.all(
    FUNCTION_BUILDS.map((options) =>
      build({ ...options, outdir, write: false, logLevel: 'error' }),
    ),
  );
  const files: Zippable = {};
  // A chunk both builds make has the same name and content (chunk names are content hashes).
  const outputFiles = outputs.flatMap((output) => output.outputFiles);
  for (const file of outputFiles.sort((a, b) => a.path.localeCompare(b.path))) {
    files[relative(outdir, file.path)] = [file.contents, { mtime: FIXED_TIME }];
  }
  const bytes = zipSync(files, { level: 9 });
  const hash = createHash('sha256').update(bytes).digest();
  return { bytes, digest: hash.toString('hex').slice(0, 16), sha256: hash.toString('base64') };
}
