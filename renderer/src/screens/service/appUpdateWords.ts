// "App updates" in service mode: when the hub was last asked, what came of it, and an update refused with why. The
// runtime sends codes (the contract's AppUpdateStatus); the words are here and in the locale files, one switch over
// each of the contract's lists, so a new code cannot reach the screen without words.
import type { TFunction } from 'i18next';
import type { AppUpdateStatus, LanguageCode, UpdateCheckOutcomeKind, UpdateRefusal } from '../../../../main/contract';
import { formatWhen } from '../../i18n/format';

function outcomeText(t: TFunction, outcome: UpdateCheckOutcomeKind): string {
  switch (outcome) {
    case 'notEnrolled':
      return t('service.overview.updateOutcomes.notEnrolled');
    case 'nothingPublished':
      return t('service.overview.updateOutcomes.nothingPublished');
    case 'upToDate':
      return t('service.overview.updateOutcomes.upToDate');
    case 'hubFailure':
      return t('service.overview.updateOutcomes.hubFailure');
    case 'refused':
      return t('service.overview.updateOutcomes.refused');
    case 'waitingForIdle':
      return t('service.overview.updateOutcomes.waitingForIdle');
    case 'installed':
      return t('service.overview.updateOutcomes.installed');
    default: {
      const unknownOutcome: never = outcome;
      return unknownOutcome;
    }
  }
}

function refusalReason(t: TFunction, refusal: UpdateRefusal): string {
  switch (refusal) {
    case 'unreadableMetadata':
      return t('service.overview.updateRefusals.unreadableMetadata');
    case 'inconsistentMetadata':
      return t('service.overview.updateRefusals.inconsistentMetadata');
    case 'otherApp':
      return t('service.overview.updateRefusals.otherApp');
    case 'otherBuild':
      return t('service.overview.updateRefusals.otherBuild');
    case 'badSignature':
      return t('service.overview.updateRefusals.badSignature');
    case 'refusedBefore':
      return t('service.overview.updateRefusals.refusedBefore');
    case 'sizeMismatch':
      return t('service.overview.updateRefusals.sizeMismatch');
    case 'hashMismatch':
      return t('service.overview.updateRefusals.hashMismatch');
    case 'notInstallable':
      return t('service.overview.updateRefusals.notInstallable');
    default: {
      const unknownRefusal: never = refusal;
      return unknownRefusal;
    }
  }
}

/** The "App updates" fact: off, not asked yet, or the last check's time and outcome, and a download waiting for an empty screen. */
export function appUpdateText(t: TFunction, updates: AppUpdateStatus | null, language: LanguageCode): string {
  if (updates === null) return t('service.overview.updatesOff');
  const checked =
    updates.lastCheckAt === null || updates.lastOutcome === null
      ? t('service.overview.updatesNotChecked')
      : t('service.overview.updatesChecked', { time: formatWhen(updates.lastCheckAt, language), outcome: outcomeText(t, updates.lastOutcome) });
  return updates.stagedVersion === null ? checked : `${checked} ${t('service.overview.updateStaged', { version: updates.stagedVersion })}`;
}

/** An update the device would not take, in words, or null when none was refused. */
export function appUpdateRefusalText(t: TFunction, updates: AppUpdateStatus | null): string | null {
  if (updates === null || updates.lastRefusal === null) return null;
  const reason = refusalReason(t, updates.lastRefusal.refusal);
  return updates.lastRefusal.version === null
    ? t('service.overview.updateRefusedUnknownVersion', { reason })
    : t('service.overview.updateRefused', { version: updates.lastRefusal.version, reason });
}
