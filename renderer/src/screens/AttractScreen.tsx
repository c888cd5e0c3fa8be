import { useTranslation } from 'react-i18next';
import type { AttractNotice, DeviceInfo, ReaderStatus } from '../../../main/contract';
import { CardScanIcon } from '../components/CardScanIcon';
import { ScreenFrame } from '../frame/ScreenFrame';
import { attractNoticeText } from './attractNotice';

interface AttractScreenProps {
  notice: AttractNotice | null;
  info: DeviceInfo | null;
  readers: readonly ReaderStatus[];
}

/** The idle screen between people: how to begin, and why the last session ended if there is news. */
export function AttractScreen({ notice, info, readers }: AttractScreenProps) {
  const { t } = useTranslation();
  // 'connecting' is a reader coming back by itself; only a reader that is gone needs staff. When another reader still
  // works, say so: "the card reader is not working" would send someone with a working wristband away.
  const readersDown = readers.filter((reader) => reader.connection === 'disconnected').length;
  const readerDown = readersDown > 0;
  const someReaderWorks = readersDown < readers.length;
  // A tablet nobody is assigned to serves only staff: say so instead of inviting a resident to scan.
  const unassignedTablet = info?.tablet?.assigned === false;
  return (
    <ScreenFrame
      screen="attract"
      instructions={t('attract.hint')}
      title={
        info === null ? (
          ''
        ) : (
          <span data-testid="device-identity">
            {info.siteName} · {info.deviceName}
          </span>
        )
      }
      centered
    >
      <CardScanIcon />
      <h2 className="screen__title screen__title--huge" data-testid="attract-title">
        {t(unassignedTablet ? 'attract.unassignedTitle' : 'attract.title')}
      </h2>
      <p className="screen__lead">{t(unassignedTablet ? 'attract.unassignedHint' : 'attract.hint')}</p>
      <div className="notice-area" role="status" data-testid="attract-notice">
        {notice === null ? null : <p className="notice">{attractNoticeText(t, notice)}</p>}
      </div>
      {readerDown ? (
        <p className="notice notice--problem" role="alert" data-testid="reader-problem">
          {t(someReaderWorks ? 'attract.oneReaderNotWorking' : 'attract.readerNotWorking')}
        </p>
      ) : null}
    </ScreenFrame>
  );
}
