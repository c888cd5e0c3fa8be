// electron-builder afterPack hook: flips the Electron fuses in the binary it has just packed, before that is
// wrapped into an AppImage or a deb (docs/security.md §12 "The Electron checklist", item 19). The fuse map has one definition,
// scripts/electron-fuses.ts; tsx loads it here, so there is no second copy and no separate compile step.
/* eslint-disable @typescript-eslint/no-require-imports -- electron-builder require()s its hooks: this file is CommonJS on purpose. */
'use strict';
const path = require('node:path');
const { require: requireTypeScript } = require('tsx/cjs/api');

/** The packed Electron executable (the .app bundle on macOS), where the fuse wire lives. */
function packedElectronBinary(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  switch (electronPlatformName) {
    case 'linux':
      return path.join(appOutDir, packager.executableName);
    case 'win32':
      return path.join(appOutDir, `${packager.appInfo.productFilename}.exe`);
    case 'darwin':
    case 'mas':
      return path.join(appOutDir, `${packager.appInfo.productFilename}.app`);
    default:
      throw new Error(`electron-after-pack: do not know where the Electron binary is for platform ${electronPlatformName}`);
  }
}

exports.default = async function setDayroomFuses(context) {
  const { applyFuses } = requireTypeScript('./electron-fuses.ts', __filename);
  const binary = packedElectronBinary(context);
  await applyFuses(binary);
  console.log(`  • Electron fuses set  binary=${binary}`);
};
