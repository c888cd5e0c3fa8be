// What every part of the service screen receives. A section is one thing staff check or do; ServiceScreen lists them
// (serviceSections in ServiceScreen.tsx) and shows one at a time.
import type { LanguageCode } from '../../../../main/contract';
import type { DeviceClient } from '../../api/client';

export interface ServiceSectionProps {
  api: DeviceClient;
  language: LanguageCode;
}
