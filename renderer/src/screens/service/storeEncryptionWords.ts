// "Store encryption: on / off: why" in service mode (issue 14 item 9). The runtime sends a code; the words are here and
// in the locale files, one switch over the contract's list, so a new reason cannot reach the screen without them.
import type { TFunction } from 'i18next';
import type { StoreEncryption, StoreEncryptionOffReason } from '../../../../main/contract';

function offReasonText(t: TFunction, reason: StoreEncryptionOffReason): string {
  switch (reason) {
    case 'noKeyStore':
      return t('service.overview.storeEncryptionOffReasons.noKeyStore');
    case 'safeStorageUnavailable':
      return t('service.overview.storeEncryptionOffReasons.safeStorageUnavailable');
    case 'safeStorageBasicText':
      return t('service.overview.storeEncryptionOffReasons.safeStorageBasicText');
    case 'safeStorageBackendUnknown':
      return t('service.overview.storeEncryptionOffReasons.safeStorageBackendUnknown');
    case 'keyUnreadable':
      return t('service.overview.storeEncryptionOffReasons.keyUnreadable');
    case 'encryptionFailed':
      return t('service.overview.storeEncryptionOffReasons.encryptionFailed');
    default: {
      const unknownReason: never = reason;
      return unknownReason;
    }
  }
}

export function storeEncryptionText(t: TFunction, encryption: StoreEncryption): string {
  switch (encryption.state) {
    case 'on':
      return t('service.overview.storeEncryptionOn');
    case 'off':
      return t('service.overview.storeEncryptionOff', { reason: offReasonText(t, encryption.reason) });
    default: {
      const unknownState: never = encryption;
      return unknownState;
    }
  }
}
