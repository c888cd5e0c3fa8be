#!/usr/bin/env node
// Makes sure the Debian packages the tests and the demo need are present. As root it installs what is
// missing with apt; otherwise it stops at once, naming the packages and the command. Never skips silently.
// Usage: node scripts/system-packages.mjs [test|demo]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

/** What each purpose needs: a Debian package and how to tell it is installed. */
const requirements = {
  chromium: { package: 'chromium', present: () => existsSync('/usr/bin/chromium'), why: 'end-to-end tests drive Debian Chromium' },
  socat: { package: 'socat', present: () => existsSync('/usr/bin/socat'), why: 'serial readers are tested and simulated on pseudo-terminal pairs' },
  libusb: { package: 'libusb-1.0-0', present: () => hasSharedLibrary('libusb-1.0.so.0'), why: 'node-hid loads libusb at run time' },
  udev: { package: 'udev', present: () => existsSync('/usr/bin/udevadm') || existsSync('/bin/udevadm'), why: 'SerialPort.list() runs udevadm' },
  systemd: {
    package: 'systemd',
    present: () => existsSync('/usr/bin/systemd-analyze') || existsSync('/bin/systemd-analyze'),
    why: 'the units under deploy/ (the kiosk session and the hub) are checked with systemd-analyze verify (test/integration/deploy/)',
  },
  postgresql: { package: 'postgresql', present: hasPostgresServer, why: 'hub integration tests run against a real PostgreSQL server as well as PGlite' },
  notoFonts: {
    package: 'fonts-noto-core',
    present: () => hasFontFamily('Noto Sans Arabic'),
    why: 'the screens draw Arabic and Latin with Vietnamese diacritics in Noto fonts; without them a word is a row of boxes',
  },
  chineseFont: {
    package: 'fonts-wqy-microhei',
    present: () => hasFontFamily('WenQuanYi Micro Hei'),
    why: 'the screens draw Simplified Chinese in WenQuanYi Micro Hei; without it a word is a row of boxes',
  },
};

const purposes = {
  test: ['chromium', 'socat', 'libusb', 'udev', 'systemd', 'postgresql', 'notoFonts', 'chineseFont'],
  demo: ['socat', 'libusb', 'udev', 'notoFonts', 'chineseFont'],
};

/** Debian installs the server binaries as /usr/lib/postgresql/<version>/bin/initdb (not on PATH). */
function hasPostgresServer() {
  const root = '/usr/lib/postgresql';
  return existsSync(root) && readdirSync(root).some((version) => existsSync(`${root}/${version}/bin/initdb`));
}

/** fontconfig's own list: the family Chromium falls back to is one fontconfig knows. */
function hasFontFamily(family) {
  const result = spawnSync('fc-list', [':', 'family'], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.split('\n').some((line) => line.split(',').includes(family));
}

function hasSharedLibrary(name) {
  const result = spawnSync('/sbin/ldconfig', ['-p'], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.includes(name);
}

export function ensureSystemPackages(purpose) {
  const names = purposes[purpose];
  if (!names) throw new Error(`unknown purpose ${purpose}; use one of ${Object.keys(purposes).join(', ')}`);
  const missing = names.map((name) => requirements[name]).filter((requirement) => !requirement.present());
  if (missing.length === 0) return;
  const packages = missing.map((requirement) => requirement.package);
  const command = `apt-get update && apt-get install -y ${packages.join(' ')}`;
  for (const requirement of missing) console.log(`system package missing: ${requirement.package} (${requirement.why})`);
  if (process.getuid?.() !== 0) {
    console.error(`Install them first, as root: sudo sh -c '${command}'`);
    process.exit(1);
  }
  console.log(`installing: ${packages.join(' ')}`);
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  const stillMissing = missing.filter((requirement) => !requirement.present());
  if (stillMissing.length > 0) {
    console.error(`still missing after apt-get: ${stillMissing.map((requirement) => requirement.package).join(' ')}`);
    process.exit(1);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) ensureSystemPackages(process.argv[2] ?? 'test');
