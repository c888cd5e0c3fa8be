import type { Migration } from '../migrate';
import { migration0001Residents } from './0001-residents';
import { migration0002ResidentLanguage } from './0002-resident-language';
import { migration0003PinLockouts } from './0003-pin-lockouts';

/** In order; a migration's version is its position (checked at open). */
export const deviceMigrations: readonly Migration[] = [migration0001Residents, migration0002ResidentLanguage, migration0003PinLockouts];
