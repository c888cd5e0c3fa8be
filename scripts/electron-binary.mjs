// Where the Electron binary is, without requiring the electron package (which tries to download it when absent).
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const electronPackageDir = resolve('node_modules/electron');

/** The binary's absolute path, or null when it is not installed (as on machines that cannot download it). */
export function electronBinaryPath() {
  const pathFile = join(electronPackageDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(electronPackageDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}
