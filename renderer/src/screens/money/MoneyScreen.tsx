import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LanguageCode, MoneyEntry } from '../../../../main/contract';
import type { DeviceClient } from '../../api/client';
import { formatMoney, formatWhen } from '../../i18n/format';
import { ScreenFrame } from '../../frame/ScreenFrame';
import { useMoneyData } from './useMoneyData';

interface MoneyScreenProps {
  api: DeviceClient;
  language: LanguageCode;
  onClose(): void;
}

function entryName(entry: MoneyEntry, t: ReturnType<typeof useTranslation>['t']): string {
  switch (entry.kind) {
    case 'deposit':
      return entry.source === null ? t('money.kind.deposit') : t(`money.source.${entry.source}`);
    case 'stampPurchase':
      return t('money.kind.stampPurchase');
    case 'fee':
      return t('money.kind.fee');
    case 'other':
      return t('money.kind.other');
    default: {
      const unknownKind: never = entry.kind;
      return unknownKind;
    }
  }
}

/** The debit account: what is available and held, when the facility last confirmed it, and the history, a page at a time. */
export function MoneyScreen({ api, language, onClose }: MoneyScreenProps) {
  const { t } = useTranslation();
  const [page, setPage] = useState(0);
  const load = useCallback(() => api.call('money.account', { page }), [api, page]);
  const [view] = useMoneyData(api, load);

  return (
    <ScreenFrame
      screen="money"
      instructions={t('money.instructions')}
      title={t('money.title')}
      actions={
        <button type="button" className="button button--secondary action--back" data-testid="money-home" onClick={onClose}>
          {t('mail.backHome')}
        </button>
      }
    >
      <div className="money">
        {view === null ? null : (
          <>
            <section className="money__balance" data-testid="money-balance">
              {view.balance === null ? (
                <p>{t('money.notConfirmed')}</p>
              ) : (
                <>
                  <p className="money__big">{t('money.available', { amount: formatMoney(view.balance.availableCents, language) })}</p>
                  {view.balance.holdsCents > 0 ? <p>{t('money.holds', { amount: formatMoney(view.balance.holdsCents, language) })}</p> : null}
                  <p>{t('money.confirmedAt', { when: formatWhen(view.balance.confirmedAt, language) })}</p>
                </>
              )}
            </section>
            <section aria-labelledby="money-totals-title">
              <h2 id="money-totals-title" className="money__heading">
                {t('money.totalsTitle')}
              </h2>
              <dl className="totals" data-testid="money-totals">
                <dt>{t('money.totals.deposits')}</dt>
                <dd>{formatMoney(view.totals.depositsCents, language)}</dd>
                <dt>{t('money.totals.purchases')}</dt>
                <dd>{formatMoney(view.totals.purchasesCents, language)}</dd>
                <dt>{t('money.totals.fees')}</dt>
                <dd>{formatMoney(view.totals.feesCents, language)}</dd>
              </dl>
            </section>
            <section aria-labelledby="money-history-title">
              <h2 id="money-history-title" className="money__heading">
                {t('money.historyTitle')}
              </h2>
              {view.entries.length === 0 ? <p>{t('money.noHistory')}</p> : null}
              <ul className="ledger" data-testid="money-history">
                {view.entries.map((entry) => (
                  <li key={entry.id} className="ledger__row" data-testid="money-entry" data-kind={entry.kind}>
                    <span className="ledger__when">{formatWhen(entry.at, language)}</span>
                    <span className="ledger__what">
                      {entryName(entry, t)}
                      {entry.reference === '' || entry.kind === 'stampPurchase' ? null : (
                        <>
                          {' · '}
                          <bdi>{entry.reference}</bdi>
                        </>
                      )}
                    </span>
                    <span className={entry.amountCents < 0 ? 'ledger__amount ledger__amount--out' : 'ledger__amount'}>
                      {entry.amountCents > 0 ? '+' : ''}
                      {formatMoney(entry.amountCents, language)}
                    </span>
                  </li>
                ))}
              </ul>
              {view.pageCount > 1 ? (
                <div className="pager">
                  <button
                    type="button"
                    className="button button--secondary"
                    data-testid="money-newer"
                    disabled={view.page === 0}
                    onClick={() => setPage(view.page - 1)}
                  >
                    {t('money.newer')}
                  </button>
                  <span data-testid="money-page">{t('money.page', { page: view.page + 1, count: view.pageCount })}</span>
                  <button
                    type="button"
                    className="button button--secondary"
                    data-testid="money-older"
                    disabled={view.page >= view.pageCount - 1}
                    onClick={() => setPage(view.page + 1)}
                  >
                    {t('money.older')}
                  </button>
                </div>
              ) : null}
            </section>
          </>
        )}
      </div>
    </ScreenFrame>
  );
}
