// The layering rules of docs/architecture.md §3 "Layers" are lint rules; this proves each one catches a violation and lets the
// allowed imports through, by linting small sources as if they lived in each folder.
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import { typeAwareRules } from '../../eslint.config.js';

// The layering rules need no types; the made-up files linted here are in no tsconfig, so the type-aware rules are off.
const eslint = new ESLint({
  cwd: process.cwd(),
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: false } },
    rules: Object.fromEntries(Object.keys(typeAwareRules).map((rule) => [rule, 'off'])),
  },
});

async function layeringErrors(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath });
  return (result?.messages ?? [])
    .filter((message) => message.ruleId === 'no-restricted-imports' || message.ruleId === 'no-restricted-globals' || message.ruleId === 'dayroom/layers')
    .map((message) => message.message);
}

describe('layering rules', () => {
  it.each([
    ['main/store/bad.ts', "import { app } from 'electron';"],
    ['main/runtime-bad.ts', "import { ipcMain } from 'electron/main';"],
    ['hardware/bad.ts', "import { app } from 'electron';"],
    ['renderer/src/bad.ts', "import { app } from 'electron';"],
    ['hub/bad.ts', "import { app } from 'electron';"],
  ])('only main/electron may import electron (%s)', async (file, source) => {
    expect(await layeringErrors(file, source)).toEqual([expect.stringMatching(/Only main\/electron\//)]);
  });

  it('main/electron may import electron', async () => {
    expect(await layeringErrors('main/electron/x.ts', "import { app } from 'electron';")).toEqual([]);
  });

  it.each([
    ["import { openDeviceDatabase } from '../../main/store/database';", /only main\/contract from the device/],
    ["import { createSerialScanner } from '../../hardware/drivers/serial-scanner';", /only main\/contract and its own folder/],
    ["import { readFileSync } from 'node:fs';", /no Node modules/],
    ["import { join } from 'path';", /no Node modules/],
  ])('the renderer imports only the contract and itself: %s', async (source, message) => {
    expect(await layeringErrors('renderer/src/screens/Bad.tsx', source)).toEqual([expect.stringMatching(message)]);
  });

  it('the renderer may import the contract and its own files', async () => {
    expect(
      await layeringErrors('renderer/src/screens/Good.tsx', "import { deviceCalls } from '../../../main/contract';\nimport { t } from '../i18n';"),
    ).toEqual([]);
  });

  it('the renderer may import the keyboard-reader detector, which both shells run and which imports nothing', async () => {
    expect(await layeringErrors('renderer/src/keyboard/Good.ts', "import { createWedgeDetector } from '../../../hardware/keyboard/wedge-detector';")).toEqual(
      [],
    );
  });

  it.each([
    "import { KeyboardWedgeSettings } from '../../../hardware/keyboard/wedge-settings';",
    "import { createKeyboardWedgeReader } from '../../../hardware/drivers/keyboard-wedge';",
    "import { x } from '../../../hardware/keyboard';",
    "import { x } from '../../../hardware/keyboard/wedge-detector/../wedge-settings';",
    "import type { ScanFrame } from '../../../hardware/reader';",
  ])('every other hardware import is still refused in the renderer: %s', async (source) => {
    expect(await layeringErrors('renderer/src/keyboard/Bad.ts', source)).toEqual([expect.stringMatching(/only main\/contract and its own folder/)]);
  });

  it('the contract has no Node modules, no DOM globals and no device internals', async () => {
    expect(await layeringErrors('main/contract/bad.ts', "import { randomUUID } from 'node:crypto';")).toEqual([expect.stringMatching(/no Node modules/)]);
    expect(await layeringErrors('main/contract/bad.ts', "import { residentQueries } from '../store/residents';")).toEqual([
      expect.stringMatching(/only zod, its own files and rules\//),
    ]);
    expect(await layeringErrors('main/contract/bad.ts', "import { PushRequest } from '../../hub/protocol/wire';")).toEqual([
      expect.stringMatching(/only zod, its own files and rules\//),
    ]);
    expect(await layeringErrors('main/contract/bad.ts', "import { x } from '../../rules/text/../../hub/protocol/wire';")).toEqual([
      expect.stringMatching(/only zod, its own files and rules\//),
    ]);
    // The one text rule, shared by the device's inputs and the hub's.
    expect(await layeringErrors('main/contract/good.ts', "import { checkedText } from '../../rules/text';")).toEqual([]);
    expect(await layeringErrors('main/contract/bad.ts', 'export const width = window.innerWidth;')).toHaveLength(1);
    expect(await layeringErrors('main/contract/good.ts', "import { z } from 'zod';\nimport { Empty } from './schemas';")).toEqual([]);
  });

  it('device code never imports the renderer or hub internals, but may import the hub wire protocol', async () => {
    expect(await layeringErrors('main/sync/bad.ts', "import { App } from '../../renderer/src/App';")).toEqual([
      expect.stringMatching(/never imports the renderer/),
    ]);
    expect(await layeringErrors('hardware/bad.ts', "import { db } from '../hub/db/pool';")).toEqual([expect.stringMatching(/only the hub wire protocol/)]);
    expect(await layeringErrors('main/sync/good.ts', "import { PullResponse } from '../../hub/protocol/pull';")).toEqual([]);
  });

  it('rules/ is the bottom layer: no Node, no DOM, nothing of the project', async () => {
    expect(await layeringErrors('rules/bad.ts', "import { createHash } from 'node:crypto';")).toEqual([expect.stringMatching(/no Node modules/)]);
    expect(await layeringErrors('rules/bad.ts', 'export const width = window.innerWidth;')).toHaveLength(1);
    for (const source of [
      "import { x } from '../hub/protocol/records';",
      "import { y } from '../main/contract';",
      "import { z } from '../platform/atomic-write';",
      "import { x } from '../main/store/database';",
      "import { x } from '../hardware/reader';",
    ]) {
      expect(await layeringErrors('rules/bad.ts', source)).toEqual([expect.stringMatching(/rules\/ is the bottom layer/)]);
    }
    expect(await layeringErrors('rules/good.ts', "import { z } from 'zod';\nimport { characterCount } from './text';")).toEqual([]);
  });

  it('everyone may import rules/; only Node code may import platform/', async () => {
    for (const file of ['main/sync/good.ts', 'hub/services/good.ts', 'hardware/drivers/good.ts', 'renderer/src/api/good.ts', 'platform/good.ts']) {
      const depth = file.split('/').length - 1;
      expect(await layeringErrors(file, `import { doublingStep } from '${'../'.repeat(depth)}rules/backoff';`), file).toEqual([]);
    }
    expect(await layeringErrors('main/sync/good.ts', "import { writeFileAtomically } from '../../platform/atomic-write';")).toEqual([]);
    expect(await layeringErrors('hub/good.ts', "import { writeFileAtomically } from '../platform/atomic-write';")).toEqual([]);
    expect(await layeringErrors('renderer/src/api/bad.ts', "import { hashPin } from '../../../platform/credential-hashes';")).toEqual([
      expect.stringMatching(/only main\/contract and its own folder/),
    ]);
    expect(await layeringErrors('platform/bad.ts', "import { x } from '../hub/protocol/records';")).toEqual([expect.stringMatching(/platform\/ imports only/)]);
  });

  it('the hub never imports device code', async () => {
    for (const source of [
      "import { x } from '../main/store/database';",
      "import { y } from '../hardware/reader';",
      "import { z } from '../kiosk-config/schema';",
    ]) {
      expect(await layeringErrors('hub/routes/bad.ts', source)).toEqual([expect.stringMatching(/never imports device code/)]);
    }
  });

  describe('the ring of device layers', () => {
    // Each layer, outermost last, as a file that lives in it and an import of it from a sibling folder of main/.
    it.each([
      // The store may not reach up into sync, the services or the runtime.
      ['main/store/bad.ts', "import { fsyncFolder } from '../sync/credential';", 'store', 'sync'],
      ['main/store/bad.ts', "import { createAuditLog } from '../audit/audit-log';", 'store', 'audit'],
      ['main/store/bad.ts', "import { createMailService } from '../mail/mail-service';", 'store', 'services'],
      ['main/store/bad.ts', "import { createDispatcher } from '../bridge/dispatch';", 'store', 'runtime'],
      // Sync may not use the audit log, a service or the runtime.
      ['main/sync/bad.ts', "import { restartAuditChain } from '../audit/audit-log';", 'sync', 'audit'],
      ['main/sync/bad.ts', "import type { TabletAssignment } from '../tablet/tablet-assignment';", 'sync', 'services'],
      ['main/sync/bad.ts', "import { createDeviceRuntime } from '../runtime';", 'sync', 'runtime'],
      // The audit log uses no service; services do not know the transport or the shells.
      ['main/audit/bad.ts', "import { createSignInService } from '../signin/sign-in-service';", 'audit', 'services'],
      ['main/tablet/bad.ts', "import { DeviceCallError } from '../bridge/dispatch';", 'services', 'runtime'],
      ['main/mail/bad.ts', "import { createDeviceRuntime } from '../runtime';", 'services', 'runtime'],
      ['main/mail/bad.ts', "import { startServer } from '../host/server';", 'services', 'runtime'],
      ['main/device-wipe.ts', "import { deviceActionHandlers } from './device-actions';", 'services', 'runtime'],
      // A split runtime is still the runtime.
      ['main/signin/bad.ts', "import { x } from '../runtime/handlers';", 'services', 'runtime'],
      // The log imports nothing of the device.
      ['main/logging.ts', "import { x } from './store/database';", 'logging', 'store'],
      // Hardware owns its reader schemas and knows nothing of the site file, sign-in or the rest of the device.
      ['hardware/drivers/bad.ts', "import type { ReaderConfig } from '../../kiosk-config/schema';", 'hardware', 'site'],
      ['hardware/bad.ts', "import type { CredentialEvent } from '../main/signin/credential-mapping';", 'hardware', 'services'],
      ['hardware/bad.ts', "import { x } from '../main/store/database';", 'hardware', 'store'],
      // The site file is read by the device; it does not read the device.
      ['kiosk-config/bad.ts', "import { x } from '../main/sync/engine';", 'site', 'sync'],
      ['kiosk-config/bad.ts', "import { x } from '../main/logging';", 'site', 'logging'],
      // However the path is spelled: an export, a dynamic import, a path through another folder.
      ['main/store/bad.ts', "export { recordMutation } from '../sync/outbox';", 'store', 'sync'],
      ['main/store/bad.ts', "const sync = await import('../sync/engine');", 'store', 'sync'],
      ['main/store/bad.ts', "import { x } from '../contract/../sync/outbox';", 'store', 'sync'],
    ])('%s may not import outward: %s', async (file, source, from, to) => {
      expect(await layeringErrors(file, source)).toEqual([expect.stringMatching(new RegExp(`^The ${from} layer \\(.*\\) may not import the ${to} layer`))]);
    });

    it.each([
      // Inward, and within a layer.
      [
        'main/store/good.ts',
        "import type { DeviceError } from '../contract';\nimport { outboxQueries } from './outbox';\nimport { x } from '../../hub/protocol';",
      ],
      [
        'main/sync/good.ts',
        "import { writeFileAtomically } from '../../platform/atomic-write';\nimport type { Logger } from '../logging';\nimport { HubSettings } from '../../kiosk-config/schema';",
      ],
      ['main/sync/good.ts', "import { restartAuditChain } from './audit-chain';"],
      ['main/audit/good.ts', "import { appendAuditEvent } from '../sync/audit-chain';\nimport { auditLogQueries } from '../store/audit-log';"],
      [
        'main/signin/good.ts',
        "import { createAuditLog } from '../audit/audit-log';\nimport type { ScanFrame } from '../../hardware/reader';\nimport type { CredentialRule } from '../../kiosk-config/schema';",
      ],
      ['main/session/good.ts', "import type { CredentialEvent } from '../signin/credential-mapping';\nimport { syncOverdue } from '../tablet/sync-lock';"],
      ['main/device-wipe.ts', "import { fsyncFolder } from '../platform/atomic-write';\nimport type { CredentialVault } from './sync/credential';"],
      ['main/bridge/good.ts', "import { TabletAssignmentError } from '../tablet/tablet-assignment';\nimport { isStorageFull } from '../store/storage-full';"],
      [
        'main/runtime.ts',
        "import { createDispatcher } from './bridge/dispatch';\nimport { createMailService } from './mail/mail-service';\nimport { x } from './runtime/handlers';",
      ],
      ['main/runtime/good.ts', "import { createDeviceRuntime } from '../runtime';\nimport { deviceActionHandlers } from '../device-actions';"],
      [
        'main/electron/good.ts',
        "import { startServer } from '../host/server';\nimport { loadKioskConfig } from '../../kiosk-config/load';\nimport { createSerialScanner } from '../../hardware/drivers/serial-scanner';",
      ],
      ['kiosk-config/good.ts', "import { ReaderConfig } from '../hardware/reader-config';\nimport { defaultPinRules } from '../hub/protocol/pin-lockout';"],
      ['hardware/good.ts', "import type { ReadRejectionReason } from '../main/contract/schemas';\nimport { createPcProxLineParser } from './parsers/pcprox';"],
      // rules/ is the bottom layer, shared by everyone.
      ['hardware/good.ts', "import { x } from '../rules/text';"],
      ['main/store/good.ts', "import { x } from '../../rules';"],
      ['main/contract/good.ts', "import { z } from 'zod';"],
    ])('%s may import inward: %s', async (file, source) => {
      expect(await layeringErrors(file, source)).toEqual([]);
    });

    it('a folder of main/ that is in no layer is reported, so a new one is placed on purpose', async () => {
      expect(await layeringErrors('main/newthing/bad.ts', "import { x } from '../store/database';")).toEqual([
        expect.stringMatching(/main\/newthing\/bad\.ts is in no layer/),
      ]);
      expect(await layeringErrors('main/store/bad.ts', "import { x } from '../newthing/helper';")).toEqual([
        expect.stringMatching(/main\/newthing\/helper is in no layer/),
      ]);
    });
  });
});
