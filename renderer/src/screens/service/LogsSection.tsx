import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeviceErrorCode, LogExport } from '../../../../main/contract';
import { DeviceApiError } from '../../api/client';
import { formatBytes, formatClock } from './serviceFormat';
import type { ServiceSectionProps } from './serviceSection';
import { linesToShow, type LogFilter } from './logLines';
import { useServiceCall } from './useServiceCall';

/** Enough lines that a busy hour folds into a screenful: routine runs become one line each. */
const linesRead = 500;
/** The log's two views, by the words' keys (service.logs.filter.*). */
const logFilters = ['all', 'problems'] as const;

/** The device log's last lines (the logger writes no PINs, message bodies or card data), and an export to take away. */
export function LogsSection({ api, language }: ServiceSectionProps) {
  const { t } = useTranslation();
  const load = useCallback(() => api.call('service.logs', { limit: linesRead }), [api]);
  const { value: logs, failure, reload } = useServiceCall(load);
  const [filter, setFilter] = useState<LogFilter>('all');
  const [exported, setExported] = useState<LogExport | DeviceErrorCode | 'exporting' | null>(null);

  const exportLogs = (): void => {
    setExported('exporting');
    api.call('service.exportLogs', {}).then(setExported, (error: unknown) => setExported(error instanceof DeviceApiError ? error.code : 'internal'));
  };

  return (
    <section className="service-section" data-testid="service-logs" aria-labelledby="service-logs-title">
      <h2 id="service-logs-title" className="service-section__title">
        {t('service.sections.logs')}
      </h2>
      <div className="service-section__actions">
        <button
          type="button"
          className="button button--primary button--wide"
          disabled={exported === 'exporting'}
          onClick={exportLogs}
          data-testid="service-export-logs"
        >
          {t('service.logs.export')}
        </button>
        <button type="button" className="button button--secondary" onClick={reload}>
          {t('service.logs.refresh')}
        </button>
        <div className="log-filter" role="group" aria-label={t('service.logs.filterLabel')}>
          {logFilters.map((choice) => (
            <button
              key={choice}
              type="button"
              className="toggle-button"
              aria-pressed={filter === choice}
              onClick={() => setFilter(choice)}
              data-testid={`service-log-filter-${choice}`}
            >
              {t(`service.logs.filter.${choice}`)}
            </button>
          ))}
        </div>
      </div>
      <div role="status" data-testid="service-export-result">
        {typeof exported === 'object' && exported !== null ? (
          <p className="notice">
            {t('service.logs.exported', { file: exported.fileName, folder: exported.directory, size: formatBytes(exported.bytes, language) })}
          </p>
        ) : null}
        {typeof exported === 'string' && exported !== 'exporting' ? <p className="notice notice--problem">{t(`errors.${exported}`)}</p> : null}
      </div>
      {failure !== null ? <p className="notice notice--problem">{t(`errors.${failure}`)}</p> : null}
      {logs === null ? null : logs.lines.length === 0 ? (
        <p className="screen__lead">{t('service.logs.empty')}</p>
      ) : (
        <ol className="log-lines" data-testid="service-log-lines">
          {/* Newest first: what just happened is what staff came to see. */}
          {linesToShow(logs.lines, filter).map(({ line, count }, index) => (
            <li
              key={`${line.at ?? 'none'}-${index}`}
              className={`log-lines__line log-lines__line--${line.level}`}
              data-testid="service-log-line"
              data-count={count}
            >
              <span className="log-lines__time">{line.at === null ? '—' : formatClock(line.at, language)}</span>
              <span className="log-lines__level">{t(`service.logs.levels.${line.level}`)}</span>
              <span className="log-lines__message">
                {line.message}
                {count > 1 ? <strong className="log-lines__count"> ×{count}</strong> : null}
              </span>
              {line.fields === '' || count > 1 ? null : <span className="log-lines__fields">{line.fields}</span>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
